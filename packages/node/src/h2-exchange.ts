/**
 * The request and response objects an HTTP/2 handler gets (`createH2Server`): a request body that can be
 * awaited whole or iterated chunk by chunk (each chunk read returns flow-control credit to the client),
 * and a response that maps onto @proto/h2-session's commands.
 */
import type { HeaderList, Http2Session } from "@proto/h2-session";
import { NodeError } from "./errors";

/** What a request or response body may be written as. */
export type BodyChunk = Uint8Array | string;

const encoder = new TextEncoder();
const toBytes = (chunk: BodyChunk): Uint8Array => (typeof chunk === "string" ? encoder.encode(chunk) : chunk);

/** The link from an exchange back to its connection. */
export interface ExchangeHost {
  readonly session: Http2Session;
  /** Writes what the session queued (coalesced per tick). */
  scheduleFlush(): void;
}

export class H2Request implements AsyncIterable<Uint8Array> {
  readonly streamId: number;
  readonly method: string;
  readonly path: string;
  readonly authority: string | undefined;
  readonly scheme: string | undefined;
  /** Every field as received, pseudo-headers included, in order. */
  readonly headers: HeaderList;
  /** The trailer section, once the body has ended with one. */
  trailers: HeaderList | undefined;
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly host: ExchangeHost,
    streamId: number,
    headers: HeaderList,
  ) {
    this.streamId = streamId;
    this.headers = headers;
    const get = (name: string) => headers.find(([n]) => n === name)?.[1];
    this.method = get(":method") ?? "";
    this.path = get(":path") ?? "";
    this.authority = get(":authority");
    this.scheme = get(":scheme");
  }

  /** A field's value (the first, for repeated fields), by lowercase name. */
  header(name: string): string | undefined {
    return this.headers.find(([n]) => n === name)?.[1];
  }

  /** @internal */
  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.wake?.();
  }

  /** @internal */
  end(trailers?: HeaderList): void {
    if (trailers) this.trailers = trailers;
    this.ended = true;
    this.wake?.();
  }

  /** @internal */
  abort(error: Error): void {
    this.error ??= error;
    this.wake?.();
  }

  /** The whole body. Rejects with NODE_STREAM_RESET if the stream is reset first. */
  async body(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of this) {
      parts.push(chunk);
      size += chunk.length;
    }
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        // §6.9: reading a chunk gives its bytes back to the client as window.
        this.host.session.consumed(this.streamId, chunk.length);
        this.host.scheduleFlush();
        yield chunk;
        continue;
      }
      if (this.error) throw this.error;
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}

export class H2Response {
  readonly streamId: number;
  private headersSent = false;
  private done = false;

  constructor(
    private readonly host: ExchangeHost,
    streamId: number,
    private readonly request: { scheme: string | undefined; authority: string | undefined },
  ) {
    this.streamId = streamId;
  }

  /** Whether the response has ended (or the stream was reset). */
  get finished(): boolean {
    return this.done;
  }

  /** Sends the status and headers (names are lowercased). A 1xx status is interim: call again. */
  respond(
    status: number,
    headers: HeaderList | Record<string, string> = [],
    options: { endStream?: boolean } = {},
  ): void {
    if (this.headersSent) throw new NodeError("NODE_INVALID_STATE", "the response headers were already sent");
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw new NodeError("NODE_INVALID_ARGUMENT", `status must be 100-999, got ${status}`);
    }
    const fields: HeaderList = [[":status", String(status)]];
    for (const [name, value] of Array.isArray(headers) ? headers : Object.entries(headers)) {
      fields.push([name.toLowerCase(), String(value)]);
    }
    this.host.session.respond(this.streamId, fields, options);
    if (status >= 200) this.headersSent = true;
    if (options.endStream) this.done = true;
    this.host.scheduleFlush();
  }

  /** Body bytes (200 with no headers if nothing was sent yet); queued as flow control allows. */
  write(chunk: BodyChunk): void {
    if (!this.headersSent) this.respond(200);
    this.host.session.sendData(this.streamId, toBytes(chunk));
    this.host.scheduleFlush();
  }

  /** Ends the response, with a last chunk if given. */
  end(chunk?: BodyChunk): void {
    if (this.done) return;
    const bytes = chunk === undefined ? undefined : toBytes(chunk);
    if (!this.headersSent) {
      if (bytes === undefined || bytes.length === 0) {
        this.respond(200, [], { endStream: true });
        return;
      }
      this.respond(200);
    }
    this.done = true;
    this.host.session.sendData(this.streamId, bytes ?? new Uint8Array(0), { endStream: true });
    this.host.scheduleFlush();
  }

  /** Ends the response with a trailer section. */
  trailers(headers: HeaderList | Record<string, string>): void {
    if (!this.headersSent) this.respond(200);
    const fields: HeaderList = (Array.isArray(headers) ? headers : Object.entries(headers)).map(([n, v]) => [
      n.toLowerCase(),
      String(v),
    ]);
    this.done = true;
    this.host.session.sendTrailers(this.streamId, fields);
    this.host.scheduleFlush();
  }

  /**
   * Server push (RFC 9113 §8.4): promises a GET of `path` and returns the response to fill in, or
   * undefined when the client has disabled push.
   */
  push(path: string, headers: HeaderList | Record<string, string> = []): H2Response | undefined {
    const session = this.host.session;
    if (!session.peerSettings.enablePush) return undefined;
    const fields: HeaderList = [
      [":method", "GET"],
      [":scheme", this.request.scheme ?? "https"],
      [":authority", this.request.authority ?? "localhost"],
      [":path", path],
    ];
    for (const [name, value] of Array.isArray(headers) ? headers : Object.entries(headers)) {
      fields.push([name.toLowerCase(), String(value)]);
    }
    const promised = session.push(this.streamId, fields);
    this.host.scheduleFlush();
    return new H2Response(this.host, promised, this.request);
  }

  /** @internal the stream was reset: nothing more can be sent. */
  close(): void {
    this.done = true;
  }
}
