/** Helpers shared by this package's tests (not exported from the package, not in its build). */
import { expect } from "vitest";
import { OsiError } from "./errors";

/** "45 00 | 00 73" → bytes; whitespace and `|` separators are ignored. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(text.replace(/[\s|]/g, "").match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

/** Bytes → lowercase hex without separators. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Runs `fn`; returns "ok" or the OsiError code, and fails the test on any other exception. */
export function outcome(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (err) {
    if (err instanceof OsiError) return err.code;
    throw err;
  }
}

/** Runs `fn` and returns the OsiError it throws; fails when it throws nothing or anything else. */
export function thrown(fn: () => unknown): OsiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OsiError) return err;
    throw err;
  }
  throw new Error("expected an OsiError");
}

/** Asserts `fn` throws an OsiError with `code`. */
export function expectCode(fn: () => unknown, code: string): void {
  expect(thrown(fn).code).toBe(code);
}
