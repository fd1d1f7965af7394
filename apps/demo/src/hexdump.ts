/** A hex dump where every byte is marked with the layer whose header (or payload) it belongs to. */
import type { LayerMap, LayerMapEntry } from "@proto/osi";

const COLORS: Record<string, string> = {
  ethernet: "\x1b[35m",
  ipv4: "\x1b[34m",
  ipv6: "\x1b[34m",
  tcp: "\x1b[33m",
  udp: "\x1b[33m",
  application: "\x1b[32m",
};
const RESET = "\x1b[0m";
const MARK: Record<string, string> = {
  ethernet: "E",
  ipv4: "I",
  ipv6: "I",
  tcp: "T",
  udp: "U",
  application: "A",
};

/** The layer a byte belongs to: the innermost layer whose header covers it, else the application data. */
export function layerAt(map: LayerMap, index: number): LayerMapEntry | undefined {
  for (const layer of map.layers) {
    const headerEnd =
      layer.layer === "application" ? layer.offset + layer.length : layer.offset + layer.headerLength;
    if (index >= layer.offset && index < headerEnd) return layer;
  }
  return undefined; // link-layer trailer/padding
}

/**
 * 16 bytes a line: offset, hex (coloured by layer when `color`), and under each line a marker row with one
 * letter per byte (E Ethernet, I IP, T TCP, U UDP, A application data, . trailer) so the layers stay visible
 * without colour too.
 */
export function hexdumpLayers(map: LayerMap, options: { color?: boolean } = {}): string {
  const lines: string[] = [];
  const { bytes } = map;
  for (let row = 0; row < bytes.length; row += 16) {
    const hex: string[] = [];
    const marks: string[] = [];
    let ascii = "";
    for (let i = row; i < Math.min(row + 16, bytes.length); i++) {
      const layer = layerAt(map, i);
      const kind = layer?.layer ?? "";
      const h = bytes[i]!.toString(16).padStart(2, "0");
      hex.push(options.color && kind ? `${COLORS[kind]}${h}${RESET}` : h);
      marks.push(`${MARK[kind] ?? "."} `);
      const c = bytes[i]!;
      ascii += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
    }
    const pad = "   ".repeat(16 - hex.length);
    lines.push(`${row.toString(16).padStart(4, "0")}  ${hex.join(" ")}${pad}  ${ascii}`);
    lines.push(`      ${marks.join(" ").trimEnd()}`);
  }
  return lines.join("\n");
}
