/** HTTP/2 conformance of @proto/h2-session: RFC 7541 HPACK (h2spec's "hpack" and "generic/5" groups) (see h2-conformance.test.ts for the layout). */
import { describe, expect, it } from "vitest";
import {
  bytes,
  type Case,
  concat,
  ErrorCode as E,
  type Fields,
  GET,
  type RawPeer,
  runCase,
} from "./h2-raw-peer";

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (b) => Number.parseInt(b, 16));
const headersEvent = (p: RawPeer, streamId: number) =>
  p.events.find((e) => e.type === "headers" && e.streamId === streamId);

/** A request block followed by raw representations (appended after valid fields, like h2spec does). */
const withRaw = (raw: Uint8Array) => (p: RawPeer) =>
  p.send(p.headersRaw(1, concat(p.encoder.encode(GET), raw)));
const compression = (
  section: string,
  title: string,
  run: (p: RawPeer) => void,
  more: Partial<Case> = {},
): Case => ({
  section,
  title: `${title} → COMPRESSION_ERROR`,
  run,
  expect: { goaway: E.COMPRESSION_ERROR },
  ...more,
});
/** Two requests with extra fields, the second able to reuse what the first indexed. */
const twoRequests = (p: RawPeer) => {
  const extra: Fields = [
    ["x-custom", "custom-value"],
    ["cookie", "a=1; b=2; c=3; d=4; e=5"],
    ["user-agent", "h2-raw-peer/1.0"],
  ];
  p.send(p.headers(1, [...GET, ...extra]), p.headers(3, [...GET, ...extra]));
};
const sameFieldsTwice = (p: RawPeer) => {
  const heads = p.events.filter((e) => e.type === "headers");
  expect(heads).toHaveLength(2);
  expect(heads[0]!.type === "headers" && heads[0]!.headers).toEqual(
    heads[1]!.type === "headers" && heads[1]!.headers,
  );
  expect(heads[0]).toMatchObject({ headers: expect.arrayContaining([["x-custom", "custom-value"]]) });
};

const hpack: Case[] = [
  compression("RFC 7541 §2.3.3", "an index past both tables (127)", withRaw(bytes(0xff, 0x00))),
  compression("RFC 7541 §6.1", "the indexed field 0", withRaw(bytes(0x80))),
  compression("RFC 7541 §4.2", "a size update above SETTINGS_HEADER_TABLE_SIZE (4097)", (p) =>
    p.send(p.headersRaw(1, concat(bytes(0x3f, 0xe2, 0x1f), p.encoder.encode(GET)))),
  ),
  compression("RFC 7541 §4.2, §6.3", "a size update after a field", withRaw(bytes(0x20))),
  compression(
    "RFC 7541 §5.1",
    "an integer past 2^31",
    withRaw(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)),
  ),
  // A literal without indexing, new name "x", Huffman value (RFC 7541 Appendix B: 'a' = 00011).
  compression(
    "RFC 7541 §5.2",
    "a Huffman string containing EOS",
    withRaw(bytes(0x00, 0x01, 0x78, 0x84, 0xff, 0xff, 0xff, 0xff)),
  ),
  compression(
    "RFC 7541 §5.2",
    "Huffman padding longer than 7 bits",
    withRaw(bytes(0x00, 0x01, 0x78, 0x82, 0x1f, 0xff)),
  ),
  compression(
    "RFC 7541 §5.2",
    "Huffman padding not made of EOS's most significant bits",
    withRaw(bytes(0x00, 0x01, 0x78, 0x81, 0x18)),
  ),
  compression(
    "RFC 7541 §5.2",
    "a string longer than the block",
    withRaw(bytes(0x00, 0x01, 0x78, 0x05, 0x61)),
  ),
  {
    section: "RFC 7541 §4.2",
    title: "size updates to 0 then 4096 at the start of a block are accepted",
    run: (p) => p.send(p.headersRaw(1, concat(bytes(0x20, 0x3f, 0xe1, 0x1f), p.encoder.encode(GET)))),
    expect: { check: (p) => expect(headersEvent(p, 1)).toMatchObject({ headers: GET }) },
  },
  {
    section: "RFC 7541 §4.2",
    title:
      "after our smaller SETTINGS_HEADER_TABLE_SIZE is acknowledged, a block without the size update → COMPRESSION_ERROR",
    options: { settings: { headerTableSize: 1024 } },
    run: (p) => p.send(p.headers(1, GET)),
    expect: { goaway: E.COMPRESSION_ERROR },
  },
  {
    section: "RFC 7541 §4.2",
    title: "after our smaller SETTINGS_HEADER_TABLE_SIZE, a block starting with the size update is accepted",
    options: { settings: { headerTableSize: 1024 } },
    run: (p) => {
      p.encoder.setMaxTableSize(1024);
      twoRequests(p);
    },
    expect: { check: sameFieldsTwice },
  },
  compression(
    "RFC 7541 §4.2",
    "a size update above our smaller SETTINGS_HEADER_TABLE_SIZE (2048 > 1024)",
    (p) => {
      p.send(p.headersRaw(1, concat(bytes(0x3f, 0xe1, 0x0f), p.encoder.encode(GET))));
    },
    { options: { settings: { headerTableSize: 1024 } } },
  ),
  {
    section: "RFC 7541 Appendix C.3",
    title: "the RFC's request examples without Huffman (C.3.1, C.3.2 using the dynamic table)",
    run: (p) =>
      p.send(
        p.headersRaw(1, hex("828684410f7777772e6578616d706c652e636f6d")),
        p.headersRaw(3, hex("828684be58086e6f2d6361636865")),
      ),
    expect: {
      check: (p) => {
        const base = [
          [":method", "GET"],
          [":scheme", "http"],
          [":path", "/"],
          [":authority", "www.example.com"],
        ];
        expect(headersEvent(p, 1)).toMatchObject({ headers: base });
        expect(headersEvent(p, 3)).toMatchObject({ headers: [...base, ["cache-control", "no-cache"]] });
      },
    },
  },
  {
    section: "RFC 7541 Appendix C.4",
    title: "the RFC's request examples with Huffman (C.4.1, C.4.2)",
    run: (p) =>
      p.send(
        p.headersRaw(1, hex("828684418cf1e3c2e5f23a6ba0ab90f4ff")),
        p.headersRaw(3, hex("828684be5886a8eb10649cbf")),
      ),
    expect: {
      check: (p) =>
        expect(headersEvent(p, 3)).toMatchObject({
          headers: expect.arrayContaining([["cache-control", "no-cache"]]),
        }),
    },
  },
  ...(
    [
      ["literals without Huffman", { huffman: "never" }],
      ["every string Huffman-coded", { huffman: "always" }],
      ["incremental indexing of every literal", { indexing: "all" }],
      ["literals without indexing", { indexing: "none" }],
      ["never-indexed literals", { neverIndex: () => true }],
    ] as const
  ).map(
    ([what, encoder]): Case => ({
      section: "RFC 7541 §6",
      title: `representations: ${what}`,
      encoder,
      run: twoRequests,
      expect: { check: sameFieldsTwice },
    }),
  ),
];

describe.each([{ name: "HPACK", cases: hpack }])("RFC 7541 $name", ({ cases }) => {
  it.each(cases)("$section $title", (c) => {
    runCase(c);
  });
});
