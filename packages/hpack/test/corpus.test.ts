/**
 * The hpack-test-case corpus (github.com/http2jp/hpack-test-case), read from shared/vectors beside the
 * repository: every story of the 14 encoder directories decodes, in order on one decoder per story, to
 * its headers; our encoder's output for every raw-data story round-trips through our decoder and through
 * hpack.js; and the compression ratio on raw-data is printed.
 *
 * Corpus README: "header_table_size: the header table size sent in SETTINGS_HEADER_TABLE_SIZE and ACKed
 * just before this case". So `decoder.setMaxTableSize` is called before decoding the case that carries it
 * (nghttp2-change-table-size lowers it mid-story, and the block that follows starts with the update).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HpackDecoder, HpackEncoder } from "../src/index";
import { type Field, fieldsView, hex, tableView, utf8AsLatin1 } from "./helpers";

const HERE = dirname(fileURLToPath(import.meta.url));
/** packages/hpack/test → the directory holding the repository and shared/. */
const CORPUS = resolve(HERE, "../../../../shared/vectors/hpack-test-case");
const PRESENT = existsSync(join(CORPUS, "raw-data"));
if (!PRESENT) {
  console.warn(
    `[@proto/hpack] hpack-test-case corpus not found at ${CORPUS} (a clone without shared/ beside it): corpus tests skipped`,
  );
}

interface StoryCase {
  seqno: number;
  wire?: string;
  headers: Record<string, string>[];
  header_table_size?: number | null;
}
interface Story {
  description?: string;
  context?: string;
  cases: StoryCase[];
}

function readStory(dir: string, file: string): Story {
  return JSON.parse(readFileSync(join(CORPUS, dir, file), "utf8")) as Story;
}

function storyFiles(dir: string): string[] {
  return readdirSync(join(CORPUS, dir))
    .filter((f) => /^story_\d+\.json$/.test(f))
    .sort();
}

/** The headers of a case as the contract's fields: `[name, value]`, one character per octet. */
function headersOf(c: StoryCase): Field[] {
  return c.headers.map((h) => {
    const entries = Object.entries(h);
    expect(entries).toHaveLength(1);
    const [name, value] = entries[0] as [string, string];
    return [utf8AsLatin1(name), utf8AsLatin1(value)];
  });
}

const ENCODER_DIRS = PRESENT
  ? readdirSync(CORPUS, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== "raw-data")
      .map((d) => d.name)
      .sort()
  : [];
const RAW_STORIES = PRESENT ? storyFiles("raw-data") : [];

describe.skipIf(!PRESENT)("hpack-test-case: decoding every encoder's stories", () => {
  it("has the 14 encoder directories", () => {
    expect(ENCODER_DIRS).toHaveLength(14);
  });

  for (const dir of ENCODER_DIRS) {
    describe(dir, () => {
      const files = storyFiles(dir);
      it("has stories", () => {
        expect(files.length).toBeGreaterThan(0);
      });
      it.each(files)("%s", (file) => {
        const story = readStory(dir, file);
        const decoder = new HpackDecoder();
        let settings = 4096;
        for (const c of story.cases) {
          if (c.header_table_size !== undefined && c.header_table_size !== null) {
            settings = c.header_table_size;
            decoder.setMaxTableSize(settings);
          }
          expect(c.wire, `${file} #${c.seqno}`).toBeTypeOf("string");
          const fields = fieldsView(decoder.decode(hex(c.wire as string)));
          expect(fields, `${dir}/${file} #${c.seqno}`).toEqual(headersOf(c));
          const table = tableView(decoder.dynamicTable);
          expect(table.size).toBeLessThanOrEqual(table.maxSize);
          expect(table.maxSize).toBeLessThanOrEqual(settings);
        }
      });
    });
  }
});

/** hpack.js 2.1.6 (no types): the decompressor is a Duplex stream in object mode. */
interface HpackJsDecompressor {
  write(chunk: Uint8Array): void;
  execute(): void;
  read(): { name: string; value: string; neverIndex: boolean } | null;
}
interface HpackJs {
  decompressor: { create(options: { table: { maxSize: number } }): HpackJsDecompressor };
}

