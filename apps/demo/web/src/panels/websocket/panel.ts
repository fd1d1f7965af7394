/**
 * The WebSocket panel: a native browser WebSocket to the lab's @proto/node echo server, with the
 * handshake, every frame in both directions, the heartbeat, and a misbehaving raw client, all decoded
 * in this page from the bytes the server's tap copied off the wire.
 */
import { api, h } from "../../dom";
import { bindText } from "../../i18n";
import type { Panel } from "../../panel";
import { controlsView, type LabInfo } from "./controls-view";
import { framesView } from "./frames-view";
import { handshakeView } from "./handshake-view";
import { LabSocket } from "./lab-socket";
import { messagesView } from "./messages-view";
import { type Misbehaviour, misbehaveView } from "./misbehave-view";
import { t } from "./strings";
import { timelineView } from "./timeline-view";
import "./websocket.css";

interface Info extends LabInfo {
  misbehaviours: Misbehaviour[];
}

/** Random bytes (getRandomValues fills at most 64 KiB per call). */
function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(out.subarray(i, Math.min(size, i + 65_536)));
  return out;
}

async function mount(root: HTMLElement): Promise<void> {
  const info = await api<Info>("/api/ws/info");
  const handshake = handshakeView();
  const frames = framesView();
  const timeline = timelineView(info.heartbeatMs);
  const messages = messagesView();
  let socket: LabSocket | undefined;

  const current = (): LabSocket => {
    if (!socket) throw new Error("not connected");
    return socket;
  };

  const connect = (): Promise<boolean> => {
    socket?.dispose();
    handshake.reset();
    frames.reset();
    timeline.reset();
    messages.reset();
    controls.message(undefined);
    const next = new LabSocket({
      state: (state) => controls.setState(state),
      request: (text) => handshake.request(text),
      response: (text, headers) => handshake.response(text, headers),
      frames: (list) => {
        frames.add(list);
        timeline.add(list);
      },
      message: (data) => messages.received(data),
      browserClosed: (closeInfo) => controls.browserClosed(closeInfo),
      serverClosed: (code, reason) => {
        controls.serverClosed(code, reason);
        for (const splitter of [next.inbound, next.outbound]) {
          const partial = splitter.partial();
          if (partial) frames.partial(splitter.dir, partial.have, partial.need);
        }
      },
      tapLost: (reason) => controls.message(() => t("tapLost", { reason })),
    });
    socket = next;
    return next.connect();
  };

  const controls = controlsView(info, {
    sendText(text) {
      current().sendText(text);
      messages.sent(text);
    },
    sendBinary(size) {
      const bytes = randomBytes(size);
      current().sendBinary(bytes);
      messages.sent(bytes);
    },
    async sendFragmented(text, pieces) {
      await api("/api/ws/fragment", { id: current().id, pieces });
      current().sendText(text);
      messages.sent(text);
    },
    sendOversized(size) {
      const bytes = randomBytes(size);
      current().sendBinary(bytes);
      messages.sent(bytes);
    },
    async serverPing() {
      await api("/api/ws/ping", { id: current().id });
    },
    closeBrowser(code, reason) {
      current().close(code, reason);
    },
    async closeServer(code, reason) {
      await api("/api/ws/close", { id: current().id, code, reason });
    },
    reconnect() {
      void connect();
    },
  });

  root.append(
    bindText(h("h2"), () => t("title")),
    bindText(h("p", { class: "intro" }), () => t("intro")),
    controls.root,
    h("div", { class: "grid2" }, handshake.root, h("div", {}, timeline.root, messages.root)),
    frames.root,
    misbehaveView(info.misbehaviours),
  );
  const ok = await connect();
  if (!ok) controls.message(() => t("connectFailed", { error: "/ws" }));
  root.dataset.ready = "true";
}

export const websocketPanel: Panel = {
  id: "websocket",
  title: () => t("title"),
  mount,
};
