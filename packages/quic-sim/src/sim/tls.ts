/**
 * TLS handshakes as flights of bytes over a TCP stream (RFC 5246, RFC 8446), with realistic sizes: a
 * certificate flight of about 2.9 KB fits both TCP's initial window (10 segments) and QUIC's 3 × 1200-byte
 * anti-amplification budget. The request leaves after 2 round trips (TLS 1.2), 1 (TLS 1.3, or 1.2
 * resumed), or with the ClientHello (TLS 1.3 0-RTT early data).
 */
import { invalidArgument } from "../errors";

export type TlsVersion = "1.2" | "1.3";
export type Resumption = "none" | "psk" | "0rtt";

export interface TlsPlan {
  clientHello: number;
  /** What the server answers the ClientHello with. */
  serverFlight: number;
  /** The client's second flight (key exchange, Finished). */
  clientFinished: number;
  /** TLS 1.2 full handshake: the server's ChangeCipherSpec + Finished after the client's; else 0. */
  serverFinal: number;
  /** The request travels with the ClientHello (TLS 1.3 early data). */
  earlyData: boolean;
}

/** Typical sizes: ClientHello with key share; ServerHello 90, Certificate chain 2.5 KB, CertificateVerify 80, Finished 36. */
export const CERTIFICATE_FLIGHT = 90 + 30 + 2500 + 80 + 36;

export function tlsPlan(version: TlsVersion, resumption: Resumption): TlsPlan {
  if (version !== "1.2" && version !== "1.3")
    throw invalidArgument(`tls must be "1.2" or "1.3", got ${String(version)}`);
  if (resumption !== "none" && resumption !== "psk" && resumption !== "0rtt") {
    throw invalidArgument(`resumption must be none, psk or 0rtt, got ${String(resumption)}`);
  }
  if (version === "1.2") {
    // RFC 5246 §7.3: full handshake 2 RTT; abbreviated (session ticket, RFC 5077) 1 RTT. No 0-RTT.
    return resumption === "none"
      ? {
          clientHello: 300,
          serverFlight: 90 + 2500 + 300 + 4,
          clientFinished: 70 + 6 + 45,
          serverFinal: 6 + 45,
          earlyData: false,
        }
      : {
          clientHello: 500,
          serverFlight: 90 + 6 + 45,
          clientFinished: 6 + 45,
          serverFinal: 0,
          earlyData: false,
        };
  }
  // RFC 8446 §2: 1-RTT full or PSK; 0-RTT sends early data with the ClientHello.
  if (resumption === "none") {
    return {
      clientHello: 320,
      serverFlight: CERTIFICATE_FLIGHT,
      clientFinished: 36,
      serverFinal: 0,
      earlyData: false,
    };
  }
  return {
    clientHello: 520,
    serverFlight: 90 + 30 + 36,
    clientFinished: 36,
    serverFinal: 0,
    earlyData: resumption === "0rtt",
  };
}

/** One direction of a byte stream, as tagged pieces: who wrote which bytes. */
export interface TaggedWriter {
  write(bytes: number, tag: unknown): void;
}

export const TLS_TAG = { kind: "tls" } as const;

/**
 * Drives a TLS handshake through tagged streams: `onClientBytes` and `onServerBytes` are fed every TLS
 * piece delivered in order; `ready` fires when the client may send its request (at once with early
 * data), `serverReady` when the server may answer, `handshakeDone` when the client finishes.
 */
export class TlsDriver {
  private serverAnswered = false;
  private clientFinishedSent = false;
  private clientSeen = 0;
  private serverSeen = 0;

  constructor(
    private readonly plan: TlsPlan,
    private readonly client: TaggedWriter,
    private readonly server: TaggedWriter,
    private readonly hooks: { ready: () => void; serverReady: () => void; handshakeDone: () => void },
  ) {}

  start(): void {
    this.client.write(this.plan.clientHello, TLS_TAG);
    if (this.plan.earlyData) this.hooks.ready();
  }

  /** The server received `bytes` of the client's TLS messages. */
  serverReceived(bytes: number): void {
    this.clientSeen += bytes;
    const { plan } = this;
    if (!this.serverAnswered && this.clientSeen >= plan.clientHello) {
      this.serverAnswered = true;
      this.server.write(plan.serverFlight, TLS_TAG);
      if (plan.serverFinal === 0) this.hooks.serverReady();
    }
    if (
      plan.serverFinal > 0 &&
      this.clientSeen >= plan.clientHello + plan.clientFinished &&
      this.clientSeen - bytes < plan.clientHello + plan.clientFinished
    ) {
      this.server.write(plan.serverFinal, TLS_TAG);
      this.hooks.serverReady();
    }
  }

  /** The client received `bytes` of the server's TLS messages. */
  clientReceived(bytes: number): void {
    this.serverSeen += bytes;
    const { plan } = this;
    if (!this.clientFinishedSent && this.serverSeen >= plan.serverFlight) {
      this.clientFinishedSent = true;
      this.client.write(plan.clientFinished, TLS_TAG);
      if (plan.serverFinal === 0) {
        this.hooks.handshakeDone();
        if (!plan.earlyData) this.hooks.ready();
      }
    }
    if (
      plan.serverFinal > 0 &&
      this.serverSeen >= plan.serverFlight + plan.serverFinal &&
      this.serverSeen - bytes < plan.serverFlight + plan.serverFinal
    ) {
      this.hooks.handshakeDone();
      this.hooks.ready();
    }
  }
}