function loadHpackJs(): HpackJs | undefined {
  try {
    return createRequire(import.meta.url)("hpack.js") as HpackJs;
  } catch {
    return undefined;
  }
}
const hpackjs = loadHpackJs();
if (PRESENT && !hpackjs) {
  console.warn(
    "[@proto/hpack] hpack.js could not be loaded (run pnpm install): hpack.js round trips skipped",
  );
}

/** Decodes one block with hpack.js, throwing whatever it reports. */
function hpackJsDecode(d: HpackJsDecompressor, block: Uint8Array): Field[] {
  d.write(Buffer.from(block.buffer, block.byteOffset, block.byteLength));
  // Without a callback, execute() emits "error", which throws here as there is no listener.
  d.execute();
  const out: Field[] = [];
  for (let h = d.read(); h !== null; h = d.read()) out.push([h.name, h.value]);
  return out;
}

function isRequestStory(story: Story): boolean {
  return (story.cases[0]?.headers ?? []).some((h) => Object.hasOwn(h, ":method"));
}

describe.skipIf(!PRESENT)("hpack-test-case: our encoder on raw-data", () => {
  it("has 32 raw-data stories, each all requests or all responses", () => {
    expect(RAW_STORIES).toHaveLength(32);
    for (const file of RAW_STORIES) {
      const story = readStory("raw-data", file);
      const request = isRequestStory(story);
      if (story.context !== undefined) expect(story.context).toBe(request ? "request" : "response");
      for (const c of story.cases) {
        const has = (n: string) => c.headers.some((h) => Object.hasOwn(h, n));
        expect(has(":method"), `${file} #${c.seqno}`).toBe(request);
      }
    }
  });

  it.each(RAW_STORIES)("%s round-trips through our decoder, tables in step", (file) => {
    const story = readStory("raw-data", file);
    for (const huffman of ["auto", "always", "never"] as const) {
      const encoder = new HpackEncoder({ huffman });
      const decoder = new HpackDecoder();
      story.cases.forEach((c, i) => {
        const fields = headersOf(c);
        const block = encoder.encode(fields);
        expect(fieldsView(decoder.decode(block)), `${file} #${i} huffman ${huffman}`).toEqual(fields);
        expect(tableView(encoder.dynamicTable)).toEqual(tableView(decoder.dynamicTable));
      });
    }
  });

  describe.skipIf(!hpackjs)("through hpack.js 2.1.6", () => {
    it.each(RAW_STORIES)("%s round-trips through hpack.js", (file) => {
      const story = readStory("raw-data", file);
      for (const huffman of ["auto", "always", "never"] as const) {
        const encoder = new HpackEncoder({ huffman });
        const peer = (hpackjs as HpackJs).decompressor.create({ table: { maxSize: 4096 } });
        story.cases.forEach((c, i) => {
          const fields = headersOf(c);
          expect(hpackJsDecode(peer, encoder.encode(fields)), `${file} #${i} huffman ${huffman}`).toEqual(
            fields,
          );
        });
      }
    });
  });

  it("compresses raw-data (ratio = wire octets / raw name+value octets) below 1", () => {
    const wire = { request: 0, response: 0 };
    const raw = { request: 0, response: 0 };
    for (const file of RAW_STORIES) {
      const story = readStory("raw-data", file);
      const kind = isRequestStory(story) ? "request" : "response";
      const encoder = new HpackEncoder();
      for (const c of story.cases) {
        const fields = headersOf(c);
        wire[kind] += encoder.encode(fields).length;
        raw[kind] += fields.reduce((n, [name, value]) => n + name.length + value.length, 0);
      }
    }
    const ratio = (w: number, r: number) => (w / r).toFixed(4);
    const all = { wire: wire.request + wire.response, raw: raw.request + raw.response };
    console.log(
      `[@proto/hpack] raw-data compression ratio: requests ${ratio(wire.request, raw.request)} ` +
        `(${wire.request}/${raw.request}), responses ${ratio(wire.response, raw.response)} ` +
        `(${wire.response}/${raw.response}), overall ${ratio(all.wire, all.raw)} (${all.wire}/${all.raw})`,
    );
    expect(raw.request).toBeGreaterThan(0);
    expect(raw.response).toBeGreaterThan(0);
    expect(wire.request / raw.request).toBeLessThan(1);
    expect(wire.response / raw.response).toBeLessThan(1);
    expect(all.wire / all.raw).toBeLessThan(1);
  });
});
