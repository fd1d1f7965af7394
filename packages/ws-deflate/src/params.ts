/**
 * permessage-deflate extension parameters (RFC 7692 §7.1): parsing offers and responses, the server's
 * choice among offers, and the client's check of the response. Parameters arrive from @proto/ws-handshake
 * as `[name, value | true]` pairs, in order; nothing here keys an object by a name the peer chose.
 */

/**
 * Extension parameters as @proto/ws-handshake passes them: `[name, value]` in order, `true` for a
 * valueless one (the same type as its ExtensionParams; declared here so this package needs only ws-frame).
 */
export type ExtensionParams = Array<[string, string | true]>;

/** The parameters both ends agreed on: what each side's compressor may do (§7.1). */
export interface DeflateParams {
  /** §7.1.1.1: the server resets its LZ77 window for every message. */
  serverNoContextTakeover: boolean;
  /** §7.1.1.2: the client resets its LZ77 window for every message. */
  clientNoContextTakeover: boolean;
  /** §7.1.2.1: the largest LZ77 window (log2, 8-15) the server's compressor uses. */
  serverMaxWindowBits: number;
  /** §7.1.2.2: the largest LZ77 window (log2, 8-15) the client's compressor uses. */
  clientMaxWindowBits: number;
}

/** What one side asks for (options of `permessageDeflate()` on either side). */
export interface DeflateNegotiation {
  /** Ask (client) or require (server) that the server not take over context. Default false. */
  serverNoContextTakeover?: boolean;
  /** Ask (server) or promise (client) that the client not take over context. Default false. */
  clientNoContextTakeover?: boolean;
  /** The largest server window (9-15) to ask for (client) or to use (server). Default 15. */
  serverMaxWindowBits?: number;
  /**
   * Client: offer `client_max_window_bits` (true, the default: valueless) or offer it with a value
   * (9-15), or not at all (false). Server: the largest client window to ask for, when offered (9-15).
   */
  clientMaxWindowBits?: number | boolean;
}

export const NO_CONTEXT_TAKEOVER_DEFAULT = false;
/** Window sizes are log2 of bytes: 8 (256 B) to 15 (32 KiB) (§7.1.2). */
export const MIN_WINDOW_BITS = 8;
export const MAX_WINDOW_BITS = 15;
/**
 * zlib's raw deflate cannot compress with an 8-bit window (it silently uses 9), so an 8-bit window for
 * our own compressor cannot be honoured and is declined.
 */
export const MIN_COMPRESS_WINDOW_BITS = 9;

const SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
const CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
const SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
const CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

/** A parsed offer (§7.1): `clientMaxWindowBits` is true when offered without a value. */
export interface DeflateOffer {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number | undefined;
  clientMaxWindowBits: number | true | undefined;
}

/** §7.1.2: "a decimal integer value without leading zeroes between 8 to 15, inclusive". */
export function parseWindowBits(value: string | true): number | undefined {
  if (value === true || !/^(8|9|1[0-5])$/.test(value)) return undefined;
  return Number(value);
}

type Rule = "valueless" | "window" | "optional-window";

/**
 * One pass over the pairs: every name must be known for this direction, appear once, and carry a valid
 * value. Returns the values by name, or the reason the parameters are refused.
 */
function readParams(
  params: ExtensionParams,
  rules: ReadonlyMap<string, Rule>,
): Map<string, number | true> | string {
  const seen = new Map<string, number | true>();
  for (const [name, value] of params) {
    const rule = rules.get(name);
    if (rule === undefined) return `unknown parameter ${name}`;
    if (seen.has(name)) return `duplicate parameter ${name}`;
    if (rule === "valueless") {
      if (value !== true) return `${name} takes no value`;
      seen.set(name, true);
    } else if (value === true) {
      if (rule === "window") return `${name} needs a value`;
      seen.set(name, true);
    } else {
      const bits = parseWindowBits(value);
      if (bits === undefined) return `${name}=${value} is not an integer 8-15 without leading zeroes`;
      seen.set(name, bits);
    }
  }
  return seen;
}

