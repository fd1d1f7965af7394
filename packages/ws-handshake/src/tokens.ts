/**
 * Hand-written scanners for the HTTP grammar the handshake needs (RFC 9110 §5.6): tokens, comma lists,
 * quoted strings. No regular expressions run on untrusted input (ws's CVE-2021-32640 was a regex whose
 * time grew with the square of a header's length); every scanner here is one pass.
 */

/** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;

export function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

/** token = 1*tchar */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTchar(text.charCodeAt(i))) return false;
  return true;
}

export function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * The elements of a comma-separated list spread over one or more header values (RFC 9110 §5.6.1),
 * with optional whitespace trimmed and empty elements dropped, in order.
 */
export function splitList(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    let start = 0;
    for (let i = 0; i <= value.length; i++) {
      if (i === value.length || value.charCodeAt(i) === 0x2c) {
        let a = start;
        let b = i;
        while (a < b && isOws(value.charCodeAt(a))) a++;
        while (b > a && isOws(value.charCodeAt(b - 1))) b--;
        if (b > a) out.push(value.slice(a, b));
        start = i + 1;
      }
    }
  }
  return out;
}

/** Whether the comma list in `values` contains `token`, compared case-insensitively. */
export function listHasToken(values: readonly string[], token: string): boolean {
  const wanted = token.toLowerCase();
  for (const element of splitList(values)) if (element.toLowerCase() === wanted) return true;
  return false;
}
