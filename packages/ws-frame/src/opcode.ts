/**
 * RFC 6455 §5.2 / §11.8 "WebSocket Opcode Registry".
 *
 *   %x0 continuation, %x1 text, %x2 binary, %x3-7 reserved (non-control),
 *   %x8 close, %x9 ping, %xA pong, %xB-F reserved (control)
 */
export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

export type Opcode = (typeof Opcode)[keyof typeof Opcode];

const NAMES = new Map<number, string>(Object.entries(Opcode).map(([name, value]) => [value, name]));

/** "TEXT", "PING", ... or "UNKNOWN_0x3" for a reserved opcode. */
export function opcodeName(opcode: number): string {
  return NAMES.get(opcode) ?? `UNKNOWN_0x${opcode.toString(16)}`;
}

/** §5.5: control frames are identified by opcodes where the most significant bit of the opcode is 1. */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** Whether `opcode` is one RFC 6455 defines (not reserved). */
export function isKnownOpcode(opcode: number): opcode is Opcode {
  return NAMES.has(opcode);
}