/** §7.1: an offer may carry both window parameters; client_max_window_bits may be valueless. */
const OFFER_RULES: ReadonlyMap<string, Rule> = new Map([
  [SERVER_NO_CONTEXT_TAKEOVER, "valueless"],
  [CLIENT_NO_CONTEXT_TAKEOVER, "valueless"],
  [SERVER_MAX_WINDOW_BITS, "window"],
  [CLIENT_MAX_WINDOW_BITS, "optional-window"],
]);

/** §7.1.2.2: in a response client_max_window_bits "MUST" have a value. */
const RESPONSE_RULES: ReadonlyMap<string, Rule> = new Map([
  [SERVER_NO_CONTEXT_TAKEOVER, "valueless"],
  [CLIENT_NO_CONTEXT_TAKEOVER, "valueless"],
  [SERVER_MAX_WINDOW_BITS, "window"],
  [CLIENT_MAX_WINDOW_BITS, "window"],
]);

/** Parses one offer; a string is the reason the server must decline it (§7.1: unknown, duplicate, invalid). */
export function parseOffer(params: ExtensionParams): DeflateOffer | string {
  const read = readParams(params, OFFER_RULES);
  if (typeof read === "string") return read;
  return {
    serverNoContextTakeover: read.has(SERVER_NO_CONTEXT_TAKEOVER),
    clientNoContextTakeover: read.has(CLIENT_NO_CONTEXT_TAKEOVER),
    serverMaxWindowBits: read.get(SERVER_MAX_WINDOW_BITS) as number | undefined,
    clientMaxWindowBits: read.get(CLIENT_MAX_WINDOW_BITS),
  };
}

/** Checks window-bit options: an integer 9-15 (8 cannot be honoured by raw deflate) or undefined. */
export function checkWindowOption(name: string, value: number | boolean | undefined): void {
  if (value === undefined || typeof value === "boolean") return;
  if (!Number.isInteger(value) || value < MIN_COMPRESS_WINDOW_BITS || value > MAX_WINDOW_BITS) {
    throw new RangeError(`${name} must be an integer 9-15, got ${String(value)}`);
  }
}

/**
 * Server (§7.1): the response to one offer, or the reason to decline it. The server declines an offer it
 * cannot honour: a server window under 9 bits (raw deflate cannot compress with 8).
 */
export function answerOffer(
  offer: DeflateOffer,
  options: DeflateNegotiation,
): { params: ExtensionParams; agreed: DeflateParams } | string {
  const response: ExtensionParams = [];
  // §7.1.1.1: accepting an offer with server_no_context_takeover, the server MUST include it.
  const serverNoContextTakeover = offer.serverNoContextTakeover || options.serverNoContextTakeover === true;
  if (serverNoContextTakeover) response.push([SERVER_NO_CONTEXT_TAKEOVER, true]);
  // §7.1.1.2: the server may ask the client not to take over context whether or not it was offered.
  const clientNoContextTakeover = options.clientNoContextTakeover === true;
  if (clientNoContextTakeover) response.push([CLIENT_NO_CONTEXT_TAKEOVER, true]);

  // §7.1.2.1: accept with the same or a smaller value; the server may announce a smaller window unasked.
  const wanted =
    typeof options.serverMaxWindowBits === "number" ? options.serverMaxWindowBits : MAX_WINDOW_BITS;
  const serverMaxWindowBits = Math.min(wanted, offer.serverMaxWindowBits ?? MAX_WINDOW_BITS);
  if (serverMaxWindowBits < MIN_COMPRESS_WINDOW_BITS) {
    return `server_max_window_bits=${serverMaxWindowBits} cannot be honoured by raw deflate`;
  }
  if (offer.serverMaxWindowBits !== undefined || serverMaxWindowBits < MAX_WINDOW_BITS) {
    response.push([SERVER_MAX_WINDOW_BITS, String(serverMaxWindowBits)]);
  }

  // §7.1.2.2: only if offered, with a value no larger than the offered one.
  let clientMaxWindowBits = MAX_WINDOW_BITS;
  if (offer.clientMaxWindowBits !== undefined) {
    const offered = offer.clientMaxWindowBits === true ? MAX_WINDOW_BITS : offer.clientMaxWindowBits;
    const asked = typeof options.clientMaxWindowBits === "number" ? options.clientMaxWindowBits : offered;
    clientMaxWindowBits = Math.min(asked, offered);
    if (typeof options.clientMaxWindowBits === "number" || offer.clientMaxWindowBits !== true) {
      response.push([CLIENT_MAX_WINDOW_BITS, String(clientMaxWindowBits)]);
    }
  }
  return {
    params: response,
    agreed: { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits },
  };
}

