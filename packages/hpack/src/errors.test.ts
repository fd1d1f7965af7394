import { describe, expect, it } from "vitest";
import { COMPRESSION_ERROR, HpackError } from "./index";

describe("HpackError", () => {
  it("carries a stable code and COMPRESSION_ERROR for decoding errors", () => {
    const err = new HpackError("HPACK_INDEX_OUT_OF_RANGE", "bad");
    expect(err).toBeInstanceOf(Error);
    expect([err.name, err.code, err.errorCode, err.wireCode]).toEqual([
      "HpackError",
      "HPACK_INDEX_OUT_OF_RANGE",
      0x9,
      COMPRESSION_ERROR,
    ]);
    expect(new HpackError("HPACK_INVALID_ARGUMENT", "x").errorCode).toBeUndefined();
  });
});
