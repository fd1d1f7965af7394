/** The Layers panel (placeholder: filled in by its own change). */
import { h } from "../dom";
import { bindText, strings } from "../i18n";
import type { Panel } from "../panel";

const t = strings({
  title: ["Layers", "分层模型"],
});

export const layersPanel: Panel = {
  id: "layers",
  title: () => t("title"),
  mount(root) {
    root.append(bindText(h("h2"), () => t("title")));
    root.dataset.ready = "true";
  },
};
