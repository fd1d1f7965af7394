/**
 * The connection's state and what the page can make it do: send text, binary, a fragmented echo and an
 * oversized message, ask for a server ping, close from either side with a chosen code, reconnect.
 */
import { closeCodeName } from "@proto/ws-frame";
import { h, replace } from "../../dom";
import { bindText } from "../../i18n";
import type { CloseInfo, SocketState } from "./lab-socket";
import { type Key, t } from "./strings";

export interface LabInfo {
  maxMessageSize: number;
  heartbeatMs: number;
  maxFragments: number;
}

export interface ControlActions {
  sendText(text: string): void;
  sendBinary(size: number): void;
  sendFragmented(text: string, pieces: number): Promise<void>;
  sendOversized(size: number): void;
  serverPing(): Promise<void>;
  closeBrowser(code: number, reason: string): void;
  closeServer(code: number, reason: string): Promise<void>;
  reconnect(): void;
}

export interface ControlsView {
  root: HTMLElement;
  setState(state: SocketState): void;
  browserClosed(info: CloseInfo): void;
  serverClosed(code: number, reason: string): void;
  /** Shows a message (a function, so it follows the language), or clears it. */
  message(text: (() => string) | undefined): void;
}

/** Close codes to choose from: what a page may send (1000, 3000-4999) and what only a server may. */
const CLOSE_CODES = [1000, 4000, 3000, 4999, 1001, 1008, 1011, 1013];

export function controlsView(info: LabInfo, actions: ControlActions): ControlsView {
  let state: SocketState = "idle";
  const stateKey = () => `state_${state}` as Key;
  const status = bindText(h("strong", { id: "ws-status", "data-state": state }), () =>
    t("stateLabel", { state: t(stateKey()) }),
  );
  const browserClose = h("div", { id: "ws-close-browser-info", class: "ws-small" });
  const serverClose = h("div", { id: "ws-close-server-info", class: "ws-small" });
  const note = h("p", { id: "ws-note", class: "warn ws-small", "aria-live": "polite" });
  const oversize = info.maxMessageSize + 1024;

  const button = (id: string, key: Key, onclick: () => void, cls = "btn", vars?: Record<string, number>) =>
    bindText(h("button", { type: "button", class: cls, id, onclick }), () => t(key, vars));
  const labelled = (key: Key, control: HTMLElement) =>
    h(
      "label",
      {},
      bindText(h("span"), () => t(key)),
      control,
    );

  const text = h("input", { type: "text", id: "ws-text", size: 28 });
  text.value = t("textDefault");
  const size = h("input", {
    type: "number",
    id: "ws-binary-size",
    min: 1,
    max: info.maxMessageSize,
    value: 1024,
  });
  const pieces = h("input", { type: "number", id: "ws-pieces", min: 2, max: info.maxFragments, value: 3 });
  const code = h("select", { id: "ws-close-code" });
  for (const c of CLOSE_CODES) code.append(h("option", { value: c }, `${c} ${closeCodeName(c)}`));
  const reason = h("input", { type: "text", id: "ws-close-reason", size: 18, maxlength: 60 });
  reason.value = t("closeReasonDefault");

  const guarded = (run: () => void | Promise<void>) => async () => {
    view.message(undefined);
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      view.message(() => t("apiError", { error: message }));
    }
  };
  const sizeValue = () => Math.max(1, Math.min(info.maxMessageSize, Math.floor(Number(size.value) || 1)));
  const piecesValue = () => Math.max(2, Math.min(info.maxFragments, Math.floor(Number(pieces.value) || 2)));

  const needOpen: HTMLButtonElement[] = [
    button(
      "ws-send-text",
      "sendText",
      guarded(() => actions.sendText(text.value)),
    ),
    button(
      "ws-send-binary",
      "sendBinary",
      guarded(() => actions.sendBinary(sizeValue())),
    ),
    button(
      "ws-send-fragmented",
      "sendFragmented",
      guarded(() => actions.sendFragmented(text.value, piecesValue())),
    ),
    button(
      "ws-send-oversized",
      "sendOversized",
      guarded(() => actions.sendOversized(oversize)),
      "btn secondary",
      {
        n: oversize,
      },
    ),
    button(
      "ws-server-ping",
      "serverPing",
      guarded(() => actions.serverPing()),
      "btn secondary",
    ),
    button(
      "ws-close-browser",
      "closeBrowser",
      () => {
        view.message(undefined);
        const chosen = Number(code.value);
        try {
          actions.closeBrowser(chosen, reason.value);
        } catch {
          // The browser's WebSocket.close() throws InvalidAccessError for 1001-2999.
          view.message(() => t("browserCodeRule", { code: chosen }));
        }
      },
      "btn secondary",
    ),
    button(
      "ws-close-server",
      "closeServer",
      guarded(() => actions.closeServer(Number(code.value), reason.value)),
      "btn secondary",
    ),
  ];
  const [sendText, sendBinary, sendFragmented, sendOversized, serverPing, closeBrowser, closeServer] =
    needOpen;
  const reconnect = button("ws-reconnect", "reconnect", () => actions.reconnect(), "btn secondary");

  const root = h(
    "div",
    { class: "card ws-controls" },
    h(
      "div",
      { class: "ws-title-row" },
      bindText(h("h3"), () => t("connection")),
      status,
      reconnect,
      bindText(h("span", { class: "muted ws-small" }), () =>
        t("limits", { max: info.maxMessageSize, hb: info.heartbeatMs / 1000 }),
      ),
    ),
    browserClose,
    serverClose,
    h(
      "div",
      { class: "row" },
      labelled("textLabel", text),
      sendText!,
      sendFragmented!,
      labelled("piecesLabel", pieces),
    ),
    bindText(h("p", { class: "muted ws-small" }), () => t("fragmentedHint")),
    h("div", { class: "row" }, labelled("binaryLabel", size), sendBinary!, sendOversized!, serverPing!),
    h(
      "div",
      { class: "row ws-close-row" },
      labelled("closeCode", code),
      labelled("closeReason", reason),
      closeBrowser!,
      closeServer!,
    ),
    note,
  );

  const view: ControlsView = {
    root,
    setState(next) {
      state = next;
      status.dataset.state = next;
      status.textContent = t("stateLabel", { state: t(stateKey()) });
      for (const b of needOpen) b.disabled = next !== "open";
      if (next === "connecting") {
        replace(browserClose);
        replace(serverClose);
        delete browserClose.dataset.code;
        delete serverClose.dataset.code;
      }
    },
    browserClosed({ code: c, reason: r, wasClean }) {
      browserClose.dataset.code = String(c);
      replace(
        browserClose,
        bindText(h("span"), () =>
          t("closedBrowser", {
            code: c,
            name: closeCodeName(c),
            reason: r,
            clean: t(wasClean ? "clean" : "unclean"),
          }),
        ),
      );
    },
    serverClosed(c, r) {
      serverClose.dataset.code = String(c);
      replace(
        serverClose,
        bindText(h("span"), () => t("closedServer", { code: c, name: closeCodeName(c), reason: r })),
      );
    },
    message(text) {
      replace(note);
      if (text) note.append(bindText(h("span"), text));
    },
  };
  return view;
}
