/** The HTTP/1.1 vs 2 vs 3 panel: see compare/panel.ts. */
export { comparePanel } from "./compare/panel";
