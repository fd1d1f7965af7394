/**
 * The tour's HPACK section: how big a typical browser request's header block is the first time and when
 * it repeats on the same connection, under three encoder policies, and the repeated block byte by byte.
 */
import { describeBlock, HpackDecoder, HpackEncoder } from "@proto/hpack";
import { hex, type Say, table } from "./tour-format";

/** The regular fields a desktop browser sends with every request (the h2 exchange sends them too). */
export const BROWSER_FIELDS: Array<[string, string]> = [
  [
    "user-agent",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
  ],
  ["accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
  ["accept-language", "zh-CN,zh;q=0.9,en;q=0.8"],
  ["accept-encoding", "gzip, deflate, br, zstd"],
  ["sec-fetch-mode", "navigate"],
  ["cache-control", "no-cache"],
];

const request = (path: string): Array<[string, string]> => [
  [":method", "GET"],
  [":scheme", "https"],
  [":authority", "www.example.com"],
  [":path", path],
  ...BROWSER_FIELDS,
];

const POLICIES = [
  { name: "static table + raw literals", options: { indexing: "none", huffman: "never" } },
  { name: "static table + Huffman", options: { indexing: "none", huffman: "auto" } },
  { name: "+ dynamic table (HTTP/2 as sent)", options: {} },
] as const;

export interface HpackSizes {
  raw: number;
  /** Block sizes per policy: first request, the same request again, then another path. */
  rows: Array<{ policy: string; first: number; repeated: number; otherPath: number }>;
}

/** Prints the table and the repeated block's representations; returns the sizes. */
export function hpackSection(say: Say): HpackSizes {
  const first = request("/index.html");
  const raw = first.reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  const rows = POLICIES.map((p) => {
    const encoder = new HpackEncoder(p.options);
    return {
      policy: p.name,
      first: encoder.encode(first).length,
      repeated: encoder.encode(first).length,
      otherPath: encoder.encode(request("/app.js")).length,
    };
  });
  say(
    `  A browser request: ${first.length} fields, ${raw} bytes of names and values (HTTP/1.1 would send them all, every time).`,
  );
  const pct = (b: number) => `${Math.round((100 * b) / raw)}%`;
  say(
    table(
      ["encoder", "1st request", "same again", "new :path"],
      rows.map((r) => [
        r.policy,
        `${r.first} B (${pct(r.first)})`,
        `${r.repeated} B (${pct(r.repeated)})`,
        `${r.otherPath} B (${pct(r.otherPath)})`,
      ]),
      { right: [1, 2, 3] },
    )
      .split("\n")
      .map((l) => `    ${l}`)
      .join("\n"),
  );
  say();
  const encoder = new HpackEncoder();
  const decoder = new HpackDecoder();
  decoder.decode(encoder.encode(first));
  const second = encoder.encode(first);
  say(`  The repeated request, ${second.length} bytes: ${hex(second)}`);
  for (const r of describeBlock(second, decoder)) {
    const full = r.value ?? "";
    const value = full.length > 40 ? `${full.slice(0, 40)}…` : full;
    say(
      `    ${hex(second.subarray(r.offset, r.offset + r.bytes)).padEnd(6)} ${r.kind} #${r.index} (${r.table} table) → ${r.name}: ${value}`,
    );
  }
  say(
    `  Decoder's dynamic table after it: ${decoder.dynamicTable.entries.length} entries, ${decoder.dynamicTable.size} of ${decoder.dynamicTable.maxSize} bytes.`,
  );
  return { raw, rows };
}
