/** RFC 9000 §19 frames and §18 transport parameters: round trips, the A.2 client Initial's CRYPTO frame, and the MUSTs. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeFrames,
  decodeTransportParameters,
  encodeFrame,
  encodeFrames,
  encodeTransportParameters,
  type QuicFrame,
  QuicSimError,
} from "../src/index";
import v from "./fixtures/quic-vectors.json" with { type: "json" };

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

const samples: QuicFrame[] = [
  { type: "ping" },
  {
    type: "ack",
    ranges: [
      { largest: 100, smallest: 90 },
      { largest: 80, smallest: 80 },
      { largest: 10, smallest: 0 },
    ],
    ackDelay: 25,
  },
  { type: "ack", ranges: [{ largest: 5, smallest: 5 }], ackDelay: 0, ecn: { ect0: 1, ect1: 2, ce: 3 } },
  { type: "reset_stream", streamId: 4, errorCode: 0x10c, finalSize: 1000 },
  { type: "stop_sending", streamId: 8, errorCode: 0 },
  { type: "crypto", offset: 0, data: bytes(50) },
  { type: "new_token", token: bytes(20) },
  { type: "stream", streamId: 0, offset: 0, data: bytes(3), fin: false, explicitLength: true },
  { type: "stream", streamId: 4, offset: 70000, data: bytes(5), fin: true, explicitLength: true },
  { type: "max_data", maximum: 1 << 20 },
  { type: "max_stream_data", streamId: 4, maximum: 65536 },
  { type: "max_streams", bidi: true, maximum: 100 },
  { type: "max_streams", bidi: false, maximum: 3 },
  { type: "data_blocked", limit: 1 << 20 },
  { type: "stream_data_blocked", streamId: 4, limit: 9 },
  { type: "streams_blocked", bidi: true, limit: 100 },
  { type: "streams_blocked", bidi: false, limit: 3 },
  {
    type: "new_connection_id",
    sequence: 2,
    retirePriorTo: 1,
    connectionId: bytes(8, 1),
    resetToken: bytes(16, 2),
  },
  { type: "retire_connection_id", sequence: 1 },
  { type: "path_challenge", data: bytes(8, 3) },
  { type: "path_response", data: bytes(8, 4) },
  { type: "connection_close", application: false, errorCode: 0x0a, frameType: 0x08, reason: "bad stream" },
  { type: "connection_close", application: true, errorCode: 0x100, frameType: 0, reason: "" },
  { type: "handshake_done" },
];

describe("RFC 9000 §19 frames", () => {
  it.each(samples.map((f) => [f.type, f] as const))("%s round-trips", (_, frame) => {
    expect(decodeFrames(encodeFrame(frame))).toEqual([frame]);
  });

  it("all of them back to back, with a PADDING run decoded as one frame", () => {
    const all = [...samples, { type: "padding", length: 17 } as QuicFrame];
    expect(decodeFrames(encodeFrames(all))).toEqual(all);
  });

  it("RFC 9001 A.2: the client Initial's CRYPTO frame (offset 0, 241 bytes of ClientHello) then PADDING", () => {
    const c = v.rfc9001.client_initial;
    const payload = new Uint8Array(c.padded_payload_length);
    payload.set(hex(c.crypto_frame));
    const frames = decodeFrames(payload);
    expect(frames[0]).toMatchObject({ type: "crypto", offset: 0 });
    expect((frames[0] as { data: Uint8Array }).data.length).toBe(241);
    expect(frames[1]).toEqual({
      type: "padding",
      length: c.padded_payload_length - hex(c.crypto_frame).length,
    });
  });

  it("a STREAM frame without LEN runs to the end of the packet (§19.8)", () => {
    const frame: QuicFrame = {
      type: "stream",
      streamId: 4,
      offset: 0,
      data: bytes(9),
      fin: true,
      explicitLength: false,
    };
    expect(decodeFrames(encodeFrame(frame))).toEqual([frame]);
  });

  it.each([
    ["an unknown frame type (§12.4)", "21", "QUIC_UNKNOWN_FRAME", 0x07],
    ["a frame type not minimally encoded (§12.4)", "4001", "QUIC_BAD_FRAME", 0x0a],
    ["an ACK range below zero (§19.3.1)", "020500000a", "QUIC_BAD_FRAME", 0x07],
    ["an empty NEW_TOKEN (§19.7)", "0700", "QUIC_BAD_FRAME", 0x07],
    ["MAX_STREAMS above 2^60 (§19.11)", "12d000000000000001", "QUIC_BAD_FRAME", 0x07],
    ["Retire Prior To above the Sequence Number (§19.15)", "180102", "QUIC_BAD_FRAME", 0x07],
    [
      "a connection id of 21 bytes (§19.15)",
      `18010015${"00".repeat(21)}${"00".repeat(16)}`,
      "QUIC_BAD_FRAME",
      0x07,
    ],
    ["a truncated CRYPTO frame", "06000a0102", "QUIC_TRUNCATED", 0x07],
  ])("rejects %s", (_, h, code, wireCode) => {
    let error: unknown;
    try {
      decodeFrames(hex(h));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuicSimError);
    expect(error).toMatchObject({ code, wireCode });
  });

  it("arbitrary bytes decode to frames or a QuicSimError, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        try {
          decodeFrames(data);
        } catch (error) {
          expect(error).toBeInstanceOf(QuicSimError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("RFC 9000 §18 transport parameters", () => {
  const params = {
    originalDestinationConnectionId: bytes(8, 1),
    maxIdleTimeout: 30_000,
    statelessResetToken: bytes(16, 2),
    maxUdpPayloadSize: 1472,
    initialMaxData: 1 << 20,
    initialMaxStreamDataBidiLocal: 1 << 18,
    initialMaxStreamDataBidiRemote: 1 << 18,
    initialMaxStreamDataUni: 1 << 16,
    initialMaxStreamsBidi: 100,
    initialMaxStreamsUni: 3,
    ackDelayExponent: 3,
    maxAckDelay: 25,
    disableActiveMigration: true,
    activeConnectionIdLimit: 4,
    initialSourceConnectionId: bytes(8, 3),
    retrySourceConnectionId: bytes(5, 4),
    unknown: [[27, bytes(3, 9)] as [number, Uint8Array]],
  };
  it("round-trips every parameter, keeping unknown (reserved 31N+27) ones", () => {
    expect(decodeTransportParameters(encodeTransportParameters(params))).toEqual(params);
  });
  it("decodes RFC 9001 A.2's client parameters, initial_max_data = 2^62-1 as a bigint, and encodes them back", () => {
    const wire = hex(
      "0408ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8f03e51570806048000ffff",
    );
    const decoded = decodeTransportParameters(wire);
    expect(decoded).toEqual({
      initialMaxData: 2n ** 62n - 1n,
      initialMaxStreamDataBidiLocal: 65535,
      initialMaxStreamDataUni: 65535,
      initialMaxStreamsBidi: 16,
      maxIdleTimeout: 30000,
      initialMaxStreamsUni: 16,
      initialSourceConnectionId: hex("8394c8f03e515708"),
      initialMaxStreamDataBidiRemote: 65535,
    });
    // Re-encoded in this codec's order with the shortest varints: the same parameters, decoded again.
    expect(decodeTransportParameters(encodeTransportParameters(decoded))).toEqual(decoded);
  });
  it.each([
    ["a duplicate parameter (§7.4)", "0401000401 00".replace(" ", "")],
    ["max_udp_payload_size below 1200", "0302447f"],
    ["ack_delay_exponent above 20", "0a0115"],
    ["max_ack_delay of 2^14", "0b048000400 0".replace(" ", "")],
    ["active_connection_id_limit below 2", "0e0101"],
    ["a stateless reset token of 15 bytes", `020f${"00".repeat(15)}`],
    ["a value longer than its varint", "04020100"],
  ])("rejects %s with TRANSPORT_PARAMETER_ERROR", (_, h) => {
    expect(() => decodeTransportParameters(hex(h))).toThrow(expect.objectContaining({ wireCode: 0x08 }));
  });
});
