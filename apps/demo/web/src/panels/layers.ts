/** The Layers panel: the code lives in ./layers/. */
export { layersPanel } from "./layers/panel";
