/** The WebSocket panel (placeholder: filled in by its own change). */
import { h } from "../dom";
import { bindText, strings } from "../i18n";
import type { Panel } from "../panel";

const t = strings({
  title: ["WebSocket", "WebSocket"],
});

export const websocketPanel: Panel = {
  id: "websocket",
  title: () => t("title"),
  mount(root) {
    root.append(bindText(h("h2"), () => t("title")));
    root.dataset.ready = "true";
  },
};
