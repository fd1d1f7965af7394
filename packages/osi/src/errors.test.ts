import { describe, expect, it } from "vitest";
import { OsiError } from "./index";

describe("OsiError", () => {
  it("carries a stable code and an optional wire code", () => {
    const err = new OsiError("OSI_INVALID_FIELD", "bad", { wireCode: 1 });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("OsiError");
    expect(err.code).toBe("OSI_INVALID_FIELD");
    expect(err.wireCode).toBe(1);
  });
});
