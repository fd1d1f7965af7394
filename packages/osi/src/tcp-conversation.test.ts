import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applicationData, decapsulate } from "./encapsulate";
import { OsiError } from "./errors";
import { LinkType } from "./registries";
import { buildTcpConversation, type ConversationPacket } from "./tcp-conversation";

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
