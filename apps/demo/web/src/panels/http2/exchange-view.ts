/**
 * A real h2c exchange: the lab server runs @proto/node's HTTP/2 client against its HTTP/2 server through a
 * recording TCP relay on 127.0.0.1, and this view shows every frame that crossed, both ways.
 */
import type { H2ExchangeResult } from "../../../../src/server/h2-lab";
import { api, download, field, h, replace } from "../../dom";
import { bindText, onLanguageChange, strings } from "../../i18n";
import { frameTable } from "./frame-rows";

const t = strings({
  heading: ["A real h2c exchange, frame by frame", "一次真实的 h2c 交互，逐帧查看"],
  intro: [
    "The lab server connects @proto/node's HTTP/2 client to its HTTP/2 server over cleartext TCP (h2c with prior knowledge) through a relay that records every byte. Several requests share the one connection as streams 1, 3, 5…; then the client says GOAWAY. The response body is large enough for flow control to show: the client returns credit with WINDOW_UPDATE.",
    "实验室服务器让 @proto/node 的 HTTP/2 客户端经由一个记录所有字节的中继，以明文 TCP（预先知道对方支持的 h2c）连接它的 HTTP/2 服务器。多个请求作为流 1、3、5…… 共用这一条连接；最后客户端发送 GOAWAY。响应体足够大，可以看到流量控制：客户端用 WINDOW_UPDATE 归还额度。",
  ],
  path: ["Path", "路径"],
  method: ["Method", "方法"],
  bodySize: ["Response body (bytes)", "响应体大小（字节）"],
  requests: ["Requests on the connection", "连接上的请求数"],
  window: ["Client's receive windows", "客户端的接收窗口"],
  wLarge: ["1 MiB (connectH2's default)", "1 MiB（connectH2 默认）"],
  wRfc: ["65,535 bytes (the RFC's initial window)", "65,535 字节（RFC 规定的初始窗口）"],
  run: ["Run the h2c exchange", "运行 h2c 交互"],
  download: ["Download the log (JSON)", "下载日志（JSON）"],
  running: ["Running…", "运行中……"],
  failed: ["The exchange failed: {error}", "交互失败：{error}"],
  done: [
    "{n} request(s) on one TCP connection, answered {statuses}, {body} body bytes each. The client wrote {c} bytes and the server {s} bytes, in {frames} frames, in {ms} ms.",
    "一条 TCP 连接上的 {n} 个请求，响应状态为 {statuses}，每个响应体 {body} 字节。客户端写出 {c} 字节，服务器写出 {s} 字节，共 {frames} 帧，用时 {ms} 毫秒。",
  ],
  wire: [
    "HPACK on the wire: the request header blocks took {sizes} bytes. The first request taught both ends the fields; the later ones mostly send indices.",
    "线上的 HPACK：各个请求的头部块依次为 {sizes} 字节。第一个请求让两端记住了这些字段，之后的请求主要只发送索引。",
  ],
  counts: ["Frames by type:", "各类帧的数量："],
  legendTitle: ["What to look for", "看点"],
  lPreface: [
    "PREFACE: 24 fixed bytes from the client before any frame.",
    "PREFACE：客户端在任何帧之前发送的 24 个固定字节。",
  ],
  lSettings: [
    "SETTINGS: each side's parameters first; each is then acknowledged with an empty SETTINGS + ACK.",
    "SETTINGS：双方首先发送各自的参数；随后各用一个空的 SETTINGS + ACK 确认对方。",
  ],
  lHeaders: [
    "HEADERS: a request or response header block, HPACK-compressed; END_STREAM on a GET means no body.",
    "HEADERS：经 HPACK 压缩的请求或响应头部块；GET 请求带 END_STREAM 表示没有请求体。",
  ],
  lData: [
    "DATA: body bytes, at most 16,384 per frame (SETTINGS_MAX_FRAME_SIZE), the last one with END_STREAM.",
    "DATA：正文字节，每帧最多 16,384 字节（SETTINGS_MAX_FRAME_SIZE），最后一帧带 END_STREAM。",
  ],
  lWindow: [
    "WINDOW_UPDATE: flow control credit, for the connection (stream 0) or one stream.",
    "WINDOW_UPDATE：流量控制额度，针对整个连接（流 0）或单个流。",
  ],
  lGoaway: [
    "GOAWAY: the graceful end: no new streams; the last stream id says what was processed.",
    "GOAWAY：优雅关闭：不再新建流；其中的最后流 ID 说明哪些已被处理。",
  ],
});

