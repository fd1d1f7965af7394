import { describe, expect, it } from "vitest";
import { ErrorCode, Http2Error } from "./index";

describe("Http2Error", () => {
  it("carries a stable code, the error code to send and the stream (0: connection error)", () => {
    const err = new Http2Error("H2_PING_LENGTH", "bad", { errorCode: ErrorCode.FRAME_SIZE_ERROR });
    expect([err.name, err.code, err.errorCode, err.streamId, err.isConnectionError, err.wireCode]).toEqual([
      "Http2Error",
      "H2_PING_LENGTH",
      6,
      0,
      true,
      6,
    ]);
    expect(new Http2Error("H2_PRIORITY_LENGTH", "x", { errorCode: 6, streamId: 3 }).isConnectionError).toBe(
      false,
    );
  });
});
