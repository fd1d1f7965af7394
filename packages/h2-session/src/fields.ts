/**
 * HTTP fields in HTTP/2 (RFC 9113 §8.2-§8.3): what makes a request, response or trailer section
 * malformed (§8.1.1: a stream error of type PROTOCOL_ERROR). Returns a reason string instead of throwing:
 * the session decides what the error costs.
 */

export type HeaderList = Array<[string, string]>;

/** §8.2.2: fields that are connection-specific in HTTP/1.1 and MUST NOT appear in HTTP/2. */
const CONNECTION_SPECIFIC = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
]);

const REQUEST_PSEUDO = new Set([":method", ":scheme", ":authority", ":path", ":protocol"]);
const RESPONSE_PSEUDO = new Set([":status"]);

/**
 * §8.2.1: a name of lowercase tchar only (no uppercase, no 0x00-0x20, 0x7f-0xff, no separators), and a
 * value with no NUL, CR or LF and no leading or trailing space or tab.
 */
function fieldProblem(name: string, value: string, pseudoAllowed: boolean): string | undefined {
  const start = pseudoAllowed && name.charCodeAt(0) === 0x3a ? 1 : 0;
  if (name.length === start) return "an empty field name";
  for (let i = start; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return `an uppercase field name ${name}`;
    if (!TCHAR[c]) return `an invalid character in the field name ${JSON.stringify(name)}`;
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) return `NUL, CR or LF in the value of ${name}`;
  }
  if (value.length > 0) {
    const first = value.charCodeAt(0);
    const last = value.charCodeAt(value.length - 1);
    if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) {
      return `leading or trailing whitespace in the value of ${name}`;
    }
  }
  return undefined;
}

/** RFC 9110 §5.6.2 tchar, lowercase letters only being valid in HTTP/2 names. */
const TCHAR: boolean[] = (() => {
  const t = new Array<boolean>(256).fill(false);
  for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
    t[c.charCodeAt(0)] = true;
  }
  return t;
})();

/** What a valid request section says. */
export interface RequestInfo {
  method: string;
  scheme: string | undefined;
  authority: string | undefined;
  path: string | undefined;
  /** RFC 8441 extended CONNECT's :protocol. */
  protocol: string | undefined;
  contentLength: number | undefined;
}

export interface ResponseInfo {
  status: number;
  contentLength: number | undefined;
}

/** Checks regular fields (after the pseudo-headers): names, values, §8.2.2, content-length. */
function regularFields(fields: HeaderList, from: number): { contentLength: number | undefined } | string {
  let contentLength: number | undefined;
  for (let i = from; i < fields.length; i++) {
    const [name, value] = fields[i]!;
    if (name.charCodeAt(0) === 0x3a) return `the pseudo-header ${name} after a regular field (§8.3)`;
    const problem = fieldProblem(name, value, false);
    if (problem) return problem;
    if (CONNECTION_SPECIFIC.has(name)) return `the connection-specific field ${name} (§8.2.2)`;
    // §8.2.2: "The only exception to this is the TE header field, which MAY be present in an HTTP/2
    // request; when it is, it MUST NOT contain any value other than "trailers"."
    if (name === "te" && value !== "trailers") return `te: ${value} (only "trailers" is allowed, §8.2.2)`;
    if (name === "content-length") {
      if (!/^[0-9]{1,15}$/.test(value)) return `content-length: ${value} is not a number`;
      const n = Number(value);
      if (contentLength !== undefined && contentLength !== n) return "conflicting content-length values";
      contentLength = n;
    }
  }
  return { contentLength };
}

/** Reads the leading pseudo-headers into a map; a reason when unknown, duplicated or misplaced. */
function pseudoHeaders(
  fields: HeaderList,
  allowed: ReadonlySet<string>,
): { pseudo: Map<string, string>; end: number } | string {
  const pseudo = new Map<string, string>();
  let i = 0;
  for (; i < fields.length; i++) {
    const [name, value] = fields[i]!;
    if (name.charCodeAt(0) !== 0x3a) break;
    // §8.3: "Endpoints MUST NOT generate pseudo-header fields other than those defined"; a request or
    // response with an undefined or misplaced one is malformed; each appears once.
    if (!allowed.has(name)) return `the pseudo-header ${name} is not allowed here (§8.3)`;
    if (pseudo.has(name)) return `the pseudo-header ${name} appears twice (§8.3)`;
    const problem = fieldProblem(name, value, true);
    if (problem) return problem;
    pseudo.set(name, value);
  }
  return { pseudo, end: i };
}

