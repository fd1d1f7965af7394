import { protoBuild } from "../../tsup.shared.ts";

// index.node.ts is what Node resolves (the "node" export condition): the same API with node:zlib.
export default protoBuild({ entry: ["src/index.ts", "src/index.node.ts"], external: ["node:zlib"] });
