import { describe, expect, it } from "vitest";
import { WsFrameError } from "./index";

describe("WsFrameError", () => {
  it("carries a stable code and an optional wire code", () => {
    const err = new WsFrameError("WS_INVALID_ARGUMENT", "bad", { wireCode: 1 });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("WsFrameError");
    expect(err.code).toBe("WS_INVALID_ARGUMENT");
    expect(err.wireCode).toBe(1);
  });
});
