import { describe, expect, it } from "vitest";
import { NodeError } from "./index";

describe("NodeError", () => {
  it("carries a stable code and an optional wire code", () => {
    const err = new NodeError("NODE_INVALID_ARGUMENT", "bad", { wireCode: 1 });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("NodeError");
    expect(err.code).toBe("NODE_INVALID_ARGUMENT");
    expect(err.wireCode).toBe(1);
  });
});
