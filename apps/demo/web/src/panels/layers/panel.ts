/**
 * The Layers panel: the OSI and TCP/IP models side by side, and a message of your own carried down a
 * WebSocket, HTTP/2 or HTTP/3 stack one header at a time, with the capture to download.
 */
import { download, h, replace } from "../../dom";
import { bindText, onLanguageChange } from "../../i18n";
import type { Panel } from "../../panel";
import type { StackId } from "./apps";
import { renderDiagram, renderFields, renderHex, renderInner, STEP_COUNT, stepText } from "./encap-view";
import { buildExchange, type Exchange, type IpVersion, STACKS } from "./exchange";
import { renderModels } from "./models-view";
import { t, tMsg, type UiKey } from "./text";
import "./layers.css";

/** The longest message accepted: 400 UTF-16 units are at most 1200 UTF-8 bytes, one packet on any stack. */
const MAX_MESSAGE = 400;

function select<V extends string>(id: string, options: Array<[V, UiKey]>, onChange: (v: V) => void) {
  const el = h("select", { id });
  for (const [value, key] of options) el.append(bindText(h("option", { value }), () => t(key)));
  el.addEventListener("change", () => onChange(el.value as V));
  return el;
}

function labelled(forId: string, key: UiKey, control: HTMLElement): HTMLElement {
  return h(
    "label",
    { for: forId },
    bindText(h("span"), () => t(key)),
    control,
  );
}

function stepButton(id: string, key: UiKey, onClick: () => void): HTMLButtonElement {
  const button = bindText(h("button", { type: "button", id, class: "btn secondary" }), () => t(key));
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-disabled") !== "true") onClick();
  });
  return button;
}

function packetTable(x: Exchange): HTMLElement {
  return h(
    "table",
    { class: "data packets", id: "layers-packets" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { class: "num", scope: "col" }, "#"),
        h("th", { scope: "col" }, t("colFrom")),
        x.stack.transport === "tcp" ? h("th", { scope: "col" }, t("colTcp")) : null,
        h("th", { class: "num", scope: "col" }, t("colLength")),
        h("th", { scope: "col" }, t("colWhat")),
      ),
    ),
    h(
      "tbody",
      {},
      ...x.packets.map((p, i) =>
        h(
          "tr",
          { class: p.shown ? "shown" : "" },
          h("td", { class: "num" }, String(i + 1)),
          h("td", {}, `${t(p.from)} → ${t(p.from === "client" ? "server" : "client")}`),
          x.stack.transport === "tcp"
            ? h("td", { class: "mono" }, `[${p.flags}] seq=${p.seq} ack=${p.ack}`)
            : null,
          h("td", { class: "num" }, String(p.length)),
          h(
            "td",
            {},
            p.message ? tMsg(p.message) : "",
            p.shown ? h("span", { class: "muted" }, ` ${t("shownPacket")}`) : null,
          ),
        ),
      ),
    ),
  );
}

