/** HTTP/2 (RFC 9113) with HPACK (RFC 7541): a HEADERS + DATA request and the exchange around it. */
import {
  CONNECTION_PREFACE,
  ErrorCode,
  encodeFrame as encodeH2,
  FrameType,
  frameTypeName,
  FrameDecoder as H2Decoder,
  readFrameHeader,
  SettingId,
} from "@proto/h2-frame";
import { HpackDecoder, HpackEncoder } from "@proto/hpack";
import { type AppBuild, concat, type Part, quoted, type Row } from "./app-common";

function h2Parts(bytes: Uint8Array): { parts: Part[]; fields: Row[] } {
  const parts: Part[] = [];
  for (let at = 0; at + 9 <= bytes.length; ) {
    const h = readFrameHeader(bytes, at);
    const type = frameTypeName(h.type);
    parts.push({ key: "h2FrameHeader", start: at, end: at + 9, header: true, args: { type } });
    const payloadKey = h.type === FrameType.HEADERS ? "h2Hpack" : "h2Data";
    if (h.length > 0) parts.push({ key: payloadKey, start: at + 9, end: at + 9 + h.length, header: false });
    at += 9 + h.length;
  }
  const fields: Row[] = [];
  const hpack = new HpackDecoder();
  for (const frame of new H2Decoder().push(bytes)) {
    const flags = `0x${frame.flags.toString(16).padStart(2, "0")}`;
    if (frame.type === FrameType.HEADERS && "headerBlock" in frame) {
      fields.push(
        { key: "h2Frame", value: "HEADERS (0x1)" },
        { key: "h2Flags", value: `${flags}${frame.endHeaders ? " END_HEADERS" : ""}` },
        { key: "h2Stream", value: String(frame.streamId) },
      );
      for (const [name, value] of hpack.decode(frame.headerBlock)) {
        fields.push({ key: "h2Field", value: `${name}: ${value}` });
      }
      fields.push({ key: "h2HpackSize", value: String(frame.headerBlock.length) });
    } else if (frame.type === FrameType.DATA && "data" in frame) {
      fields.push(
        { key: "h2Frame", value: "DATA (0x0)" },
        { key: "h2Flags", value: `${flags}${frame.endStream ? " END_STREAM" : ""}` },
        { key: "h2Stream", value: String(frame.streamId) },
      );
      fields.push({ key: "h2DataText", value: quoted(frame.data) });
    }
  }
  return { parts, fields };
}

export function buildHttp2(message: Uint8Array): AppBuild {
  const clientHpack = new HpackEncoder();
  const serverHpack = new HpackEncoder();
  const request = concat(
    encodeH2({
      type: FrameType.HEADERS,
      streamId: 1,
      endStream: false,
      endHeaders: true,
      headerBlock: clientHpack.encode([
        [":method", "POST"],
        [":scheme", "http"],
        [":authority", "lab.example"],
        [":path", "/echo"],
        ["content-type", "text/plain; charset=utf-8"],
        ["content-length", String(message.length)],
      ]),
    }),
    encodeH2({ type: FrameType.DATA, streamId: 1, endStream: true, data: message }),
  );
  const response = concat(
    encodeH2({
      type: FrameType.HEADERS,
      streamId: 1,
      endStream: false,
      endHeaders: true,
      headerBlock: serverHpack.encode([
        [":status", "200"],
        ["content-type", "text/plain; charset=utf-8"],
        ["content-length", String(message.length)],
      ]),
    }),
    encodeH2({ type: FrameType.DATA, streamId: 1, endStream: true, data: message }),
  );
  const settings = (list: Array<[number, number]>) =>
    encodeH2({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: list });
  const settingsAck = encodeH2({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
  const { parts, fields } = h2Parts(request);
  return {
    payload: request,
    parts,
    fields,
    conversation: [
      {
        from: "client",
        data: concat(CONNECTION_PREFACE, settings([[SettingId.ENABLE_PUSH, 0]])),
        key: "msgH2Preface",
      },
      {
        from: "server",
        data: concat(settings([[SettingId.MAX_CONCURRENT_STREAMS, 100]]), settingsAck),
        key: "msgH2Settings",
      },
      { from: "client", data: settingsAck, key: "msgH2SettingsAck" },
      { from: "client", data: request, key: "msgH2Request" },
      { from: "server", data: response, key: "msgH2Response" },
      {
        from: "client",
        data: encodeH2({
          type: FrameType.GOAWAY,
          streamId: 0,
          lastStreamId: 0,
          errorCode: ErrorCode.NO_ERROR,
          debugData: new Uint8Array(0),
        }),
        key: "msgH2Goaway",
      },
    ],
  };
}
