import { protoBuild } from "../../tsup.shared.ts";

export default protoBuild();
