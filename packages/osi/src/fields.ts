/**
 * Range checks shared by every encoder: a value that does not fit its wire field is OSI_INVALID_FIELD,
 * never silently truncated.
 */
import { OsiError } from "./errors";

/** Largest value of an unsigned 32-bit field. */
export const UINT32_MAX = 0xffff_ffff;

/**
 * Checks that `value` is an integer in `0..max`, or throws OSI_INVALID_FIELD naming `field`.
 */
export function checkUint(value: unknown, max: number, field: string, layer: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw new OsiError(
      "OSI_INVALID_FIELD",
      `${field} must be an integer in 0..${max}, got ${String(value)}`,
      {
        layer,
      },
    );
  }
  return value;
}
