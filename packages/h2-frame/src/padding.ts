/**
 * Padding of DATA, HEADERS and PUSH_PROMISE (RFC 9113 §6.1, §6.2, §6.6): with PADDED set, the payload
 * starts with an 8-bit Pad Length and ends with that many zero octets.
 */
import { connectionError } from "./errors";
import { Flags } from "./registries";

/**
 * The payload's body without padding, and the pad length (undefined without PADDED).
 * §6.1: "If the length of the padding is the length of the frame payload or greater, the recipient MUST
 * treat this as a connection error of type PROTOCOL_ERROR."
 */
export function unpad(
  flags: number,
  payload: Uint8Array,
): { body: Uint8Array; padLength: number | undefined } {
  if ((flags & Flags.PADDED) === 0) return { body: payload, padLength: undefined };
  if (payload.length === 0) throw connectionError("H2_PADDING", "a PADDED frame with no Pad Length octet");
  const padLength = payload[0]!;
  if (padLength >= payload.length) {
    throw connectionError(
      "H2_PADDING",
      `padding of ${padLength} is not less than the payload of ${payload.length}`,
    );
  }
  return { body: payload.subarray(1, payload.length - padLength), padLength };
}
