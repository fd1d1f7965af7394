/** Cards 1, 3 and 5: key derivation, header protection removal, and AEAD decryption. */
import { h } from "../../dom";
import { type Dissection, toHex } from "./dissect";
import { card, code, kvTable } from "./hex";
import { t } from "./text";

const bits = (b: number) => b.toString(2).padStart(8, "0");

function labelled(value: HTMLElement, label: Uint8Array): HTMLElement {
  return h(
    "div",
    {},
    value,
    h("div", { class: "muted small mono" }, t("hkdfLabel", { hex: toHex(label, " ") })),
  );
}

export function keysCard(d: Dissection): HTMLElement {
  const rows: Array<Array<Node | string>> = [
    [t("dcid"), "DCID", code("quic-dcid", toHex(d.dcid))],
    [t("salt"), "RFC 9001 §5.2", code("quic-salt", toHex(d.salt))],
    [
      t("initialSecret"),
      "HKDF-Extract(initial_salt, DCID)",
      code("quic-initial-secret", toHex(d.initialSecret)),
    ],
    [
      t("clientSecret"),
      'HKDF-Expand-Label(initial_secret, "client in", "", 32)',
      labelled(code("quic-client-secret", toHex(d.clientSecret)), d.labels["client in"]),
    ],
    [
      t("key"),
      'HKDF-Expand-Label(client_initial_secret, "quic key", "", 16)',
      labelled(code("quic-key", toHex(d.key)), d.labels["quic key"]),
    ],
    [
      t("iv"),
      'HKDF-Expand-Label(client_initial_secret, "quic iv", "", 12)',
      labelled(code("quic-iv", toHex(d.iv)), d.labels["quic iv"]),
    ],
    [
      t("hp"),
      'HKDF-Expand-Label(client_initial_secret, "quic hp", "", 16)',
      labelled(code("quic-hp", toHex(d.hp)), d.labels["quic hp"]),
    ],
  ];
  return card(
    "quic-keys",
    t("keysTitle"),
    t("keysHelp"),
    kvTable([t("colName"), t("colHow"), t("colValue")], rows),
  );
}

export function protectionCard(d: Dissection): HTMLElement {
  const firstLine = h(
    "div",
    {},
    code("quic-first-byte", `0x${d.firstProtected.toString(16)} → 0x${d.firstUnprotected.toString(16)}`),
    h(
      "div",
      { class: "mono small" },
      `${bits(d.firstProtected)} XOR (${bits(d.mask[0]!)} AND 00001111) = ${bits(d.firstUnprotected)}`,
    ),
  );
  const rows: Array<Array<Node | string>> = [
    [t("pnOffset"), code("quic-pn-offset", String(d.header.pnOffset))],
    [t("sample", { n: d.sampleOffset }), code("quic-sample", toHex(d.sample))],
    [t("mask"), code("quic-mask", toHex(d.mask))],
    [t("firstByte"), firstLine],
    [t("pnLength"), code("quic-pn-length", `${bits(d.firstUnprotected).slice(6)}₂ + 1 = ${d.pnLength}`)],
    [
      t("pnBytes", { n: d.pnLength }),
      code(
        "quic-pn-bytes",
        `${toHex(d.pnProtected)} XOR ${toHex(d.mask.subarray(1, 1 + d.pnLength))} = ${toHex(d.pnUnprotected)}`,
      ),
    ],
    [t("packetNumber"), code("quic-pn", String(d.packetNumber))],
  ];
  return card("quic-hp-card", t("hpTitle"), t("hpHelp"), kvTable([t("colName"), t("colValue")], rows));
}

export function aeadCard(d: Dissection): HTMLElement {
  const pn = new Uint8Array(d.iv.length);
  for (let i = 0; i < 4; i++) pn[pn.length - 1 - i] = (d.packetNumber >>> (8 * i)) & 0xff;
  const nonce = h(
    "div",
    { class: "mono small xor" },
    h("div", {}, `  ${toHex(d.iv)}  (IV)`),
    h("div", {}, `⊕ ${toHex(pn)}  (${d.packetNumber})`),
    h("div", {}, "= ", code("quic-nonce", toHex(d.nonce))),
  );
  const rows: Array<Array<Node | string>> = [
    [t("nonce"), nonce],
    [t("aad", { n: d.aad.length }), code("quic-aad", toHex(d.aad))],
    [t("ciphertext"), t("ciphertextV", { n: d.ciphertextLength })],
    [t("kTag"), code("quic-tag", toHex(d.tag))],
    [t("plaintext"), h("span", { class: "ok", id: "quic-plaintext" }, t("tagOk", { n: d.plaintext.length }))],
  ];
  return card("quic-aead", t("aeadTitle"), t("aeadHelp"), kvTable([t("colName"), t("colValue")], rows));
}