/** §8.3.1 request pseudo-headers; RFC 8441 §4 when `connectProtocol`. */
export function checkRequest(fields: HeaderList, connectProtocol: boolean): RequestInfo | string {
  const read = pseudoHeaders(fields, REQUEST_PSEUDO);
  if (typeof read === "string") return read;
  const { pseudo, end } = read;
  const regular = regularFields(fields, end);
  if (typeof regular === "string") return regular;
  const method = pseudo.get(":method");
  if (method === undefined || method === "") return "no :method (§8.3.1)";
  const protocol = pseudo.get(":protocol");
  const info: RequestInfo = {
    method,
    scheme: pseudo.get(":scheme"),
    authority: pseudo.get(":authority"),
    path: pseudo.get(":path"),
    protocol,
    contentLength: regular.contentLength,
  };
  if (protocol !== undefined) {
    // RFC 8441 §4: only with SETTINGS_ENABLE_CONNECT_PROTOCOL, only on CONNECT, with :scheme and :path.
    if (!connectProtocol) return ":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §4)";
    if (method !== "CONNECT") return ":protocol on a method other than CONNECT (RFC 8441 §4)";
    if (info.scheme === undefined || info.path === undefined || info.authority === undefined) {
      return "extended CONNECT without :scheme, :path or :authority (RFC 8441 §4)";
    }
  } else if (method === "CONNECT") {
    // §8.5: "The :scheme and :path pseudo-header fields MUST be omitted"; :authority is required.
    if (info.scheme !== undefined || info.path !== undefined) return "CONNECT with :scheme or :path (§8.5)";
    if (info.authority === undefined) return "CONNECT without :authority (§8.5)";
    return info;
  }
  // §8.3.1: "All HTTP/2 requests MUST include exactly one valid value for the :method, :scheme, and
  // :path pseudo-header fields, unless they are CONNECT requests"; :path is never empty for http(s).
  if (info.scheme === undefined || info.scheme === "") return "no :scheme (§8.3.1)";
  if (info.path === undefined || info.path === "") return "no :path, or an empty one (§8.3.1)";
  if (
    (info.scheme === "http" || info.scheme === "https") &&
    !info.path.startsWith("/") &&
    !(info.path === "*" && method === "OPTIONS")
  ) {
    return `:path ${info.path} is neither absolute nor "*" for OPTIONS (§8.3.1)`;
  }
  return info;
}

/** §8.3.2: exactly one 3-digit :status; 101 cannot be used in HTTP/2 (§8.6). */
export function checkResponse(fields: HeaderList): ResponseInfo | string {
  const read = pseudoHeaders(fields, RESPONSE_PSEUDO);
  if (typeof read === "string") return read;
  const regular = regularFields(fields, read.end);
  if (typeof regular === "string") return regular;
  const status = read.pseudo.get(":status");
  if (status === undefined || !/^[1-9][0-9]{2}$/.test(status)) return `no valid :status (§8.3.2)`;
  if (status === "101") return "101 Switching Protocols in HTTP/2 (§8.6)";
  return { status: Number(status), contentLength: regular.contentLength };
}

/** §8.1: a trailer section carries no pseudo-headers. */
export function checkTrailers(fields: HeaderList): string | undefined {
  if (fields.length > 0 && fields[0]![0].charCodeAt(0) === 0x3a) return "a pseudo-header in trailers (§8.1)";
  const regular = regularFields(fields, 0);
  return typeof regular === "string" ? regular : undefined;
}

/** §4.3.1 / §6.5.2: the size a field section counts against SETTINGS_MAX_HEADER_LIST_SIZE. */
export function headerListSize(fields: HeaderList): number {
  let size = 0;
  for (const [name, value] of fields) size += name.length + value.length + 32;
  return size;
}

/** For our own sends: a reason when a field we would send breaks §8.2 (names lowercase, no §8.2.2 fields). */
export function checkOutgoing(fields: HeaderList): string | undefined {
  let regular = false;
  for (const [name, value] of fields) {
    if (typeof name !== "string" || typeof value !== "string")
      return "field names and values must be strings";
    const pseudo = name.charCodeAt(0) === 0x3a;
    if (pseudo && regular) return `the pseudo-header ${name} after a regular field`;
    if (!pseudo) regular = true;
    const problem = fieldProblem(name, value, pseudo);
    if (problem) return problem;
    if (CONNECTION_SPECIFIC.has(name)) return `the connection-specific field ${name}`;
  }
  return undefined;
}
