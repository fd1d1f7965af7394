import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applicationData, decapsulate } from "./encapsulate";
import { OsiError } from "./errors";
import { LinkType } from "./registries";
import { buildTcpConversation, type ConversationPacket } from "./tcp-conversation";
import { outcome } from "./test-utils";

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

function flags(p: ConversationPacket) {
  return (["syn", "fin", "rst", "psh", "ack"] as const).filter((f) => p.flags[f]).join(",");
}

describe("buildTcpConversation", () => {
  const conv = buildTcpConversation({
    client: { ip: "192.0.2.1", port: 50000, isn: 1000 },
    server: { ip: "198.51.100.2", port: 80, isn: 5000 },
    messages: [
      { from: "client", data: "GET / HTTP/1.1\r\n\r\n" },
      { from: "server", data: "HTTP/1.1 200 OK\r\n\r\nhi" },
    ],
  });

  it("opens with the three-way handshake (RFC 9293 §3.5)", () => {
    const [syn, synAck, ack] = conv.packets;
    expect([flags(syn!), flags(synAck!), flags(ack!)]).toEqual(["syn", "syn,ack", "ack"]);
    expect([syn!.seq, syn!.ack]).toEqual([1000, 0]);
    expect([synAck!.seq, synAck!.ack]).toEqual([5000, 1001]); // SYN consumes one sequence number
    expect([ack!.seq, ack!.ack]).toEqual([1001, 5001]);
    const options = decapsulate(syn!.data).layers[2]!.fields.options as Array<{ kind: string }>;
    expect(options.map((o) => o.kind)).toEqual(
      expect.arrayContaining(["mss", "sack-permitted", "timestamps", "window-scale"]),
    );
  });

  it("carries each message with correct seq/ack and acknowledges it", () => {
    const data = conv.packets.filter((p) => p.length > 0);
    expect(data.map((p) => [p.from, p.seq, p.ack, p.length])).toEqual([
      ["client", 1001, 5001, 18],
      ["server", 5001, 1019, 21],
    ]);
    const acks = conv.packets.filter((p) => p.length === 0 && flags(p) === "ack");
    expect(acks.some((p) => p.from === "server" && p.ack === 1019)).toBe(true);
    expect(acks.some((p) => p.from === "client" && p.ack === 5022)).toBe(true);
  });

  it("closes with FIN/ACK in both directions (RFC 9293 §3.6)", () => {
    const tail = conv.packets.slice(-3);
    expect(tail.map((p) => [p.from, flags(p), p.seq, p.ack])).toEqual([
      ["client", "fin,ack", 1019, 5022],
      ["server", "fin,ack", 5022, 1020], // FIN consumes one sequence number
      ["client", "ack", 1020, 5023],
    ]);
    expect(tail[0]!.summary).toBe("client → server [FIN,ACK] seq=19 ack=22 len=0");
  });

  it("writes valid checksums on every packet and increasing timestamps", () => {
    let last = -1n;
    for (const p of conv.packets) {
      for (const l of decapsulate(p.data).layers) expect(l.checksumValid ?? true).toBe(true);
      expect(p.timestampNs).toBeGreaterThanOrEqual(last);
      last = p.timestampNs;
    }
    expect(conv.linkType).toBe(LinkType.ETHERNET);
  });

  it("cuts data at the receiver's MSS less the timestamps option, over IPv6 too", () => {
    const big = new Uint8Array(5000).map((_, i) => i & 0xff);
    const v6 = buildTcpConversation({
      client: { ip: "2001:db8::1", port: 1 },
      server: { ip: "2001:db8::2", port: 2, mss: 1000 },
      messages: [{ from: "client", data: big }],
      link: "raw",
    });
    expect(v6.linkType).toBe(LinkType.RAW);
    const segments = v6.packets.filter((p) => p.length > 0);
    expect(segments.map((p) => p.length)).toEqual([988, 988, 988, 988, 988, 60]);
    expect(segments.at(-1)!.flags.psh).toBe(true);
    const sent = concat(segments.map((p) => applicationData(decapsulate(p.data, { link: "ip" }))));
    expect(sent).toEqual(big);
  });

  it("reassembles to the messages for arbitrary sizes, MSS and ACK policies", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            from: fc.constantFrom("client" as const, "server" as const),
            data: fc.uint8Array({ minLength: 1, maxLength: 4000 }),
          }),
          {
            maxLength: 4,
          },
        ),
        fc.integer({ min: 100, max: 1460 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (messages, mss, ackEvery, modernOptions) => {
          const c = buildTcpConversation({
            client: { ip: "10.0.0.1", port: 1111, mss },
            server: { ip: "10.0.0.2", port: 2222, mss },
            messages,
            ackEvery,
            modernOptions,
          });
          for (const side of ["client", "server"] as const) {
            const sent = concat(
              c.packets.filter((p) => p.from === side).map((p) => applicationData(decapsulate(p.data))),
            );
            expect(sent).toEqual(concat(messages.filter((m) => m.from === side).map((m) => m.data)));
          }
          // Every data segment is acknowledged by the other side.
          for (const p of c.packets.filter((q) => q.length > 0)) {
            expect(c.packets.some((q) => q.from !== p.from && q.ack >= p.seq + p.length)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("rejects an MSS that leaves no room for data instead of looping forever (RFC 9293 §3.7.1)", () => {
    const base = {
      client: { ip: "10.0.0.1", port: 1 },
      messages: [{ from: "client" as const, data: "hello" }],
    };
    // With the timestamps option (12 bytes per segment) an MSS of 12 leaves 0 data bytes per segment.
    for (const [mss, modernOptions] of [
      [12, true],
      [5, true],
      [0, false],
    ] as const) {
      expect(
        outcome(() =>
          buildTcpConversation({ ...base, server: { ip: "10.0.0.2", port: 2, mss }, modernOptions }),
        ),
      ).toBe("OSI_INVALID_FIELD");
    }
    const smallest = buildTcpConversation({ ...base, server: { ip: "10.0.0.2", port: 2, mss: 13 } });
    expect(smallest.packets.filter((p) => p.length > 0).map((p) => p.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it("rejects an ISN that does not fit 32 bits instead of silently wrapping it", () => {
    const base = { server: { ip: "10.0.0.2", port: 2 }, messages: [] };
    for (const isn of [-1, 2 ** 32, 2 ** 32 + 7, 1.5]) {
      expect(outcome(() => buildTcpConversation({ ...base, client: { ip: "10.0.0.1", port: 1, isn } }))).toBe(
        "OSI_INVALID_FIELD",
      );
    }
    const top = buildTcpConversation({ ...base, client: { ip: "10.0.0.1", port: 1, isn: 0xffff_ffff } });
    expect(top.packets[0]!.seq).toBe(0xffff_ffff);
  });

  it("rejects a negative rttNs instead of writing replies before the segments they answer", () => {
    expect(
      outcome(() =>
        buildTcpConversation({
          client: { ip: "10.0.0.1", port: 1 },
          server: { ip: "10.0.0.2", port: 2 },
          messages: [],
          rttNs: -20_000_000n,
        }),
      ),
    ).toBe("OSI_INVALID_FIELD");
  });

  it("keeps seq/ack right across the 2^32 wrap (RFC 9293 §3.4: arithmetic modulo 2^32)", () => {
    const c = buildTcpConversation({
      client: { ip: "192.0.2.1", port: 49152, isn: 0xffff_fff0 },
      server: { ip: "198.51.100.2", port: 80, isn: 0xffff_ffff },
      messages: [
        { from: "client", data: new Uint8Array(3000) },
        { from: "server", data: "ok" },
      ],
    });
    const [syn, synAck, ack] = c.packets;
    expect([syn!.seq, synAck!.seq, synAck!.ack, ack!.seq, ack!.ack]).toEqual([
      0xffff_fff0, 0xffff_ffff, 0xffff_fff1, 0xffff_fff1, 0,
    ]);
    const fin = c.packets.filter((p) => p.flags.fin);
    // client sent SYN + 3000 bytes: 0xfffffff0 + 3001 wraps to 0xba9; server sent SYN + 2 bytes: 2.
    expect(fin.map((p) => [p.from, p.seq, p.ack])).toEqual([
      ["client", 0xba9, 2],
      ["server", 2, 0xbaa],
    ]);
    for (const p of c.packets)
      for (const l of decapsulate(p.data).layers) expect(l.checksumValid ?? true).toBe(true);
  });

  it("rejects mixed address families and bad ackEvery", () => {
    const base = {
      client: { ip: "10.0.0.1", port: 1 },
      server: { ip: "2001:db8::1", port: 2 },
      messages: [],
    };
    expect(() => buildTcpConversation(base)).toThrow(OsiError);
    expect(() => buildTcpConversation({ ...base, server: { ip: "10.0.0.2", port: 2 }, ackEvery: 0 })).toThrow(
      expect.objectContaining({ code: "OSI_INVALID_FIELD" }),
    );
  });
});

describe("buildTcpConversation: messages at recorded times (atNs)", () => {
  const start = 1_800_000_000_000_000_000n;
  const conv = buildTcpConversation({
    client: { ip: "192.0.2.1", port: 50000 },
    server: { ip: "198.51.100.2", port: 80 },
    startTimeNs: start,
    rttNs: 200_000n,
    messages: [
      { from: "client", data: "request", atNs: start + 5_000_000n },
      { from: "server", data: "response", atNs: start + 9_000_000n },
      // Earlier than the previous message's ACK: moved up to it, never back in time.
      { from: "client", data: "late", atNs: start },
    ],
    closeAtNs: start + 20_000_000n,
  });
  const data = conv.packets.filter((p) => p.length > 0);

  it("sends each message's first segment at its atNs, and the TCP timestamps option follows", () => {
    expect(data[0]!.timestampNs).toBe(start + 5_000_000n);
    expect(data[1]!.timestampNs).toBe(start + 9_000_000n);
    const tsval = (p: ConversationPacket) =>
      (decapsulate(p.data).layers[2]!.fields.options as Array<{ kind: string; value?: number }>).find(
        (o) => o.kind === "timestamps",
      )!.value!;
    // The client's clock ticks in ms: 5 ms after the SYN's.
    expect(tsval(data[0]!) - tsval(conv.packets[0]!)).toBe(5);
  });

  it("keeps time moving forward when an atNs is earlier than the conversation already is", () => {
    for (let i = 1; i < conv.packets.length; i++) {
      expect(conv.packets[i]!.timestampNs).toBeGreaterThanOrEqual(conv.packets[i - 1]!.timestampNs);
    }
    expect(data[2]!.timestampNs).toBeGreaterThan(data[1]!.timestampNs);
  });

  it("sends the first FIN at closeAtNs", () => {
    const fin = conv.packets.find((p) => p.flags.fin)!;
    expect(fin.timestampNs).toBe(start + 20_000_000n);
  });
});
