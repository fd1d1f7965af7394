/**
 * Every frame of the connection, both directions, as decoded from the tapped bytes: FIN, RSV1-3,
 * opcode, MASK, the length and how it was written, the masking key, the payload and the header bytes.
 * A row's "#" button opens the frame's first bytes bit by bit.
 */
import { mask } from "@proto/ws-frame";
import { h, hex, replace } from "../../dom";
import { bindText } from "../../i18n";
import { type Key, t } from "./strings";
import { type Dir, opcodeLabel, payloadPreview, type WireFrame } from "./wire";

const SHOWN = 200;

export const dirKey = (dir: Dir): Key => (dir === "in" ? "c2s" : "s2c");
const formKey = (form: 7 | 16 | 64): Key => (form === 7 ? "form7" : form === 16 ? "form16" : "form64");

/** The header bytes, coloured by field: first byte, MASK + 7-bit length, extended length, masking key. */
export function headerHex(frame: WireFrame): HTMLElement {
  const { header } = frame;
  const ext = frame.lengthForm === 16 ? 2 : frame.lengthForm === 64 ? 8 : 0;
  const parts: Array<[string, Uint8Array]> = [
    ["ws-b0", header.subarray(0, 1)],
    ["ws-b1", header.subarray(1, 2)],
    ["ws-ext", header.subarray(2, 2 + ext)],
    ["ws-key", header.subarray(2 + ext)],
  ];
  const out = h("span", { class: "hex" });
  for (const [cls, bytes] of parts) if (bytes.length) out.append(h("span", { class: cls }, hex(bytes)), " ");
  return out;
}

export function headerLegend(): HTMLElement {
  const item = (cls: string, key: Key) =>
    h(
      "span",
      {},
      h("span", { class: `swatch ${cls}` }),
      bindText(h("span"), () => t(key)),
    );
  return h(
    "div",
    { class: "legend" },
    item("ws-b0", "legendB0"),
    item("ws-b1", "legendB1"),
    item("ws-ext", "legendExt"),
    item("ws-key", "legendKey"),
  );
}

/** The payload preview, or "(empty)" in the current language. */
export function payloadNode(frame: WireFrame, max?: number): Node {
  const preview = payloadPreview(frame, max);
  return preview
    ? document.createTextNode(preview)
    : bindText(h("span", { class: "muted" }), () => t("empty"));
}

function bits(byte: number): string {
  return byte.toString(2).padStart(8, "0");
}

/** The first two header bytes as labelled bit fields, then length, key and payload (masked and not). */
export function frameBits(frame: WireFrame): HTMLElement {
  const b0 = bits(frame.header[0]!);
  const b1 = bits(frame.header[1]!);
  /** A bit field: its name (a protocol identifier, or a translated label) and its value. */
  const cell = (name: string | (() => string), value: string, cls = "") =>
    h(
      "div",
      { class: `ws-bit ${cls}` },
      typeof name === "string"
        ? h("div", { class: "ws-bit-name" }, name)
        : bindText(h("div", { class: "ws-bit-name" }), name),
      h("div", {}, value),
    );
  const wire = frame.payload.slice(0, 16);
  if (frame.maskKey) mask(wire, frame.maskKey);
  return h(
    "div",
    { class: "ws-bits", "data-seq": frame.seq },
    bindText(h("h4"), () => t("bitsOf", { n: frame.seq })),
    h(
      "div",
      { class: "ws-bitrow" },
      cell("FIN", b0[0]!, "ws-b0"),
      cell("RSV1", b0[1]!, "ws-b0"),
      cell("RSV2", b0[2]!, "ws-b0"),
      cell("RSV3", b0[3]!, "ws-b0"),
      cell(() => t("bitOpcode"), `${b0.slice(4)} = ${opcodeLabel(frame.opcode)}`, "ws-b0 ws-wide"),
      cell("MASK", b1[0]!, "ws-b1"),
      cell(() => t("bitLen7"), `${b1.slice(1)} = ${frame.header[1]! & 0x7f}`, "ws-b1 ws-wide"),
    ),
    h(
      "dl",
      { class: "ws-facts" },
      h(
        "dt",
        {},
        bindText(h("span"), () => t("colLength")),
      ),
      h(
        "dd",
        {},
        `${frame.length} `,
        bindText(h("span"), () => `(${t(formKey(frame.lengthForm))})`),
      ),
      h(
        "dt",
        {},
        bindText(h("span"), () => t("colKey")),
      ),
      h("dd", { class: "mono" }, frame.maskKey ? hex(frame.maskKey) : "—"),
      frame.maskKey &&
        h(
          "dt",
          {},
          bindText(h("span"), () => t("wireBytes")),
        ),
      frame.maskKey && h("dd", { class: "mono" }, hex(wire, 16)),
      h(
        "dt",
        {},
        bindText(h("span"), () => t("unmaskedBytes")),
      ),
      h("dd", { class: "mono" }, hex(frame.payload, 16), " ", payloadNode(frame, 40)),
    ),
  );
}

