/**
 * English by default, Chinese on request (the notes are in Chinese). Each module declares its strings
 * next to its code with `strings({ key: ["English", "中文"] })`; `bindText` keeps an element's text in
 * the current language, and `onLanguageChange` lets a panel redraw what it computed.
 */
export type Lang = "en" | "zh";

const STORAGE_KEY = "proto-lab-lang";
let current: Lang = initialLang();
const listeners = new Set<(lang: Lang) => void>();
/**
 * Elements kept in the current language. Held weakly: panels that re-render drop their old elements, and
 * those must not pile up here (entries whose element was collected are pruned as the list grows).
 */
interface Bound {
  ref: WeakRef<Element>;
  text: () => string;
  attr?: string;
}
let bound: Bound[] = [];
let pruneAt = 256;

function initialLang(): Lang {
  try {
    const fromUrl = new URLSearchParams(location.search).get("lang");
    if (fromUrl === "zh" || fromUrl === "en") return fromUrl;
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === "zh" || stored === "en") return stored;
  } catch {
    // storage may be unavailable (private mode); English then
  }
  return "en";
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not persisted; fine
  }
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  bound = bound.filter((b) => {
    const el = b.ref.deref();
    if (!el?.isConnected) return false;
    apply(el, b);
    return true;
  });
  for (const listener of listeners) listener(lang);
}

/** Calls `listener` after every language change; returns the unsubscribe function. */
export function onLanguageChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export type Translate<K extends string> = (key: K, vars?: Record<string, string | number>) => string;

/** A typed string table: `t("key", { n: 3 })` fills `{n}` placeholders in the current language. */
export function strings<K extends string>(table: Record<K, readonly [en: string, zh: string]>): Translate<K> {
  return (key, vars) => {
    const pair = table[key];
    let text = current === "zh" ? pair[1] : pair[0];
    if (vars)
      for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  };
}

function apply(el: Element, b: Bound): void {
  if (b.attr) el.setAttribute(b.attr, b.text());
  else el.textContent = b.text();
}

/** Sets `el`'s text (or attribute `attr`) from `text()` now and after every language change. */
export function bindText<E extends Element>(el: E, text: () => string, attr?: string): E {
  const b: Bound = attr === undefined ? { ref: new WeakRef(el), text } : { ref: new WeakRef(el), text, attr };
  apply(el, b);
  bound.push(b);
  if (bound.length >= pruneAt) {
    bound = bound.filter((x) => x.ref.deref() !== undefined);
    pruneAt = Math.max(256, 2 * bound.length);
  }
  return el;
}
