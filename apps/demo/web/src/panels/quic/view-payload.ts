/** Cards 6 and 7: the frames of the decrypted payload, and the ClientHello with its transport parameters. */
import { h } from "../../dom";
import { CIPHER_SUITES, type Span } from "./client-hello";
import { type Dissection, toHex } from "./dissect";
import { card, code, hexGrid, kvTable, swatch } from "./hex";
import { type Key, t } from "./text";

const SPAN_CLASS: Record<Span["kind"], string> = {
  hs: "c-hs",
  version: "c-random",
  random: "c-random",
  session: "c-suites",
  suites: "c-suites",
  compression: "c-suites",
  extlen: "c-ext",
  ext: "c-ext",
  tp: "c-tp",
};

function table(id: string, head: Key[], rows: Array<Array<Node | string>>): HTMLElement {
  return h(
    "table",
    { class: "data", id },
    h("thead", {}, h("tr", {}, ...head.map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((c) => h("td", {}, c))))),
  );
}

export function framesCard(d: Dissection): HTMLElement {
  const rows = d.frames.map((f, i) => {
    const where = t("byteRange", { from: f.start, to: f.end - 1 });
    if (f.type === "crypto") {
      const details = h(
        "span",
        { id: "quic-crypto" },
        t("cryptoDetails", {
          offsetHex: toHex(f.offset!.bytes, " "),
          offsetPrefix: f.offset!.prefix.toString(2).padStart(2, "0"),
          offset: String(f.offset!.value),
          lengthHex: toHex(f.length!.bytes, " "),
          lengthPrefix: f.length!.prefix.toString(2).padStart(2, "0"),
          length: String(f.length!.value),
        }),
      );
      details.dataset.offset = String(f.offset!.value);
      details.dataset.length = String(f.length!.value);
      return [String(i + 1), "CRYPTO (0x06)", where, details];
    }
    if (f.type === "padding") {
      const details = h("span", { id: "quic-padding" }, t("paddingDetails", { n: f.end - f.start }));
      details.dataset.count = String(f.end - f.start);
      return [String(i + 1), "PADDING (0x00)", where, details];
    }
    return [String(i + 1), "PING (0x01)", where, t("pingDetails")];
  });
  const crypto = d.frames.find((f) => f.type === "crypto")!;
  const frameBytes = d.plaintext.subarray(crypto.start, crypto.end);
  const offsetEnd = 1 + crypto.offset!.length;
  const headEnd = crypto.dataStart! - crypto.start;
  const spanClass = new Array<string>(frameBytes.length).fill("");
  for (const s of d.clientHello.spans)
    for (let i = s.start; i < s.end; i++) spanClass[headEnd + i] = SPAN_CLASS[s.kind];
  const grid = hexGrid(frameBytes, (i) =>
    i === 0 ? "c-type" : i < offsetEnd ? "c-offset" : i < headEnd ? "c-length" : spanClass[i]!,
  );
  grid.id = "quic-crypto-hex";
  grid.setAttribute("role", "group");
  grid.setAttribute("aria-label", t("cryptoLabel"));
  return card(
    "quic-frames",
    t("framesTitle"),
    t("framesHelp"),
    table("quic-frame-table", ["colNumberSign", "colFrame", "colWhere", "colDetails"], rows),
    h("h4", {}, t("cryptoLabel")),
    h(
      "div",
      { class: "legend" },
      swatch("c-type", t("cType")),
      swatch("c-offset", t("cOffset")),
      swatch("c-length", t("cLength")),
      swatch("c-hs", t("cHs")),
      swatch("c-random", t("cRandom")),
      swatch("c-suites", t("cSuites")),
      swatch("c-ext", t("cExt")),
      swatch("c-tp", t("cTp")),
    ),
    grid,
  );
}

export function helloCard(d: Dissection): HTMLElement {
  const ch = d.clientHello;
  const fields = kvTable(
    [t("colField"), t("colValue")],
    [
      [t("hType"), `${ch.handshakeType} (ClientHello)`],
      [t("hLength"), code("quic-hello-length", String(ch.length))],
      [t("hVersion"), `0x${ch.legacyVersion.toString(16).padStart(4, "0")}`],
      [t("hRandom"), code(undefined, toHex(ch.random))],
      [t("hSession"), ch.sessionId.length ? toHex(ch.sessionId) : t("empty")],
      [
        t("hSuites"),
        ch.cipherSuites
          .map((s) => `0x${s.toString(16).padStart(4, "0")} ${CIPHER_SUITES[s] ?? ""}`.trim())
          .join(", "),
      ],
      [t("hCompression"), ch.compression.map((c) => (c === 0 ? "0 (null)" : String(c))).join(", ")],
    ],
  );
  const extensions = table(
    "quic-extensions",
    ["colType", "colName", "colLength", "colContents"],
    ch.extensions.map((e) => [
      `0x${e.type.toString(16).padStart(4, "0")}`,
      h("span", { class: "mono" }, e.name),
      String(e.length),
      e.type === 57 ? t("tpBelow") : h("span", { class: "mono" }, e.summary),
    ]),
  );
  const notes: HTMLElement[] = [];
  const params = table(
    "quic-tp",
    ["colId", "colName", "colLength", "colValue", "colRaw"],
    ch.transportParameters.map((p) => {
      const value = h("span", { class: "mono tp-value" }, p.value);
      if (p.refused) {
        value.append(h("sup", {}, "*"));
        notes.push(h("p", { class: "muted small" }, `* ${t("refused", { code: p.refused })}`));
      }
      const row: Array<Node | string> = [
        `0x${p.id.toString(16).padStart(2, "0")}`,
        h("span", { class: "mono tp-name" }, p.name),
        String(p.length),
        value,
        h("span", { class: "mono" }, toHex(p.raw, " ")),
      ];
      return row;
    }),
  );
  return card(
    "quic-hello",
    t("helloTitle"),
    null,
    h("div", { class: "grid2 top" }, fields, h("div", {}, h("h4", {}, t("extensionsTitle")), extensions)),
    h("h4", {}, t("tpTitle")),
    params,
    ...notes,
  );
}
