/** The h2c frame log as a table: one row per frame (the preface first), each read in words. */
import type { FrameLogEntry } from "../../../../src/server/h2-lab-log";
import { h } from "../../dom";
import { strings } from "../../i18n";
import { fromOctets } from "./hpack-model";

const t = strings({
  no: ["#", "#"],
  time: ["ms", "毫秒"],
  dir: ["Direction", "方向"],
  type: ["Frame", "帧"],
  flags: ["Flags", "标志"],
  stream: ["Stream", "流"],
  length: ["Length", "长度"],
  header: ["Frame header (9 bytes)", "帧头（9 字节）"],
  what: ["What it says", "含义"],
  c2s: ["client → server", "客户端 → 服务器"],
  s2c: ["server → client", "服务器 → 客户端"],
  client: ["client", "客户端"],
  server: ["server", "服务器"],
  preface: [
    "The client's connection preface (RFC 9113 §3.4): “{text}”, 24 bytes, not a frame. It proves the client speaks HTTP/2.",
    "客户端的连接前言（RFC 9113 §3.4）：“{text}”，24 字节，不是帧。它表明客户端说的是 HTTP/2。",
  ],
  badPreface: ["not the HTTP/2 preface!", "不是 HTTP/2 前言！"],
  settings: ["The {side}'s settings: {params}", "{side}的设置：{params}"],
  settingsNone: ["The {side}'s settings: all defaults", "{side}的设置：全部为默认值"],
  settingsAck: ["Acknowledges the {peer}'s SETTINGS", "确认收到{peer}的 SETTINGS"],
  request: ["Request", "请求"],
  response: ["Response", "响应"],
  headers: [
    "{what}: {n} fields in a {b}-byte HPACK block, {k} of them one indexed byte each",
    "{what}：{n} 个字段，HPACK 块 {b} 字节，其中 {k} 个字段各只占一个索引字节",
  ],
  continuation: ["{b} more bytes of the header block", "头部块的后续 {b} 字节"],
  dataReq: ["{n} bytes of the request body", "请求体的 {n} 字节"],
  dataRes: ["{n} bytes of the response body", "响应体的 {n} 字节"],
  last: ["; the last (END_STREAM)", "；最后一帧（END_STREAM）"],
  connWindow: [
    "Connection window +{n} bytes: the sender may send that much more on all streams",
    "连接窗口 +{n} 字节：对方可以在所有流上再多发送这么多",
  ],
  streamWindow: [
    "Stream {s} window +{n} bytes: credit returned for body bytes read",
    "流 {s} 的窗口 +{n} 字节：已读取的数据归还的额度",
  ],
  goaway: [
    "Closing the connection: last stream processed {id}, {name} ({code}){debug}",
    "关闭连接：最后处理的流为 {id}，{name}（{code}）{debug}",
  ],
  ping: ["PING {data}", "PING {data}"],
  pingAck: ["PING answer {data}", "PING 应答 {data}"],
  reset: ["Stream reset: {name} ({code})", "流被重置：{name}（{code}）"],
  other: ["(not read by the lab)", "（实验室未解析）"],
  error: ["Could not read: {message}", "无法解析：{message}"],
});

const showControl = (s: string) => s.replace(/\r/g, "\\r").replace(/\n/g, "\\n");

/** The entry in words, in the current language. */
export function describe(e: FrameLogEntry): Node | string {
  const side = t(e.from);
  const peer = t(e.from === "client" ? "server" : "client");
  const s = e.summary;
  switch (s.kind) {
    case "preface":
      return s.valid ? t("preface", { text: showControl(s.text) }) : t("badPreface");
    case "settings":
      if (s.ack) return t("settingsAck", { peer });
      if (s.params.length === 0) return t("settingsNone", { side });
      return t("settings", { side, params: s.params.map((p) => `${p.name} = ${p.value}`).join(", ") });
    case "headers": {
      const text = t("headers", {
        what: t(e.from === "client" ? "request" : "response"),
        n: s.fields.length,
        b: s.blockBytes,
        k: s.reps.filter((r) => r.kind === "indexed" && r.bytes === 1).length,
      });
      return h(
        "details",
        { class: "h2-fields" },
        h("summary", {}, text),
        h("pre", {}, s.fields.map(([n, v]) => `${fromOctets(n)}: ${fromOctets(v)}`).join("\n")),
      );
    }
    case "continuation":
      return t("continuation", { b: s.blockBytes });
    case "data":
      return t(e.from === "client" ? "dataReq" : "dataRes", { n: s.bytes }) + (s.endStream ? t("last") : "");
    case "window-update":
      return e.streamId === 0
        ? t("connWindow", { n: s.increment })
        : t("streamWindow", { s: e.streamId, n: s.increment });
    case "goaway":
      return t("goaway", {
        id: s.lastStreamId,
        name: s.errorName,
        code: s.errorCode,
        debug: s.debug ? ` “${s.debug}”` : "",
      });
    case "ping":
      return t(s.ack ? "pingAck" : "ping", { data: s.hex });
    case "rst-stream":
      return t("reset", { name: s.errorName, code: s.errorCode });
    case "other":
      return t("other");
    case "error":
      return t("error", { message: s.message });
  }
}

/** CSS class of a frame type's badge (colours in http2.css). */
function typeClass(typeName: string): string {
  return `h2-type h2-${typeName.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

export function frameTable(frames: FrameLogEntry[]): HTMLElement {
  const rows = frames.map((e, i) =>
    h(
      "tr",
      {
        class: e.from === "client" ? "h2-from-client" : "h2-from-server",
        "data-type": e.typeName,
        "data-from": e.from,
        "data-flags": e.flagNames.join(" "),
        "data-stream": e.streamId,
        "data-length": e.length,
      },
      h("td", { class: "num" }, i + 1),
      h("td", { class: "num" }, e.t.toFixed(2)),
      h("td", { class: "h2-dir" }, t(e.from === "client" ? "c2s" : "s2c")),
      h("td", {}, h("span", { class: `badge ${typeClass(e.typeName)}` }, e.typeName)),
      h("td", { class: "mono" }, e.flagNames.join(" ")),
      h("td", { class: "num" }, e.type < 0 ? "" : e.streamId),
      h("td", { class: "num" }, e.length),
      h("td", { class: "mono h2-hdr" }, e.headerHex),
      h("td", { class: "h2-what" }, describe(e)),
    ),
  );
  return h(
    "div",
    { class: "scroll h2-log-wrap" },
    h(
      "table",
      { class: "data", id: "h2-frame-log" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...(["no", "time", "dir", "type", "flags", "stream", "length", "header", "what"] as const).map(
            (k) =>
              h("th", { class: ["no", "time", "stream", "length"].includes(k) ? "num" : undefined }, t(k)),
          ),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}