function row(frame: WireFrame, select: (frame: WireFrame) => void): HTMLTableRowElement {
  const yesNo = (b: boolean) => (b ? "1" : "0");
  return h(
    "tr",
    {
      class: `ws-${frame.dir}`,
      "data-seq": frame.seq,
      "data-dir": frame.dir,
      "data-opcode": frame.opcode,
      "data-fin": yesNo(frame.fin),
      "data-mask": yesNo(frame.masked),
      "data-length": frame.length,
    },
    h(
      "td",
      {},
      bindText(
        h("button", { type: "button", class: "ws-seq", onclick: () => select(frame) }, `#${frame.seq}`),
        () => t("showBits", { n: frame.seq }),
        "aria-label",
      ),
    ),
    h("td", { class: "num" }, frame.t.toFixed(1)),
    h(
      "td",
      {},
      bindText(h("span", { class: "ws-dir" }), () => t(dirKey(frame.dir))),
    ),
    h("td", {}, yesNo(frame.fin)),
    h("td", {}, [frame.rsv1, frame.rsv2, frame.rsv3].map(yesNo).join(" ")),
    h("td", { class: "mono" }, opcodeLabel(frame.opcode)),
    h("td", {}, yesNo(frame.masked)),
    h(
      "td",
      { class: "num" },
      `${frame.length} `,
      bindText(h("span", { class: "muted" }), () => t(formKey(frame.lengthForm))),
    ),
    h("td", { class: "mono" }, frame.maskKey ? hex(frame.maskKey) : "—"),
    h(
      "td",
      { class: "ws-payload" },
      payloadNode(frame),
      frame.error && h("span", { class: "badge bad" }, frame.error),
    ),
    h("td", {}, headerHex(frame)),
  );
}

export interface FramesView {
  root: HTMLElement;
  add(frames: WireFrame[]): void;
  partial(dir: Dir, have: number, need: number): void;
  reset(): void;
}

export function framesView(): FramesView {
  const columns: Key[] = ["colN", "colT", "colDir", "colFin", "colRsv", "colOpcode", "colMask", "colLength"];
  const head = h(
    "tr",
    {},
    ...columns.map((k) => bindText(h("th", { scope: "col" }), () => t(k))),
    ...(["colKey", "colPayload", "colHeader"] as Key[]).map((k) =>
      bindText(h("th", { scope: "col" }), () => t(k)),
    ),
  );
  const body = h("tbody");
  const empty = bindText(h("p", { class: "muted" }), () => t("noFrames"));
  const counter = h("span", { class: "muted ws-small" });
  const partials = h("div", { class: "warn ws-small", id: "ws-partial" });
  const detail = h("div", { id: "ws-frame-bits" });
  let total = 0;

  const select = (frame: WireFrame) => replace(detail, frameBits(frame));
  const renderCounter = () => {
    replace(counter);
    if (total > SHOWN) counter.append(bindText(h("span"), () => t("shown", { n: SHOWN, total })));
  };

  const root = h(
    "div",
    { class: "card ws-frames" },
    h(
      "div",
      { class: "ws-title-row" },
      bindText(h("h3"), () => t("frames")),
      headerLegend(),
    ),
    bindText(h("p", { class: "muted ws-small" }), () => t("framesNote")),
    empty,
    h(
      "div",
      { class: "scroll ws-frames-scroll" },
      h("table", { class: "data", id: "ws-frames" }, h("thead", {}, head), body),
    ),
    counter,
    partials,
    detail,
  );

  return {
    root,
    add(frames) {
      empty.hidden = true;
      for (const frame of frames) {
        body.append(row(frame, select));
        total++;
      }
      while (body.children.length > SHOWN) body.firstElementChild?.remove();
      renderCounter();
      replace(partials);
      const scroller = body.closest(".scroll");
      if (scroller) scroller.scrollTop = scroller.scrollHeight;
      if (!detail.firstChild && frames[0]) select(frames[0]);
    },
    partial(dir, have, need) {
      partials.append(
        bindText(h("div"), () =>
          t("partial", { dir: t(dirKey(dir)), have, need: Number.isNaN(need) ? "?" : need }),
        ),
      );
    },
    reset() {
      total = 0;
      replace(body);
      replace(partials);
      replace(detail);
      renderCounter();
      empty.hidden = false;
    },
  };
}
