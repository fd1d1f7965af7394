/** WebSocket (RFC 6455): the opening handshake and a masked text frame, read back by a server decoder. */
import { encodeFrame as encodeWs, Opcode, opcodeName, FrameDecoder as WsDecoder } from "@proto/ws-frame";
import { acceptHandshake, createClientHandshake, parseRequestHead } from "@proto/ws-handshake";
import { type AppBuild, bit, hexOf, type Part, quoted, type Row } from "./app-common";

function wsParts(frame: Uint8Array): { parts: Part[]; fields: Row[] } {
  const b0 = frame[0]!;
  const b1 = frame[1]!;
  const len7 = b1 & 0x7f;
  const headerEnd = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0);
  const masked = (b1 & 0x80) !== 0;
  const keyEnd = headerEnd + (masked ? 4 : 0);
  // The server's decoder unmasks the payload: proof that the bytes carry the message.
  const [decoded] = new WsDecoder({ role: "server" }).push(frame);
  const parts: Part[] = [
    { key: "wsHeader", start: 0, end: headerEnd, header: true },
    ...(masked ? [{ key: "wsMaskKey" as const, start: headerEnd, end: keyEnd, header: true }] : []),
    { key: "wsPayload", start: keyEnd, end: frame.length, header: false },
  ];
  const fields: Row[] = [
    { key: "wsFin", value: bit(b0, 0x80) },
    { key: "wsRsv", value: `${bit(b0, 0x40)}${bit(b0, 0x20)}${bit(b0, 0x10)}` },
    { key: "wsOpcode", value: `0x${(b0 & 0x0f).toString(16)} ${opcodeName(b0 & 0x0f)}` },
    { key: "wsMask", value: masked ? "1" : "0" },
    { key: "wsLength", value: String(decoded?.payload.length ?? frame.length - keyEnd) },
    { key: "wsMaskingKey", value: hexOf(frame.subarray(headerEnd, keyEnd)) },
    { key: "wsUnmasked", value: quoted(decoded?.payload ?? new Uint8Array(0)) },
  ];
  return { parts, fields };
}

function randomKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(4));
}

export function buildWebSocket(message: Uint8Array): AppBuild {
  const handshake = createClientHandshake({ url: "ws://lab.example/chat", origin: "http://lab.example" });
  const head = parseRequestHead(handshake.request);
  if (!head) throw new Error("the WebSocket handshake request did not parse");
  const accepted = acceptHandshake(head.head);
  // RFC 6455 §5.3: a client masks every frame with a fresh, unpredictable 4-byte key.
  const payload = encodeWs({ opcode: Opcode.TEXT, payload: message }, { maskKey: randomKey() });
  const close = Uint8Array.of(0x03, 0xe8); // 1000, normal closure
  const { parts, fields } = wsParts(payload);
  return {
    payload,
    parts,
    fields,
    conversation: [
      { from: "client", data: handshake.request, key: "msgWsUpgrade" },
      { from: "server", data: accepted.response, key: "msgWs101" },
      { from: "client", data: payload, key: "msgWsText" },
      { from: "server", data: encodeWs({ opcode: Opcode.TEXT, payload: message }), key: "msgWsEcho" },
      {
        from: "client",
        data: encodeWs({ opcode: Opcode.CLOSE, payload: close }, { maskKey: randomKey() }),
        key: "msgWsClose",
      },
      { from: "server", data: encodeWs({ opcode: Opcode.CLOSE, payload: close }), key: "msgWsCloseReply" },
    ],
  };
}
