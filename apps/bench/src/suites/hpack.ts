/**
 * @proto/hpack against hpack.js on the hpack-test-case corpus's raw-data stories (real request and
 * response header lists): encode, decode and round trip, in fields per second. Each op runs every story
 * through a fresh encoder/decoder pair per story, so both libraries build and reuse their dynamic tables
 * exactly as on a connection. Needs ../shared/vectors/hpack-test-case (skipped with a note when absent).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { HpackDecoder, HpackEncoder } from "@proto/hpack";
import { addNote, type Comparison } from "../harness";

const require = createRequire(import.meta.url);
type HpackJs = {
  compressor: {
    create(o: object): { write(h: Array<{ name: string; value: string }>): void; read(): Buffer };
  };
  decompressor: {
    create(o: object): {
      write(b: Buffer): void;
      execute(): void;
      read(): { name: string; value: string } | null;
    };
  };
};
const hpackJs = require("hpack.js") as HpackJs;

const CORPUS = resolve(import.meta.dirname, "../../../../../shared/vectors/hpack-test-case/raw-data");

function loadStories(): Array<Array<Array<[string, string]>>> {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const story = JSON.parse(readFileSync(join(CORPUS, f), "utf8")) as {
        cases: Array<{ headers: Array<Record<string, string>> }>;
      };
      return story.cases.map((c) => c.headers.map((h) => Object.entries(h)[0] as [string, string]));
    });
}

export function hpackSuite(): Comparison[] {
  if (!existsSync(CORPUS)) {
    addNote(`hpack: skipped, no corpus at ${CORPUS} (../shared/vectors/hpack-test-case)`);
    return [];
  }
  const stories = loadStories();
  const fieldsPerOp = stories.reduce((n, s) => n + s.reduce((m, block) => m + block.length, 0), 0);
  const objects = stories.map((s) => s.map((block) => block.map(([name, value]) => ({ name, value }))));

  const protoEncodeAll = () =>
    stories.map((s) => {
      const enc = new HpackEncoder();
      return s.map((block) => enc.encode(block));
    });
  const jsEncodeAll = () =>
    objects.map((s) => {
      const comp = hpackJs.compressor.create({ table: { size: 4096 } });
      return s.map((block) => {
        comp.write(block);
        return comp.read();
      });
    });
  const protoBlocks = protoEncodeAll();
  const jsBlocks = jsEncodeAll();
  const protoDecodeAll = (blocks: Uint8Array[][]) => {
    let n = 0;
    for (const s of blocks) {
      const dec = new HpackDecoder();
      for (const b of s) n += dec.decode(b).length;
    }
    return n;
  };
  const jsDecodeAll = (blocks: Uint8Array[][]) => {
    let n = 0;
    for (const s of blocks) {
      const dec = hpackJs.decompressor.create({ table: { size: 4096 } });
      for (const b of s) {
        dec.write(Buffer.from(b.buffer, b.byteOffset, b.length));
        dec.execute();
        while (dec.read()) n++;
      }
    }
    return n;
  };
  let raw = 0;
  for (const s of stories) for (const block of s) for (const [n, v] of block) raw += n.length + v.length;
  const size = (blocks: Uint8Array[][]) =>
    blocks.reduce((n, s) => n + s.reduce((m, b) => m + b.length, 0), 0);
  addNote(
    `hpack: corpus raw-data, ${stories.length} stories, ${fieldsPerOp} fields per op; compression ratio (wire/raw) ` +
      `@proto ${(size(protoBlocks) / raw).toFixed(4)}, hpack.js ${(size(jsBlocks) / raw).toFixed(4)} (nghttp2 0.3100)`,
  );
  const verify = () => {
    // Each library decodes its own and the other's blocks back to the stories.
    for (const [blocks, who] of [
      [protoBlocks, "@proto"],
      [jsBlocks, "hpack.js"],
    ] as const) {
      if (
        protoDecodeAll(blocks as Uint8Array[][]) !== fieldsPerOp ||
        jsDecodeAll(blocks as Uint8Array[][]) !== fieldsPerOp
      ) {
        throw new Error(`hpack: ${who}'s blocks do not decode to every field`);
      }
    }
  };
  return [
    {
      title: `HPACK encode, corpus (${fieldsPerOp} fields/op)`,
      subject: { name: "@proto/hpack", fn: protoEncodeAll },
      peer: { name: "hpack.js 2.1.6", fn: jsEncodeAll },
      verify,
    },
    {
      title: `HPACK decode, corpus (${fieldsPerOp} fields/op)`,
      subject: { name: "@proto/hpack", fn: () => protoDecodeAll(protoBlocks) },
      peer: { name: "hpack.js 2.1.6", fn: () => jsDecodeAll(jsBlocks) },
      verify,
    },
    {
      title: `HPACK round trip, corpus (${fieldsPerOp} fields/op)`,
      subject: { name: "@proto/hpack", fn: () => protoDecodeAll(protoEncodeAll()) },
      peer: { name: "hpack.js 2.1.6", fn: () => jsDecodeAll(jsEncodeAll()) },
      verify,
      target: { minRatio: 3, goal: "issue: >=3x hpack.js on round trip" },
    },
  ];
}