export const layersPanel: Panel = {
  id: "layers",
  title: () => t("title"),
  async mount(root) {
    const state = {
      stack: "ws" as StackId,
      ip: STACKS.ws.ip as IpVersion,
      text: t("messageDefault"),
      step: 0,
    };
    let exchange: Exchange | undefined;
    let build = 0;

    const models = h("div", { class: "models-wrap" });
    const input = h("input", {
      type: "text",
      id: "layers-message",
      maxlength: MAX_MESSAGE,
      value: state.text,
      spellcheck: "false",
    });
    const stackSelect = select<StackId>(
      "layers-stack",
      [
        ["ws", "stackWs"],
        ["h2", "stackH2"],
        ["h3", "stackH3"],
      ],
      (v) => {
        state.stack = v;
        state.ip = STACKS[v].ip;
        ipSelect.value = String(state.ip);
        rebuild();
      },
    );
    const ipSelect = select<"4" | "6">(
      "layers-ip",
      [
        ["4", "ipv4"],
        ["6", "ipv6"],
      ],
      (v) => {
        state.ip = Number(v) as IpVersion;
        rebuild();
      },
    );
    const prev = stepButton("layers-prev", "previous", () => go(state.step - 1));
    const next = stepButton("layers-next", "next", () => go(state.step + 1));
    const all = stepButton("layers-all", "all", () => go(STEP_COUNT - 1));
    const status = h("p", { id: "layers-step", class: "step-text", "aria-live": "polite" });
    const note = h("p", { class: "muted small" });
    const diagram = h("div", { class: "diagram", id: "layers-diagram" });
    const hex = h("div", { class: "hex-wrap" });
    const fields = h("div", { class: "fields-wrap", id: "layers-fields" });
    const inner = h("section", { class: "card", id: "layers-inner", hidden: true });
    const captureHelp = h("p", { class: "muted" });
    const packets = h("div");
    const downloadButton = bindText(
      h("button", { type: "button", id: "layers-download", class: "btn" }),
      () => t("download"),
    );
    downloadButton.addEventListener("click", () => {
      if (exchange) {
        const name = `layers-${exchange.stack.id}-ipv${exchange.ip}.pcap`;
        download(name, exchange.pcap, "application/vnd.tcpdump.pcap");
      }
    });

    const NOTES = { ws: "wsNote", h2: "h2Note", h3: "h3Note" } as const;

    function render(): void {
      renderModels(models, STACKS[state.stack]);
      const x = exchange;
      if (!x) return;
      for (const [button, off] of [
        [prev, state.step === 0],
        [next, state.step === STEP_COUNT - 1],
        [all, state.step === STEP_COUNT - 1],
      ] as const) {
        button.setAttribute("aria-disabled", String(off));
      }
      status.textContent = stepText(x, state.step);
      note.textContent = t(NOTES[x.stack.id]);
      renderDiagram(diagram, x, state.step);
      renderHex(hex, x, state.step);
      renderFields(fields, x, state.step);
      renderInner(inner, x);
      captureHelp.textContent = t("captureHelp", { count: x.packets.length });
      replace(packets, packetTable(x));
    }

    function go(step: number): void {
      state.step = Math.max(0, Math.min(STEP_COUNT - 1, step));
      render();
    }

    async function rebuildNow(): Promise<void> {
      const mine = ++build;
      root.dataset.busy = "true";
      try {
        const x = await buildExchange(state.stack, state.ip, state.text);
        if (mine !== build) return;
        exchange = x;
        render();
      } catch (error) {
        if (mine !== build) return;
        status.textContent = t("failed", { error: error instanceof Error ? error.message : String(error) });
      }
      if (mine === build) delete root.dataset.busy;
    }

    let timer: ReturnType<typeof setTimeout> | undefined;
    function rebuild(delay = 0): void {
      root.dataset.busy = "true";
      clearTimeout(timer);
      timer = setTimeout(() => void rebuildNow(), delay);
    }
    input.addEventListener("input", () => {
      state.text = input.value;
      rebuild(150);
    });
    onLanguageChange(render);

    root.append(
      bindText(h("h2"), () => t("title")),
      bindText(h("p", { class: "intro" }), () => t("intro")),
      h(
        "section",
        { class: "card" },
        bindText(h("h3"), () => t("modelsTitle")),
        bindText(h("p", { class: "muted small" }), () => t("modelsHelp")),
        models,
      ),
      h(
        "section",
        { class: "card", id: "layers-build" },
        bindText(h("h3"), () => t("buildTitle")),
        h(
          "div",
          { class: "row controls" },
          h("span", { class: "grow" }, labelled("layers-message", "message", input)),
          labelled("layers-stack", "stack", stackSelect),
          labelled("layers-ip", "network", ipSelect),
          h("div", { class: "row steps" }, prev, next, all),
        ),
        status,
        note,
        h("div", { class: "encap" }, h("div", {}, diagram, hex), fields),
      ),
      inner,
      h(
        "section",
        { class: "card" },
        bindText(h("h3"), () => t("captureTitle")),
        h("div", { class: "row" }, downloadButton, captureHelp),
        packets,
      ),
    );
    ipSelect.value = String(state.ip);
    await rebuildNow();
    root.dataset.ready = "true";
  },
};
