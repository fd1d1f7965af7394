/** The WebSocket panel (its parts are in ./websocket/). */
export { websocketPanel } from "./websocket/panel";
