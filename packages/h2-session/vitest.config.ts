import { protoProject } from "../../vitest.shared.ts";

export default protoProject("h2-session");
