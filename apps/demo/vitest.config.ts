import { protoProject } from "../../vitest.shared.ts";

export default protoProject("demo", { testTimeout: 30_000 });
