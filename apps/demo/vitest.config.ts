import { protoProject } from "../../vitest.shared";

export default protoProject("demo", { testTimeout: 30_000 });
