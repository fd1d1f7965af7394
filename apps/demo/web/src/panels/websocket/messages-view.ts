/**
 * Messages as the page's WebSocket API sees them (whole messages, no frames): what was sent, what came
 * back, and whether each echo equals what was sent.
 */
import { h, hex, replace } from "../../dom";
import { bindText } from "../../i18n";
import { t } from "./strings";

const KEPT = 100;

function same(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(data: string | Uint8Array): HTMLElement {
  if (typeof data === "string") {
    const shown = data.length > 120 ? `${data.slice(0, 120)}…` : data;
    return h(
      "span",
      {},
      bindText(h("span", { class: "badge" }), () => t("textKind")),
      " ",
      h("q", { class: "ws-msg-text" }, shown),
    );
  }
  return h(
    "span",
    {},
    bindText(h("span", { class: "badge" }), () => t("binaryKind", { n: data.length })),
    " ",
    h("span", { class: "mono" }, hex(data, 12)),
  );
}

export interface MessagesView {
  root: HTMLElement;
  sent(data: string | Uint8Array): void;
  received(data: string | Uint8Array): void;
  reset(): void;
}

export function messagesView(): MessagesView {
  const list = h("ol", { id: "ws-messages", class: "ws-messages" });
  const empty = bindText(h("p", { class: "muted" }), () => t("noMessages"));
  /** Sent messages still waiting for their echo, oldest first. */
  const awaiting: Array<string | Uint8Array> = [];

  const add = (item: HTMLElement) => {
    empty.hidden = true;
    list.append(item);
    while (list.children.length > KEPT) list.firstElementChild?.remove();
    list.scrollTop = list.scrollHeight;
  };

  return {
    root: h(
      "div",
      { class: "card" },
      bindText(h("h3"), () => t("messages")),
      empty,
      h("div", { class: "scroll ws-messages-scroll" }, list),
    ),
    sent(data) {
      awaiting.push(typeof data === "string" ? data : data.slice());
      add(
        h(
          "li",
          { "data-dir": "sent", "data-kind": typeof data === "string" ? "text" : "binary" },
          bindText(h("span", { class: "ws-msg-dir" }), () => `→ ${t("sent")}`),
          " ",
          describe(data),
        ),
      );
    },
    received(data) {
      const original = awaiting.shift();
      const match = original !== undefined && same(original, data);
      add(
        h(
          "li",
          {
            "data-dir": "received",
            "data-kind": typeof data === "string" ? "text" : "binary",
            "data-match": String(match),
            ...(typeof data === "string"
              ? { "data-text": data.slice(0, 200) }
              : { "data-size": data.length }),
          },
          bindText(h("span", { class: "ws-msg-dir" }), () => `← ${t("received")}`),
          " ",
          describe(data),
          " ",
          bindText(h("span", { class: `badge ${match ? "ok" : "bad"}` }), () =>
            t(match ? "echoOk" : "echoBad"),
          ),
        ),
      );
    },
    reset() {
      awaiting.length = 0;
      replace(list);
      empty.hidden = false;
    },
  };
}
