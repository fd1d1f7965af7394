import { describe, expect, it } from "vitest";
import { WsDeflateError } from "./index";

describe("WsDeflateError", () => {
  it("carries a stable code and an optional wire code", () => {
    const err = new WsDeflateError("WS_DEFLATE_INVALID_ARGUMENT", "bad", { wireCode: 1 });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("WsDeflateError");
    expect(err.code).toBe("WS_DEFLATE_INVALID_ARGUMENT");
    expect(err.wireCode).toBe(1);
  });
});
