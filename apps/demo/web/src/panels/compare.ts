/** The HTTP/1.1 vs 2 vs 3 panel (placeholder: filled in by its own change). */
import { h } from "../dom";
import { bindText, strings } from "../i18n";
import type { Panel } from "../panel";

const t = strings({
  title: ["HTTP/1.1 vs 2 vs 3", "HTTP/1.1 vs 2 vs 3"],
});

export const comparePanel: Panel = {
  id: "compare",
  title: () => t("title"),
  mount(root) {
    root.append(bindText(h("h2"), () => t("title")));
    root.dataset.ready = "true";
  },
};
