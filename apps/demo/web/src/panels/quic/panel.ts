/**
 * The QUIC panel ("QUIC on the wire"): the RFC 9001 A.2 client Initial dissected step by step, and a
 * varint explainer.
 */
import { h, replace } from "../../dom";
import { bindText, onLanguageChange } from "../../i18n";
import type { Panel } from "../../panel";
import { type Dissection, dissect } from "./dissect";
import { t } from "./text";
import { varintCard } from "./varint-view";
import { aeadCard, keysCard, protectionCard } from "./view-keys";
import { headerCard, packetCard } from "./view-packet";
import { framesCard, helloCard } from "./view-payload";
import "./quic.css";

function steps(d: Dissection): HTMLElement[] {
  return [
    keysCard(d),
    packetCard(d),
    protectionCard(d),
    headerCard(d),
    aeadCard(d),
    framesCard(d),
    helloCard(d),
  ];
}

export const quicPanel: Panel = {
  id: "quic",
  title: () => t("title"),
  async mount(root) {
    const content = h(
      "div",
      { class: "quic-steps" },
      bindText(h("p", { class: "muted" }), () => t("loading")),
    );
    const varint = varintCard();
    root.append(
      bindText(h("h2"), () => t("title")),
      bindText(h("p", { class: "intro" }), () => t("intro")),
      content,
      varint.el,
    );
    let dissection: Dissection | undefined;
    onLanguageChange(() => {
      if (dissection) replace(content, ...steps(dissection));
      varint.render();
    });
    try {
      dissection = await dissect();
      replace(content, ...steps(dissection));
    } catch (error) {
      replace(
        content,
        h(
          "p",
          { class: "error" },
          t("failed", { error: error instanceof Error ? error.message : String(error) }),
        ),
      );
      console.error(error);
    }
    root.dataset.ready = "true";
  },
};
