/**
 * The closing handshake as a table (RFC 6455 §7; CONVENTIONS.md §7): state × input → next state.
 * A pair missing from the table is not allowed.
 *
 *   open ──send Close──▶ closing ──receive Close──▶ closed
 *     │                     └──────fail──────────▶ closed
 *     ├──receive Close (we echo it)──────────────▶ closed
 *     └──fail (we send Close with the code)──────▶ closed
 */
import type { SessionState } from "./session-types";

export type SessionInput = "sendClose" | "receiveClose" | "fail";

export const TRANSITIONS: Readonly<Record<SessionState, Partial<Record<SessionInput, SessionState>>>> = {
  open: { sendClose: "closing", receiveClose: "closed", fail: "closed" },
  closing: { receiveClose: "closed", fail: "closed" },
  closed: {},
};

/** The next state, or undefined when `input` is not allowed in `state`. */
export function nextState(state: SessionState, input: SessionInput): SessionState | undefined {
  return TRANSITIONS[state][input];
}
