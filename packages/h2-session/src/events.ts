/** What `Http2Session.receive` returns: one object per thing that happened, each with a `type`. */
import type { Http2SessionError } from "./errors";
import type { HeaderList } from "./fields";
import type { Http2Settings } from "./settings";

export type Http2Event =
  /** A request (server), a response or an interim 1xx response (client), on `streamId`. */
  | { type: "headers"; streamId: number; headers: HeaderList; endStream: boolean }
  /** Body bytes (a view of the received bytes: copy them to keep them past the next receive). */
  | { type: "data"; streamId: number; data: Uint8Array; endStream: boolean }
  /** A trailer section; the peer's side of the stream ends with it. */
  | { type: "trailers"; streamId: number; headers: HeaderList }
  /** The peer ended its side of the stream (END_STREAM received). */
  | { type: "streamEnd"; streamId: number }
  /** The stream was reset: by the peer's RST_STREAM, or REFUSED_STREAM for our streams a GOAWAY left out. */
  | { type: "streamReset"; streamId: number; errorCode: number }
  /** Client: the server promised a push on `promisedStreamId`, with the request it answers. */
  | { type: "push"; streamId: number; promisedStreamId: number; headers: HeaderList }
  /** The peer's SETTINGS (the values its frame carried); the ACK is already queued. */
  | { type: "settings"; settings: Partial<Http2Settings> }
  /** The peer acknowledged our SETTINGS; they now apply. */
  | { type: "settingsAck" }
  /** A PING from the peer (the ACK is already queued). */
  | { type: "ping"; data: Uint8Array }
  /** The answer to our PING. */
  | { type: "pingAck"; data: Uint8Array }
  | { type: "goaway"; lastStreamId: number; errorCode: number; debugData: Uint8Array }
  | { type: "windowUpdate"; streamId: number; increment: number }
  /** RFC 9218: a PRIORITY_UPDATE or a `priority` request field, e.g. "u=1, i". */
  | { type: "priorityUpdate"; streamId: number; value: string }
  /** The connection failed: GOAWAY is queued and further input is ignored. */
  | { type: "connectionError"; error: Http2SessionError };
