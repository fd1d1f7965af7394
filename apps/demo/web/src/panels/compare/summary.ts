/** The results table of a run (one column per protocol) and the qlog downloads. */
import type { PageLoadResult } from "@proto/quic-sim";
import { download, h, replace } from "../../dom";
import { ms, PROTO_COLOR, PROTO_NAME } from "./charts";
import { type Key, t } from "./strings";
import { FALLBACK_AFTER_MS, PROTOCOLS, type Proto, type RunResults, type Scenario } from "./types";

interface Row {
  key: Key;
  metric: string;
  value: (r: PageLoadResult, p: Proto, s: Scenario) => { text: string; raw: number };
}

/** Round trips before the first request, after the fallback race when HTTP/3 fell back. */
export function roundTrips(r: PageLoadResult, p: Proto, s: Scenario): { n: string; raced: boolean } {
  const raced = r.protocolUsed !== p;
  const rttUs = s.network.rttMs * 1000;
  const us = r.requestSentUs - (raced ? FALLBACK_AFTER_MS * 1000 : 0);
  return { n: (us / rttUs).toFixed(1), raced };
}

const time = (us: number) => ({ text: us < 0 ? t("never") : `${ms(us)} ms`, raw: us });
const count = (n: number, total: number) => ({ text: t("of", { n, total }), raw: n });

const ROWS: Row[] = [
  {
    key: "requestSent",
    metric: "requestSentUs",
    value: (r) => time(r.requestSentUs),
  },
  {
    key: "roundTrips",
    metric: "roundTrips",
    value: (r, p, s) => {
      if (r.requestSentUs < 0) return time(-1);
      const { n, raced } = roundTrips(r, p, s);
      return { text: raced ? `${FALLBACK_AFTER_MS} ms + ${n}` : n, raw: Number(n) };
    },
  },
  {
    key: "handshakeDone",
    metric: "handshakeUs",
    value: (r) => time(r.handshakeUs),
  },
  { key: "complete", metric: "completeUs", value: (r) => time(r.completeUs) },
  {
    key: "goodput",
    metric: "goodputBps",
    value: (r) => ({ text: `${(r.goodputBps / 1e6).toFixed(2)} Mbit/s`, raw: r.goodputBps }),
  },
  {
    key: "packetsSent",
    metric: "packetsSent",
    value: (r) => ({ text: String(r.packetsSent), raw: r.packetsSent }),
  },
  {
    key: "packetsLost",
    metric: "packetsLost",
    value: (r) => ({ text: String(r.packetsLost), raw: r.packetsLost }),
  },
  {
    key: "retransmitted",
    metric: "packetsRetransmitted",
    value: (r) => ({ text: String(r.packetsRetransmitted), raw: r.packetsRetransmitted }),
  },
  {
    key: "delayed",
    metric: "delayedByLoss",
    value: (r) => count(r.resources.filter((x) => x.delayedByLoss).length, r.resources.length),
  },
  {
    key: "hol",
    metric: "holBlocked",
    value: (r) => count(r.resources.filter((x) => x.blockedUs > 0).length, r.resources.length),
  },
  {
    key: "carried",
    metric: "protocolUsed",
    value: (r, p) => ({
      text: r.protocolUsed === p ? PROTO_NAME[p] : t("fellBack"),
      raw: PROTOCOLS.indexOf(r.protocolUsed),
    }),
  },
];

export class Summary {
  readonly element: HTMLElement;
  private readonly table = h("table", { class: "data cmp-summary", id: "cmp-summary" });
  private readonly buttons = new Map<Proto, HTMLButtonElement>();
  private readonly hint = h("span", { class: "muted" });
  private last: { results: RunResults; scenario: Scenario } | undefined;

  constructor() {
    const downloads = h("div", { class: "row cmp-qlog" });
    for (const p of PROTOCOLS) {
      const button = h("button", {
        type: "button",
        class: "btn secondary",
        id: `cmp-qlog-${p}`,
        disabled: true,
        onclick: () => this.exportQlog(p),
      });
      this.buttons.set(p, button);
      downloads.append(button);
    }
    downloads.append(this.hint);
    this.element = h("div", {}, this.table, downloads);
    this.render();
  }

  show(results: RunResults, scenario: Scenario): void {
    this.last = { results, scenario };
    this.render();
  }

  render(): void {
    for (const [p, button] of this.buttons) {
      button.textContent = t("qlog", { p: PROTO_NAME[p] });
      button.disabled = !this.last?.results[p].qlog;
    }
    this.hint.textContent = t("qlogHint");
    const head = h(
      "tr",
      {},
      h("th", { scope: "col" }, t("metric")),
      ...PROTOCOLS.map((p) =>
        h(
          "th",
          { scope: "col", class: "num" },
          h("span", { class: "swatch", style: `background:${PROTO_COLOR[p]}` }),
          PROTO_NAME[p],
        ),
      ),
    );
    const body = h("tbody");
    const last = this.last;
    if (last) {
      for (const row of ROWS) {
        const tr = h("tr", {}, h("th", { scope: "row" }, t(row.key)));
        for (const p of PROTOCOLS) {
          const { text, raw } = row.value(last.results[p], p, last.scenario);
          tr.append(
            h("td", { class: "num", "data-proto": p, "data-metric": row.metric, "data-value": raw }, text),
          );
        }
        body.append(tr);
      }
    }
    replace(this.table, h("thead", {}, head), body);
  }

  private exportQlog(p: Proto): void {
    const last = this.last;
    const qlog = last?.results[p].qlog;
    if (!last || !qlog) return;
    download(`${p}-seed${last.scenario.seed}.qlog`, JSON.stringify(qlog), "application/json");
  }
}
