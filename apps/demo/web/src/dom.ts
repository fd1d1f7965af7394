/** A few DOM helpers so the panels stay plain TypeScript (no framework). */
import { bindText } from "./i18n";

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** `h("button", { class: "x", onclick: fn, disabled: true }, "text", child)` */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Removes every child of `el`, then appends `children`. */
export function replace(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, ...children);
}

/**
 * A form control with its caption: `<label for=id><span>caption</span>control</label>`, the caption kept
 * in the current language by `text()`. `inline` puts the caption after the control (checkboxes).
 */
export function field(text: () => string, control: HTMLElement, inline = false): HTMLLabelElement {
  const caption = bindText(h("span"), text);
  const attrs = { class: inline ? "inline" : undefined, for: control.id || undefined };
  return inline ? h("label", attrs, control, caption) : h("label", attrs, caption, control);
}

/** Two-digit lowercase hex of each byte, space separated. */
export function hex(bytes: Uint8Array, max = Number.POSITIVE_INFINITY): string {
  const n = Math.min(bytes.length, max);
  let out = "";
  for (let i = 0; i < n; i++) out += (i ? " " : "") + bytes[i]!.toString(16).padStart(2, "0");
  return bytes.length > n ? `${out} …` : out;
}

/** Offers `bytes` as a file download named `name`. */
export function download(name: string, bytes: Uint8Array | string, type = "application/octet-stream"): void {
  const blob = new Blob([typeof bytes === "string" ? bytes : (bytes as Uint8Array<ArrayBuffer>)], { type });
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** POSTs JSON to the lab server's API and returns the JSON answer (throws with the server's message). */
export async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(json.error ?? `${path}: HTTP ${res.status}`);
  return json;
}
