/**
 * The stream state machine of RFC 9113 §5.1 as a table:
 *
 *                          +--------+
 *                  send PP |        | recv PP
 *                 ,--------+  idle  +--------.
 *                /         |        |         \
 *               v          +--------+          v
 *        +----------+          |           +----------+
 *        |          |          | send H /  |          |
 * ,------+ reserved |          | recv H    | reserved +------.
 * |      | (local)  |          |           | (remote) |      |
 * |      +---+------+          v           +------+---+      |
 * |          |             +--------+             |          |
 * |          |     recv ES |        | send ES     |          |
 * |   send H |     ,-------+  open  +-------.     | recv H   |
 * |          |    /        |        |        \    |          |
 * |          v   v         +---+----+         v   v          |
 * |      +----------+          |           +----------+      |
 * |      |   half-  |          |           |   half-  |      |
 * |      |  closed  |          | send R /  |  closed  |      |
 * |      | (remote) |          | recv R    | (local)  |      |
 * |      +----+-----+          |           +-----+----+      |
 * |           |                |                 |           |
 * |           | send ES /      |       recv ES / |           |
 * |           | send R /       v        send R / |           |
 * |           | recv R     +--------+   recv R   |           |
 * | send R /  `----------->|        |<-----------'  send R / |
 * | recv R                 | closed |               recv R   |
 * `----------------------->|        |<-----------------------'
 *                          +--------+
 */
export type StreamState =
  | "idle"
  | "reserved-local"
  | "reserved-remote"
  | "open"
  | "half-closed-local"
  | "half-closed-remote"
  | "closed";

/** H: HEADERS (with its CONTINUATIONs), PP: PUSH_PROMISE, ES: END_STREAM, R: RST_STREAM. */
export type StreamEvent = "sendH" | "recvH" | "sendPP" | "recvPP" | "sendES" | "recvES" | "sendR" | "recvR";

type Table = Readonly<Record<StreamState, Readonly<Partial<Record<StreamEvent, StreamState>>>>>;

/** Every transition the figure allows; an event missing from a state's row is not allowed there. */
export const TRANSITIONS: Table = {
  idle: { sendH: "open", recvH: "open", sendPP: "reserved-local", recvPP: "reserved-remote" },
  "reserved-local": { sendH: "half-closed-remote", sendR: "closed", recvR: "closed" },
  "reserved-remote": { recvH: "half-closed-local", sendR: "closed", recvR: "closed" },
  open: {
    sendH: "open",
    recvH: "open",
    sendES: "half-closed-local",
    recvES: "half-closed-remote",
    sendR: "closed",
    recvR: "closed",
  },
  "half-closed-local": { recvH: "half-closed-local", recvES: "closed", sendR: "closed", recvR: "closed" },
  "half-closed-remote": { sendH: "half-closed-remote", sendES: "closed", sendR: "closed", recvR: "closed" },
  closed: {},
};

/** The next state, or undefined when the table has no such transition. */
export function transition(state: StreamState, event: StreamEvent): StreamState | undefined {
  return TRANSITIONS[state][event];
}

/** Whether the peer may still send DATA or HEADERS on a stream in this state. */
export function peerCanSend(state: StreamState): boolean {
  return state === "open" || state === "half-closed-local" || state === "reserved-remote";
}

/** Whether we may still send DATA or HEADERS on a stream in this state. */
export function weCanSend(state: StreamState): boolean {
  return state === "open" || state === "half-closed-remote" || state === "reserved-local";
}
