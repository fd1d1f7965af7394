/**
 * @proto/osi: Internet checksum (RFC 1071) throughput, with memory scanning as the physical yardstick.
 * `Buffer.compare` of two equal buffers is a native memcmp over N bytes of each: no JavaScript checksum
 * can read memory faster than that, so the ratio says how close to the memory bus the checksum runs.
 */
import { internetChecksum } from "@proto/osi";
import type { Comparison } from "../harness";
import { randomBytes } from "../random";

/** The RFC 1071 §4.1 reference loop, to check the fast path computes the same sum before timing it. */
function referenceChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export function osiSuite(): Comparison[] {
  return [
    { size: 1500, label: "1500 B (one MTU)" },
    { size: 64 * 1024, label: "64 KiB" },
    { size: 1 << 20, label: "1 MiB" },
  ].map(({ size, label }) => {
    const data = randomBytes(size, size);
    const a = Buffer.from(data);
    const b = Buffer.from(data);
    return {
      title: `Internet checksum, ${label}`,
      bytesPerOp: size,
      subject: { name: "@proto/osi internetChecksum", fn: () => internetChecksum(data) },
      peer: { name: "Buffer.compare (memcmp scan)", fn: () => Buffer.compare(a, b) },
      verify: () => {
        const got = internetChecksum(data);
        const want = referenceChecksum(data);
        if (got !== want) throw new Error(`internetChecksum ${got} != reference ${want} for ${label}`);
      },
    };
  });
}
