import { protoProject } from "../../vitest.shared.ts";

export default protoProject("quic-sim");
