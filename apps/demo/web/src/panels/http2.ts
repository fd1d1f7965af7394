/** The HTTP/2 & HPACK panel (placeholder: filled in by its own change). */
import { h } from "../dom";
import { bindText, strings } from "../i18n";
import type { Panel } from "../panel";

const t = strings({
  title: ["HTTP/2 & HPACK", "HTTP/2 与 HPACK"],
});

export const http2Panel: Panel = {
  id: "http2",
  title: () => t("title"),
  mount(root) {
    root.append(bindText(h("h2"), () => t("title")));
    root.dataset.ready = "true";
  },
};
