/**
 * The varint explainer (RFC 9000 §16): type a number and see its shortest encoding with the 2-bit length
 * prefix, next to the four lengths and the RFC's Appendix A.1 examples decoded by @proto/quic-sim.
 */
import { encodeVarint, MAX_VARINT, readVarint } from "@proto/quic-sim";
import { h, replace } from "../../dom";
import { bindText } from "../../i18n";
import { fromHex, toHex } from "./dissect";
import { card } from "./hex";
import { VARINT_EXAMPLES } from "./rfc9001-vectors";
import { t } from "./text";

const LENGTHS = [
  { prefix: "00", bytes: 1, bits: 6, max: "63" },
  { prefix: "01", bytes: 2, bits: 14, max: "16383" },
  { prefix: "10", bytes: 4, bits: 30, max: "1073741823" },
  { prefix: "11", bytes: 8, bits: 62, max: "4611686018427387903" },
];

function parse(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,19}$/.test(trimmed)) return undefined;
  const value = BigInt(trimmed);
  return value <= MAX_VARINT ? value : undefined;
}

export interface VarintCard {
  el: HTMLElement;
  /** Redraws what depends on the language. */
  render(): void;
}

export function varintCard(): VarintCard {
  const input = h("input", {
    type: "text",
    id: "quic-varint-input",
    inputmode: "numeric",
    value: "1182",
    spellcheck: "false",
    "aria-describedby": "quic-varint-output",
  });
  const output = h("div", { id: "quic-varint-output", "aria-live": "polite" });
  const tables = h("div", { class: "grid2 top" });
  const title = h("h3");
  const help = h("p", { class: "muted help" });

  function renderOutput(): void {
    const value = parse(input.value);
    input.setAttribute("aria-invalid", String(value === undefined));
    if (value === undefined) {
      replace(output, h("p", { class: "bad" }, t("varintBad")));
      return;
    }
    const bytes = encodeVarint(value);
    const first = bytes[0]!.toString(2).padStart(8, "0");
    output.dataset.hex = toHex(bytes);
    replace(
      output,
      h(
        "p",
        { class: "varint-result" },
        t(bytes.length === 1 ? "varintResultOne" : "varintResult", {
          value: value.toString(),
          len: bytes.length,
        }),
        h(
          "span",
          { class: "mono" },
          h("span", { class: "v-prefix" }, toHex(bytes.subarray(0, 1))),
          bytes.length > 1 ? ` ${toHex(bytes.subarray(1), " ")}` : "",
        ),
      ),
      h(
        "p",
        { class: "mono" },
        t("varintBits"),
        h("span", { class: "v-prefix" }, first.slice(0, 2)),
        ` ${first.slice(2)}`,
      ),
    );
  }

  function render(): void {
    title.textContent = t("varintTitle");
    help.textContent = t("varintHelp");
    const lengths = h(
      "table",
      { class: "data" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[t("colPrefix"), t("colLen"), t("colUsable"), t("colRange")].map((c) =>
            h("th", { scope: "col" }, c),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        ...LENGTHS.map((l) =>
          h(
            "tr",
            {},
            h("td", { class: "mono" }, h("span", { class: "v-prefix" }, l.prefix)),
            h("td", { class: "num" }, String(l.bytes)),
            h("td", { class: "num" }, String(l.bits)),
            h("td", { class: "mono" }, `0 – ${l.max}`),
          ),
        ),
      ),
    );
    const examples = h(
      "table",
      { class: "data", id: "quic-varint-examples" },
      h("caption", {}, t("examplesTitle")),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[t("colEncoded"), t("colPrefix"), t("colDecoded"), t("colRfc")].map((c) =>
            h("th", { scope: "col" }, c),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        ...VARINT_EXAMPLES.map((e) => {
          const bytes = fromHex(e.hex);
          const decoded = readVarint(bytes, 0);
          const ok = String(decoded.value) === e.value && decoded.length === bytes.length;
          const minimal = encodeVarint(decoded.value).length === bytes.length;
          return h(
            "tr",
            {},
            h("td", { class: "mono" }, h("span", { class: "v-prefix" }, e.hex.slice(0, 2)), e.hex.slice(2)),
            h(
              "td",
              { class: "mono" },
              `${(bytes[0]! >> 6).toString(2).padStart(2, "0")} → ${decoded.length}`,
            ),
            h(
              "td",
              { class: "mono" },
              String(decoded.value),
              minimal ? null : h("div", { class: "muted small" }, t("nonMinimal")),
            ),
            h("td", { class: "mono" }, e.value, h("span", { class: ok ? "ok" : "bad" }, ok ? " ✓" : " ✗")),
          );
        }),
      ),
    );
    replace(tables, lengths, examples);
    renderOutput();
  }

  input.addEventListener("input", renderOutput);
  const el = card(
    "quic-varint",
    "",
    null,
    h(
      "div",
      { class: "row" },
      h(
        "label",
        { for: "quic-varint-input" },
        bindText(h("span"), () => t("varintInput")),
        input,
      ),
    ),
    output,
    tables,
  );
  // The card's title and help follow the language through render().
  el.querySelector("h3")?.replaceWith(title);
  title.after(help);
  render();
  return { el, render };
}