/** Server: the first offer (in the client's order) that parses and can be honoured, or undefined. */
export function chooseOffer(
  offers: readonly ExtensionParams[],
  options: DeflateNegotiation,
): { params: ExtensionParams; agreed: DeflateParams } | undefined {
  for (const params of offers) {
    const offer = parseOffer(params);
    if (typeof offer === "string") continue;
    const answer = answerOffer(offer, options);
    if (typeof answer !== "string") return answer;
  }
  return undefined;
}

/** Client: the one offer the options describe (§7.1). */
export function formatOffer(options: DeflateNegotiation): ExtensionParams {
  const offer: ExtensionParams = [];
  if (options.serverNoContextTakeover === true) offer.push([SERVER_NO_CONTEXT_TAKEOVER, true]);
  if (options.clientNoContextTakeover === true) offer.push([CLIENT_NO_CONTEXT_TAKEOVER, true]);
  if (typeof options.serverMaxWindowBits === "number") {
    offer.push([SERVER_MAX_WINDOW_BITS, String(options.serverMaxWindowBits)]);
  }
  const client = options.clientMaxWindowBits ?? true;
  if (client === true) offer.push([CLIENT_MAX_WINDOW_BITS, true]);
  else if (typeof client === "number") offer.push([CLIENT_MAX_WINDOW_BITS, String(client)]);
  return offer;
}

/**
 * Client (§7.1): the agreed parameters of the server's response to our offer, or the reason to fail the
 * connection: an unknown, duplicate or invalid parameter, server_no_context_takeover missing though we
 * asked for it, a server window larger than we offered, client_max_window_bits we did not offer or larger
 * than we offered, or a client window we cannot compress with (8 bits).
 */
export function acceptResponse(params: ExtensionParams, options: DeflateNegotiation): DeflateParams | string {
  const read = readParams(params, RESPONSE_RULES);
  if (typeof read === "string") return read;
  const serverNoContextTakeover = read.has(SERVER_NO_CONTEXT_TAKEOVER);
  if (options.serverNoContextTakeover === true && !serverNoContextTakeover) {
    return "the server accepted without server_no_context_takeover, which was offered (§7.1.1.1)";
  }
  const serverBits = read.get(SERVER_MAX_WINDOW_BITS) as number | undefined;
  const offeredServer =
    typeof options.serverMaxWindowBits === "number" ? options.serverMaxWindowBits : undefined;
  if (offeredServer !== undefined) {
    if (serverBits === undefined) {
      return "the server accepted without server_max_window_bits, which was offered (§7.1.2.1)";
    }
    if (serverBits > offeredServer)
      return `server_max_window_bits=${serverBits} exceeds the offered ${offeredServer}`;
  }
  const clientBits = read.get(CLIENT_MAX_WINDOW_BITS) as number | undefined;
  const offeredClient = options.clientMaxWindowBits ?? true;
  if (clientBits !== undefined) {
    if (offeredClient === false)
      return "client_max_window_bits in the response, though not offered (§7.1.2.2)";
    if (typeof offeredClient === "number" && clientBits > offeredClient) {
      return `client_max_window_bits=${clientBits} exceeds the offered ${offeredClient}`;
    }
    if (clientBits < MIN_COMPRESS_WINDOW_BITS) {
      return `client_max_window_bits=${clientBits} cannot be honoured by raw deflate`;
    }
  }
  return {
    serverNoContextTakeover,
    clientNoContextTakeover: read.has(CLIENT_NO_CONTEXT_TAKEOVER) || options.clientNoContextTakeover === true,
    serverMaxWindowBits: serverBits ?? MAX_WINDOW_BITS,
    clientMaxWindowBits: clientBits ?? (typeof offeredClient === "number" ? offeredClient : MAX_WINDOW_BITS),
  };
}
