/** The Protocol Lab: tabs, language switch and lazy panel mounting. */
import "./styles.css";
import { bindText, getLang, onLanguageChange, setLang, strings } from "./i18n";
import type { Panel } from "./panel";
import { comparePanel } from "./panels/compare";
import { http2Panel } from "./panels/http2";
import { layersPanel } from "./panels/layers";
import { quicPanel } from "./panels/quic";
import { websocketPanel } from "./panels/websocket";

const PANELS: Panel[] = [layersPanel, websocketPanel, http2Panel, comparePanel, quicPanel];

const t = strings({
  title: ["Protocol Lab", "协议实验室"],
  switch: ["中文", "English"],
  switchLabel: ["Switch the language to Chinese", "切换为英文"],
  panels: ["Panels", "面板"],
  skip: ["Skip to the panel", "跳到面板"],
  failed: ["This panel failed to load: {error}", "面板加载失败：{error}"],
});

const tabs = document.getElementById("tabs")!;
const main = document.getElementById("panel")!;
const sections = new Map<string, HTMLElement>();
const buttons = new Map<string, HTMLButtonElement>();

bindText(document.getElementById("lab-title")!, () => t("title"));
bindText(tabs, () => t("panels"), "aria-label");
bindText(document.querySelector(".skip")!, () => t("skip"));
const langButton = document.getElementById("lang") as HTMLButtonElement;
bindText(langButton, () => t("switch"));
bindText(langButton, () => t("switchLabel"), "aria-label");
langButton.addEventListener("click", () => setLang(getLang() === "en" ? "zh" : "en"));
const syncTitle = () => {
  document.title = `@proto ${t("title")}`;
  document.documentElement.lang = getLang() === "zh" ? "zh-CN" : "en";
};
onLanguageChange(syncTitle);
syncTitle();

for (const panel of PANELS) {
  const button = document.createElement("button");
  button.type = "button";
  button.id = `tab-${panel.id}`;
  button.className = "tab";
  button.setAttribute("role", "tab");
  button.setAttribute("aria-controls", `panel-${panel.id}`);
  bindText(button, panel.title);
  button.addEventListener("click", () => select(panel.id, true));
  button.addEventListener("keydown", (event) => {
    const i = PANELS.indexOf(panel);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (event.key === "Home" || event.key === "End" || step) {
      event.preventDefault();
      const next =
        event.key === "Home"
          ? 0
          : event.key === "End"
            ? PANELS.length - 1
            : (i + step + PANELS.length) % PANELS.length;
      select(PANELS[next]!.id, true);
      buttons.get(PANELS[next]!.id)?.focus();
    }
  });
  tabs.appendChild(button);
  buttons.set(panel.id, button);
}

function select(id: string, push: boolean): void {
  const panel = PANELS.find((p) => p.id === id) ?? PANELS[0]!;
  for (const [pid, button] of buttons) {
    const on = pid === panel.id;
    button.setAttribute("aria-selected", String(on));
    button.tabIndex = on ? 0 : -1;
  }
  for (const [pid, section] of sections) section.hidden = pid !== panel.id;
  if (!sections.has(panel.id)) {
    const section = document.createElement("section");
    section.id = `panel-${panel.id}`;
    section.className = "panel";
    section.setAttribute("role", "tabpanel");
    section.setAttribute("aria-labelledby", `tab-${panel.id}`);
    main.appendChild(section);
    sections.set(panel.id, section);
    Promise.resolve()
      .then(() => panel.mount(section))
      .catch((error: unknown) => {
        const p = document.createElement("p");
        p.className = "error";
        p.textContent = t("failed", { error: error instanceof Error ? error.message : String(error) });
        section.appendChild(p);
        console.error(error);
      });
  }
  if (push && location.hash !== `#${panel.id}`) history.replaceState(null, "", `#${panel.id}`);
}

window.addEventListener("hashchange", () => select(location.hash.slice(1), false));
select(location.hash.slice(1), false);
