/**
 * The misbehaving client: the server runs a raw TCP client against its own /ws that sends one bad
 * frame; this view shows that frame bit by bit, what the server wrote back, and the close code.
 */
import { closeCodeName } from "@proto/ws-frame";
import { decodeBase64 } from "@proto/ws-handshake";
import type { MisbehaveResult } from "../../../../src/server/ws-lab-misbehave";
import { api, h, replace } from "../../dom";
import { bindText } from "../../i18n";
import { frameBits, headerHex, payloadNode } from "./frames-view";
import { type Key, t } from "./strings";
import { opcodeLabel, splitAll } from "./wire";

/** What a kind of misbehaviour is (the server's list, GET /api/ws/info). */
export type Misbehaviour = Pick<MisbehaveResult, "expected" | "rule"> & { kind: string };

const bytes = (b64: string) => decodeBase64(b64) ?? new Uint8Array(0);
const kindKey = (kind: string) => `kind_${kind}` as Key;

function render(result: MisbehaveResult): HTMLElement[] {
  const ok = result.closeCode === result.expected;
  const sent = splitAll(bytes(result.badFrame), "in");
  const back = splitAll(bytes(result.frames), "out");
  const status = new TextDecoder().decode(bytes(result.response)).split("\r\n")[0] ?? "";
  const verdict =
    result.closeCode === null
      ? bindText(h("p", { class: "bad" }), () => t("noClose"))
      : h(
          "p",
          { class: "ws-verdict" },
          h(
            "span",
            { class: `badge ${ok ? "ok" : "bad"}` },
            bindText(h("span"), () => t(ok ? "expectedOk" : "expectedBad")),
          ),
          " ",
          bindText(h("span", { class: "ws-close-line" }), () =>
            t("verdict", {
              code: result.closeCode ?? "",
              name: closeCodeName(result.closeCode ?? 0),
              expected: result.expected,
              rule: result.rule,
              reason: result.closeReason,
            }),
          ),
          " ",
          h(
            "span",
            { class: "muted" },
            bindText(h("span"), () => t("took", { ms: result.elapsedMs })),
          ),
        );
  const parts: HTMLElement[] = [verdict];
  if (result.serverEnded) parts.push(bindText(h("p", { class: "muted ws-small" }), () => t("serverEnded")));
  parts.push(
    h(
      "div",
      { class: "grid2" },
      h(
        "div",
        {},
        bindText(h("h4"), () => t("sentFrame")),
        ...sent.map((frame) =>
          h(
            "div",
            {},
            headerHex(frame),
            frame.error &&
              h(
                "span",
                { class: "badge bad" },
                bindText(h("span"), () => t("rejected", { code: frame.error ?? "" })),
              ),
            frameBits(frame),
          ),
        ),
      ),
      h(
        "div",
        {},
        bindText(h("h4"), () => t("serverFrames")),
        h("pre", { class: "ws-head" }, status),
        h(
          "table",
          { class: "data" },
          h(
            "tbody",
            {},
            ...back.map((frame) =>
              h(
                "tr",
                { "data-opcode": frame.opcode },
                h("td", { class: "mono" }, opcodeLabel(frame.opcode)),
                h("td", {}, payloadNode(frame)),
                h("td", {}, headerHex(frame)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return parts;
}

export function misbehaveView(kinds: Misbehaviour[]): HTMLElement {
  const select = h("select", { id: "ws-misbehave-kind" });
  for (const k of kinds) {
    select.append(bindText(h("option", { value: k.kind }), () => `${t(kindKey(k.kind))} → ${k.expected}`));
  }
  const result = h("div", { id: "ws-misbehave-result", "aria-live": "polite" });
  const run = bindText(h("button", { type: "button", class: "btn danger", id: "ws-misbehave-run" }), () =>
    t("run"),
  );
  run.addEventListener("click", async () => {
    run.disabled = true;
    result.dataset.state = "running";
    replace(
      result,
      bindText(h("p", { class: "muted" }), () => t("running")),
    );
    try {
      const answer = await api<MisbehaveResult>("/api/ws/misbehave", { kind: select.value });
      result.dataset.code = String(answer.closeCode);
      result.dataset.expected = String(answer.expected);
      result.dataset.kind = answer.kind;
      replace(result, ...render(answer));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      replace(
        result,
        bindText(h("p", { class: "bad" }), () => t("apiError", { error: message })),
      );
    } finally {
      result.dataset.state = "done";
      run.disabled = false;
    }
  });
  return h(
    "div",
    { class: "card" },
    bindText(h("h3"), () => t("misbehave")),
    bindText(h("p", { class: "muted ws-small" }), () => t("misbehaveIntro")),
    h(
      "div",
      { class: "row" },
      h(
        "label",
        {},
        bindText(h("span"), () => t("kindLabel")),
        select,
      ),
      run,
    ),
    result,
  );
}
