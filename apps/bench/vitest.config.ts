import { protoProject } from "../../vitest.shared";

export default protoProject("bench");
