/**
 * The "HTTP/1.1 vs 2 vs 3" panel: @proto/quic-sim in a Web Worker loads the same page over the three
 * protocols with the scenario's options and seed; the panel shows the numbers, each handshake as a
 * sequence diagram, a waterfall per protocol with head-of-line blocking in red, the distribution over
 * many seeds, and offers each run's qlog.
 */
import "./compare.css";
import { h } from "../../dom";
import { bindText, onLanguageChange } from "../../i18n";
import type { Panel } from "../../panel";
import { Distribution } from "./distribution";
import { CancelledError, SimRunner } from "./runner";
import { scenarioForm } from "./scenario";
import { Sequences } from "./sequence";
import { t } from "./strings";
import { Summary } from "./summary";
import { Waterfalls } from "./waterfall";

export const comparePanel: Panel = {
  id: "compare",
  title: () => t("title"),
  async mount(root) {
    const runner = new SimRunner();
    const summary = new Summary();
    const sequences = new Sequences();
    const waterfalls = new Waterfalls();
    const status = h("p", { class: "muted cmp-status", id: "cmp-status", "aria-live": "polite" });
    let statusText: () => string = () => "";
    let runs = 0;
    const setStatus = (text: () => string, error = false) => {
      statusText = text;
      status.textContent = text();
      status.classList.toggle("error", error);
    };

    const run = async (): Promise<void> => {
      const scenario = form.read();
      if (runner.running) runner.cancelRun();
      form.runButton.textContent = t("running");
      try {
        const { results, ms } = await runner.run(scenario);
        summary.show(results, scenario);
        sequences.show(results, scenario);
        waterfalls.show(results);
        runs++;
        root.dataset.runs = String(runs);
        setStatus(() => t("ranIn", { ms: ms.toFixed(0) }));
      } catch (error) {
        if (error instanceof CancelledError) return;
        const message = error instanceof Error ? error.message : String(error);
        setStatus(() => t("failed", { error: message }), true);
      } finally {
        if (!runner.running) form.runButton.textContent = t("run");
      }
    };
    const form = scenarioForm(() => void run());
    const distribution = new Distribution(runner, () => form.read());

    root.append(
      bindText(h("h2"), () => t("title")),
      bindText(h("p", { class: "intro" }), () => t("intro")),
      form.element,
      status,
      h(
        "div",
        { class: "card" },
        bindText(h("h3"), () => t("results")),
        summary.element,
      ),
      h("div", { class: "card" }, sequences.element),
      h("div", { class: "card" }, waterfalls.element),
      h("div", { class: "card" }, distribution.element),
    );
    onLanguageChange(() => {
      form.runButton.textContent = t(runner.running ? "running" : "run");
      status.textContent = statusText();
      summary.render();
      sequences.render();
      waterfalls.render();
      distribution.render();
    });
    await run();
    root.dataset.ready = "true";
  },
};
