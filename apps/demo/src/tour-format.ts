/** Text helpers the terminal tour's sections share: tables, wrapping, hex and previews, timeouts. */

/** Where a section writes its lines. */
export type Say = (line?: string) => void;

/** Display width: CJK characters take two columns. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

/** A table with a header row and a rule under it; columns padded to their widest cell. */
export function table(header: string[], rows: string[][], options: { right?: number[] } = {}): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const pad = (c: string, i: number) => {
    const fill = " ".repeat(widths[i]! - width(c));
    return options.right?.includes(i) ? fill + c : c + fill;
  };
  const line = (cells: string[]) => cells.map(pad).join(" │ ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("─┼─"), ...rows.map(line)].join("\n");
}

/** Indents every line of `text`. */
export function indent(text: string, by = "  "): string {
  return text
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

/** Wraps `text` at `columns`, indenting continuation lines. */
export function wrap(text: string, columns: number, continuation: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > columns) {
      lines.push(line);
      line = continuation + word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join("\n");
}

export const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

export const bits = (b: number): string => b.toString(2).padStart(8, "0");

/** A short, printable look at a payload: text in quotes when it is text, else its first bytes in hex. */
export function preview(bytes: Uint8Array, options: { text?: boolean; max?: number } = {}): string {
  const max = options.max ?? 32;
  if (bytes.length === 0) return "(empty)";
  const cut = bytes.subarray(0, max);
  const printable = cut.every((b) => b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  if (options.text || printable) {
    // Cut by characters, not bytes, so a multi-byte UTF-8 character is never split.
    const chars = Array.from(new TextDecoder().decode(bytes.subarray(0, max * 4)));
    const text = chars.slice(0, max).join("").replace(/\r/g, "\\r").replace(/\n/g, "\\n");
    return `"${text}${chars.length > max || bytes.length > max * 4 ? "…" : ""}"`;
  }
  return `${hex(cut)}${bytes.length > max ? "…" : ""}`;
}

/** Microseconds or nanoseconds as milliseconds with three decimals. */
export const ms = (us: number): string => (us / 1000).toFixed(3);
export const nsToMs = (ns: bigint): string => (Number(ns) / 1e6).toFixed(3);

/** Thousands separators, for byte counts. */
export const n = (value: number): string => value.toLocaleString("en-US");

/** Rejects with `tour: <what> took longer than <ms> ms` unless `promise` settles first. */
export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`tour: ${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