export function mountExchange(root: HTMLElement): void {
  const path = h("input", { type: "text", id: "h2-path", value: "/lab/page.html", spellcheck: "false" });
  const method = h(
    "select",
    { id: "h2-method" },
    ...["GET", "POST", "HEAD"].map((m) => h("option", { value: m }, m)),
  );
  const bodySize = h("input", {
    type: "number",
    id: "h2-body-size",
    min: 0,
    max: 4194304,
    step: 1024,
    value: 102400,
  });
  const requests = h(
    "select",
    { id: "h2-requests" },
    ...[1, 2, 3].map((n) => h("option", { value: n, selected: n === 2 }, n)),
  );
  const windows = h(
    "select",
    { id: "h2-window" },
    bindText(h("option", { value: "large" }), () => t("wLarge")),
    bindText(h("option", { value: "rfc" }), () => t("wRfc")),
  );
  const run = bindText(h("button", { type: "button", class: "btn", id: "h2-run" }), () => t("run"));
  const save = bindText(
    h("button", { type: "button", class: "btn secondary", id: "h2-download", disabled: true }),
    () => t("download"),
  );
  const status = h("p", { id: "h2-status", role: "status" });
  const result = h("div", { id: "h2-result" });
  let last: H2ExchangeResult | undefined;
  let failure: string | undefined;
  let busy = false;

  const render = () => {
    if (busy) {
      status.className = "muted";
      status.textContent = t("running");
    } else if (failure !== undefined) {
      status.className = "bad";
      status.textContent = t("failed", { error: failure });
    } else {
      status.textContent = "";
    }
    if (!last) {
      replace(result);
      return;
    }
    const r = last;
    const counts = new Map<string, number>();
    for (const f of r.frames) counts.set(f.typeName, (counts.get(f.typeName) ?? 0) + 1);
    const requestBlocks = r.frames.flatMap((f) =>
      f.from === "client" && f.summary.kind === "headers" ? [f.summary.blockBytes] : [],
    );
    replace(
      result,
      h(
        "p",
        { id: "h2-summary" },
        t("done", {
          n: r.responses.length,
          statuses: r.responses.map((x) => x.status).join(", "),
          body: r.responses[0]?.bodyBytes ?? 0,
          c: r.bytes.client,
          s: r.bytes.server,
          frames: r.frames.filter((f) => f.type >= 0).length,
          ms: r.elapsedMs.toFixed(1),
        }),
      ),
      requestBlocks.length > 1 &&
        h(
          "p",
          { id: "h2-wire-headers", "data-sizes": requestBlocks.join(",") },
          t("wire", { sizes: requestBlocks.join(" → ") }),
        ),
      h(
        "p",
        { class: "h2-counts" },
        t("counts"),
        " ",
        ...[...counts].flatMap(([type, n]) => [
          h("span", { class: `badge h2-type h2-${type.toLowerCase().replace(/_/g, "-")}` }, `${type} ×${n}`),
          " ",
        ]),
      ),
      frameTable(r.frames),
    );
  };

  run.addEventListener("click", async () => {
    busy = true;
    failure = undefined;
    run.disabled = true;
    render();
    try {
      last = await api<H2ExchangeResult>("/api/h2/request", {
        path: path.value.trim(),
        method: method.value,
        bodySize: Number(bodySize.value),
        requests: Number(requests.value),
        window: windows.value,
      });
      save.disabled = false;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    } finally {
      busy = false;
      run.disabled = false;
      render();
    }
  });
  save.addEventListener("click", () => {
    if (last) download("h2c-frame-log.json", JSON.stringify(last, null, 2), "application/json");
  });
  onLanguageChange(render);

  const label = (key: Parameters<typeof t>[0], control: HTMLElement) => field(() => t(key), control);
  const legend = (["lPreface", "lSettings", "lHeaders", "lData", "lWindow", "lGoaway"] as const).map((k) =>
    bindText(h("li"), () => t(k)),
  );
  root.append(
    bindText(h("h3"), () => t("heading")),
    bindText(h("p", { class: "intro" }), () => t("intro")),
    h(
      "div",
      { class: "card" },
      h(
        "div",
        { class: "row" },
        label("path", path),
        label("method", method),
        label("bodySize", bodySize),
        label("requests", requests),
        label("window", windows),
        run,
        save,
      ),
      status,
      h(
        "details",
        { class: "h2-legend" },
        bindText(h("summary"), () => t("legendTitle")),
        h("ul", {}, ...legend),
      ),
    ),
    result,
  );
}
