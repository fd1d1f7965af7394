import { describe, expect, it } from "vitest";
import { HandshakeError } from "./index";

describe("HandshakeError", () => {
  it("carries a stable code and the HTTP status, also as wireCode", () => {
    const err = new HandshakeError("HS_BAD_KEY", "bad", { status: 400 });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("HandshakeError");
    expect([err.code, err.status, err.wireCode]).toEqual(["HS_BAD_KEY", 400, 400]);
  });
});
