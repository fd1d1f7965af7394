/**
 * The HTTP/2 & HPACK panel: an HPACK playground running @proto/hpack in the browser (the notes' claim
 * that repeated headers shrink to about a byte), and a real h2c exchange between @proto/node's client and
 * server with its frame log, recorded by the lab server (src/server/h2-lab.ts).
 */
import { h } from "../dom";
import { bindText, strings } from "../i18n";
import type { Panel } from "../panel";
import "./http2/http2.css";
import { mountExchange } from "./http2/exchange-view";
import { mountHpack } from "./http2/hpack-view";

const t = strings({
  title: ["HTTP/2 & HPACK", "HTTP/2 与 HPACK"],
  intro: [
    "HTTP/2 keeps one TCP connection per origin and cuts every request and response into binary frames tagged with a stream id, so many exchanges interleave without waiting for each other. Headers, which repeat on nearly every request, are compressed with HPACK.",
    "HTTP/2 对每个源只保持一条 TCP 连接，把每个请求和响应切分成带流 ID 的二进制帧，多个交互可以交错进行而不必互相等待。几乎每个请求都会重复的头部则用 HPACK 压缩。",
  ],
});

export const http2Panel: Panel = {
  id: "http2",
  title: () => t("title"),
  mount(root) {
    root.append(
      bindText(h("h2"), () => t("title")),
      bindText(h("p", { class: "intro" }), () => t("intro")),
    );
    const hpack = h("div", { id: "hpack-playground" });
    const exchange = h("div", { id: "h2-exchange" });
    root.append(hpack, exchange);
    mountHpack(hpack);
    mountExchange(exchange);
    root.dataset.ready = "true";
  },
};
