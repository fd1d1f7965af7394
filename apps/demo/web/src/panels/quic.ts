/** The QUIC panel: the code lives in ./quic/. */
export { quicPanel } from "./quic/panel";
