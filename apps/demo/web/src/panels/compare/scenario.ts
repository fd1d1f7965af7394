/** The scenario form: a network preset, the link, loss, page and protocol options, and the Run button. */
import { type LossSpec, type NetworkSpec, presets } from "@proto/quic-sim";
import { field, h } from "../../dom";
import { bindText } from "../../i18n";
import { type Key, t } from "./strings";
import type { Scenario } from "./types";

type PresetName = keyof typeof presets;
const PRESETS = Object.keys(presets) as PresetName[];
/** The blackhole preset's periods, used when the loss model is "blackhole periods". */
const BLACKHOLE_PERIODS: Array<[number, number]> = [
  [1000, 3000],
  [5000, 7000],
];

function label(text: Key, control: HTMLElement, inline = false): HTMLLabelElement {
  return field(() => t(text), control, inline);
}

function number(id: string, value: number, min: number, max: number, step: number): HTMLInputElement {
  return h("input", { type: "number", id, value, min, max, step, class: "cmp-num" });
}

function select<V extends string>(id: string, options: Array<[V, Key | (() => string)]>, value: V) {
  const el = h("select", { id });
  for (const [v, text] of options) {
    const option = h("option", { value: v });
    bindText(option, typeof text === "function" ? text : () => t(text));
    el.append(option);
  }
  el.value = value;
  return el;
}

/** Reads a number input, clamped to its min and max (and written back, so the user sees what ran). */
function read(input: HTMLInputElement, integer: boolean): number {
  const min = Number(input.min);
  const max = Number(input.max);
  let v = Number(input.value);
  if (!Number.isFinite(v)) v = Number(input.defaultValue);
  v = Math.min(max, Math.max(min, integer ? Math.round(v) : v));
  input.value = String(v);
  return v;
}

export interface ScenarioForm {
  element: HTMLElement;
  runButton: HTMLButtonElement;
  read(): Scenario;
}

export function scenarioForm(onRun: () => void): ScenarioForm {
  const preset = select<PresetName | "custom">(
    "cmp-preset",
    [...PRESETS.map((p) => [p, `p_${p}` as Key] as [PresetName, Key]), ["custom", "custom"]],
    "default",
  );
  const rtt = number("cmp-rtt", 30, 1, 5000, 1);
  const bandwidth = number("cmp-bandwidth", 10, 0.1, 1000, 0.1);
  const queue = number("cmp-queue", 25, 1, 10000, 1);
  const lossModel = select(
    "cmp-loss-model",
    [
      ["bernoulli", "m_bernoulli"],
      ["blackhole", "m_blackhole"],
    ] as Array<["bernoulli" | "blackhole", Key]>,
    "bernoulli",
  );
  const loss = number("cmp-loss", 0, 0, 50, 0.1);
  const direction = select(
    "cmp-direction",
    [
      ["toClient", "d_toClient"],
      ["both", "d_both"],
      ["toServer", "d_toServer"],
    ] as Array<["toClient" | "both" | "toServer", Key]>,
    "toClient",
  );
  const count = number("cmp-count", 10, 1, 100, 1);
  const size = number("cmp-size", 11000, 0, 1_000_000, 100);
  const tls = select(
    "cmp-tls",
    [
      ["1.3", () => "TLS 1.3"],
      ["1.2", () => "TLS 1.2"],
    ],
    "1.3",
  );
  const resumption = select(
    "cmp-resumption",
    [
      ["none", "r_none"],
      ["psk", "r_psk"],
      ["0rtt", "r_0rtt"],
    ] as Array<["none" | "psk" | "0rtt", Key]>,
    "none",
  );
  const tfo = h("input", { type: "checkbox", id: "cmp-tfo" });
  const udp = h("input", { type: "checkbox", id: "cmp-udp" });
  const scheduler = select(
    "cmp-scheduler",
    [
      ["round-robin", "s_roundRobin"],
      ["sequential", "s_sequential"],
    ] as Array<["round-robin" | "sequential", Key]>,
    "round-robin",
  );
  const seed = number("cmp-seed", 1, 1, 1_000_000, 1);
  const h1Connections = number("cmp-h1conn", 6, 1, 16, 1);
  const runButton = h("button", { type: "submit", class: "btn", id: "cmp-run" });
  bindText(runButton, () => t("run"));
  const notes = h("p", { class: "muted cmp-note" });
  const noteText = () =>
    `${t("quicTls")} ${tls.value === "1.2" && resumption.value === "0rtt" ? t("tls12zero") : ""}`.trim();
  bindText(notes, noteText);
  const refreshNotes = () => {
    notes.textContent = noteText();
  };
  tls.addEventListener("change", refreshNotes);
  resumption.addEventListener("change", refreshNotes);

  const applyPreset = () => {
    const name = preset.value as PresetName | "custom";
    if (name === "custom") return;
    const spec: NetworkSpec = presets[name];
    rtt.value = String(spec.rttMs);
    bandwidth.value = String(spec.bandwidthMbps);
    queue.value = String(spec.queuePackets);
    const l = spec.loss;
    lossModel.value = l?.model === "blackhole" ? "blackhole" : "bernoulli";
    loss.value = l?.model === "bernoulli" ? String(l.p * 100) : "0";
    direction.value = l?.direction ?? (l ? "both" : "toClient");
    syncLoss();
  };
  const syncLoss = () => {
    loss.disabled = lossModel.value === "blackhole";
  };
  preset.addEventListener("change", applyPreset);
  for (const el of [rtt, bandwidth, queue, loss, lossModel, direction]) {
    el.addEventListener("input", () => {
      preset.value = "custom";
      syncLoss();
    });
  }
  // Run is the form's submit button, so Enter in any field runs too.
  const element = h(
    "form",
    {
      class: "card cmp-form",
      onsubmit: (event: Event) => {
        event.preventDefault();
        onRun();
      },
    },
    h(
      "div",
      { class: "row" },
      label("preset", preset),
      label("rtt", rtt),
      label("bandwidth", bandwidth),
      label("queue", queue),
      label("lossModel", lossModel),
      label("loss", loss),
      label("direction", direction),
    ),
    h(
      "div",
      { class: "row" },
      label("count", count),
      label("size", size),
      label("tls", tls),
      label("resumption", resumption),
      label("scheduler", scheduler),
      label("h1Connections", h1Connections),
      label("seed", seed),
      label("tfo", tfo, true),
      label("udpBlocked", udp, true),
      runButton,
    ),
    notes,
  );

  return {
    element,
    runButton,
    read() {
      const p = read(loss, false) / 100;
      const dir = direction.value as "toClient" | "both" | "toServer";
      let lossSpec: LossSpec | undefined;
      if (lossModel.value === "blackhole")
        lossSpec = { model: "blackhole", periods: BLACKHOLE_PERIODS, direction: dir };
      else if (p > 0) lossSpec = { model: "bernoulli", p, direction: dir };
      const network: NetworkSpec = {
        rttMs: read(rtt, false),
        bandwidthMbps: read(bandwidth, false),
        queuePackets: read(queue, true),
        ...(lossSpec ? { loss: lossSpec } : {}),
        ...(udp.checked ? { udpBlocked: true } : {}),
      };
      return {
        network,
        tls: tls.value as "1.2" | "1.3",
        resumption: resumption.value as Scenario["resumption"],
        tcpFastOpen: tfo.checked,
        resourceCount: read(count, true),
        resourceSize: read(size, true),
        scheduler: scheduler.value as Scenario["scheduler"],
        h1Connections: read(h1Connections, true),
        seed: read(seed, true),
      };
    },
  };
}
