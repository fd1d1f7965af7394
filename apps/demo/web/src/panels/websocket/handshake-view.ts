/**
 * The opening handshake: the request and the 101 response, and Sec-WebSocket-Accept computed here step
 * by step (key + GUID → SHA-1 → Base64) with @proto/ws-handshake's own SHA-1, then compared with what the
 * server sent.
 */
import {
  computeAccept,
  encodeBase64,
  getHeader,
  type HeaderList,
  parseRequestHead,
  sha1,
  WEBSOCKET_GUID,
} from "@proto/ws-handshake";
import { h, hex, replace } from "../../dom";
import { bindText } from "../../i18n";
import { type Key, t } from "./strings";

const MARKED = /^(sec-websocket-key|sec-websocket-accept|upgrade|connection):/i;

/** A head as lines, the handshake's own fields highlighted. */
function headLines(text: string): HTMLElement {
  const pre = h("pre", { class: "ws-head" });
  for (const line of text.replace(/\r\n$/, "").split("\r\n")) {
    pre.append(MARKED.test(line) ? h("mark", {}, line) : line, "\n");
  }
  return pre;
}

function label(key: Key): HTMLElement {
  return bindText(h("div", { class: "ws-step-label" }), () => t(key));
}

export interface HandshakeView {
  root: HTMLElement;
  request(text: string): void;
  response(text: string, headers: HeaderList): void;
  reset(): void;
}

export function handshakeView(): HandshakeView {
  const requestBox = h("div", { id: "ws-request" });
  const responseBox = h("div", { id: "ws-response" });
  const steps = h("div", { id: "ws-accept", class: "ws-steps" });
  const extensions = h("p", { class: "muted ws-small" });
  let key: string | undefined;
  let offered = "";
  let serverAccept: string | undefined;

  const waiting = () => bindText(h("p", { class: "muted" }), () => t("waiting"));

  function renderSteps(): void {
    if (key === undefined || serverAccept === undefined) {
      replace(steps, waiting());
      return;
    }
    // The key is Base64 and the GUID is ASCII, so their UTF-8 bytes are their ASCII bytes.
    const digest = sha1(new TextEncoder().encode(key + WEBSOCKET_GUID));
    const computed = encodeBase64(digest);
    // The step-by-step value and the package's one-call answer must agree.
    const match = computed === serverAccept && computeAccept(key) === computed;
    steps.dataset.match = String(match);
    steps.dataset.computed = computed;
    steps.dataset.server = serverAccept;
    const verdict = bindText(h("span", { class: `badge ${match ? "ok" : "bad"}` }), () =>
      t(match ? "acceptMatch" : "acceptMismatch"),
    );
    replace(
      steps,
      label("stepKey"),
      h("code", { class: "ws-step-value" }, key),
      label("stepConcat"),
      h("code", { class: "ws-step-value" }, key, h("span", { class: "ws-guid" }, WEBSOCKET_GUID)),
      label("stepSha1"),
      h("code", { class: "ws-step-value" }, hex(digest)),
      label("stepBase64"),
      h("code", { class: "ws-step-value", id: "ws-accept-computed" }, computed),
      label("stepServer"),
      h("code", { class: "ws-step-value", id: "ws-accept-server" }, serverAccept, " ", verdict),
    );
  }

  function renderExtensions(): void {
    replace(extensions);
    if (offered && serverAccept !== undefined) {
      extensions.append(bindText(h("span"), () => t("extensionsNote", { offer: offered })));
    }
  }

  const root = h(
    "div",
    { class: "card ws-handshake" },
    bindText(h("h3"), () => t("handshake")),
    h(
      "div",
      { class: "grid2" },
      h(
        "div",
        {},
        bindText(h("div", { class: "ws-step-label" }), () => t("request")),
        requestBox,
        bindText(h("p", { class: "muted ws-small" }), () => t("requestNote")),
      ),
      h(
        "div",
        {},
        bindText(h("div", { class: "ws-step-label" }), () => t("response")),
        responseBox,
      ),
    ),
    bindText(h("h4"), () => t("acceptSteps")),
    steps,
    extensions,
  );

  const view: HandshakeView = {
    root,
    request(text) {
      replace(requestBox, headLines(text));
      const parsed = parseRequestHead(new TextEncoder().encode(text));
      key = parsed ? getHeader(parsed.head.headers, "sec-websocket-key") : undefined;
      offered = (parsed && getHeader(parsed.head.headers, "sec-websocket-extensions")) ?? "";
      renderSteps();
      renderExtensions();
    },
    response(text, headers) {
      replace(responseBox, headLines(text));
      serverAccept = getHeader(headers, "sec-websocket-accept") ?? "";
      if (getHeader(headers, "sec-websocket-extensions")) offered = "";
      renderSteps();
      renderExtensions();
    },
    reset() {
      key = undefined;
      serverAccept = undefined;
      offered = "";
      replace(requestBox, waiting());
      replace(responseBox, waiting());
      renderSteps();
      renderExtensions();
    },
  };
  view.reset();
  return view;
}
