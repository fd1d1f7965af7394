/**
 * Sec-WebSocket-Extensions (RFC 6455 §9.1):
 *
 *   Sec-WebSocket-Extensions = extension-list
 *   extension-list = 1#extension
 *   extension = extension-token *( ";" extension-param )
 *   extension-param = token [ "=" (token | quoted-string) ]
 *       ;When using the quoted-string syntax variant, the value after quoted-string unescaping MUST
 *       ;conform to the 'token' ABNF.
 *
 * Parsed by a one-pass scanner into arrays (never into objects keyed by untrusted names: ws crashed on an
 * extension named "constructor").
 */
import { badRequest } from "./errors";
import { isOws, isTchar, isToken } from "./tokens";

/** Parameters as received, in order; a valueless parameter has the value `true`. */
export type ExtensionParams = Array<[string, string | true]>;

export interface ExtensionOffer {
  name: string;
  params: ExtensionParams;
}

/** Parses every Sec-WebSocket-Extensions value; throws HS_BAD_EXTENSIONS_HEADER (400) if malformed. */
export function parseExtensions(values: readonly string[]): ExtensionOffer[] {
  const text = values.join(",");
  const out: ExtensionOffer[] = [];
  let i = 0;
  const n = text.length;
  const fail = (why: string) => badRequest("HS_BAD_EXTENSIONS_HEADER", `Sec-WebSocket-Extensions: ${why}`);
  const skipOws = () => {
    while (i < n && isOws(text.charCodeAt(i))) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && isTchar(text.charCodeAt(i))) i++;
    return text.slice(start, i);
  };
  while (i < n) {
    skipOws();
    if (i < n && text.charCodeAt(i) === 0x2c) {
      i++; // empty list element
      continue;
    }
    if (i >= n) break;
    const name = token();
    if (name === "") throw fail("expected an extension token");
    const params: ExtensionParams = [];
    skipOws();
    while (i < n && text.charCodeAt(i) === 0x3b) {
      i++;
      skipOws();
      const param = token();
      if (param === "") throw fail(`expected a parameter of ${name}`);
      skipOws();
      let value: string | true = true;
      if (i < n && text.charCodeAt(i) === 0x3d) {
        i++;
        skipOws();
        if (text.charCodeAt(i) === 0x22) {
          i++;
          let v = "";
          while (i < n && text.charCodeAt(i) !== 0x22) {
            if (text.charCodeAt(i) === 0x5c) i++; // quoted-pair
            if (i >= n) break;
            v += text[i];
            i++;
          }
          if (i >= n) throw fail("unterminated quoted string");
          i++;
          if (!isToken(v)) throw fail(`the quoted value of ${param} is not a token`);
          value = v;
        } else {
          value = token();
          if (value === "") throw fail(`expected a value for ${param}`);
        }
        skipOws();
      }
      params.push([param, value]);
    }
    if (i < n && text.charCodeAt(i) !== 0x2c) throw fail(`unexpected character after ${name}`);
    i++;
    out.push({ name, params });
  }
  return out;
}

/** Serializes one extension with its parameters: `name; a; b=1`. */
export function formatExtension(name: string, params: ExtensionParams): string {
  return [name, ...params.map(([k, v]) => (v === true ? k : `${k}=${v}`))].join("; ");
}

/** The Sec-WebSocket-Extensions value offering `extensions` (each offer one element), or "" for none. */
export function formatOffers(extensions: readonly { name: string; offer?(): ExtensionParams[] }[]): string {
  return extensions
    .flatMap((ext) => (ext.offer?.() ?? [[]]).map((params) => formatExtension(ext.name, params)))
    .join(", ");
}
