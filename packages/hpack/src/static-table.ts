/** The static table, RFC 7541 Appendix A: index 1 is STATIC_TABLE[0]. */
export const STATIC_TABLE: ReadonlyArray<readonly [string, string]> = Object.freeze(
  (
    [
      [":authority", ""],
      [":method", "GET"],
      [":method", "POST"],
      [":path", "/"],
      [":path", "/index.html"],
      [":scheme", "http"],
      [":scheme", "https"],
      [":status", "200"],
      [":status", "204"],
      [":status", "206"],
      [":status", "304"],
      [":status", "400"],
      [":status", "404"],
      [":status", "500"],
      ["accept-charset", ""],
      ["accept-encoding", "gzip, deflate"],
      ["accept-language", ""],
      ["accept-ranges", ""],
      ["accept", ""],
      ["access-control-allow-origin", ""],
      ["age", ""],
      ["allow", ""],
      ["authorization", ""],
      ["cache-control", ""],
      ["content-disposition", ""],
      ["content-encoding", ""],
      ["content-language", ""],
      ["content-length", ""],
      ["content-location", ""],
      ["content-range", ""],
      ["content-type", ""],
      ["cookie", ""],
      ["date", ""],
      ["etag", ""],
      ["expect", ""],
      ["expires", ""],
      ["from", ""],
      ["host", ""],
      ["if-match", ""],
      ["if-modified-since", ""],
      ["if-none-match", ""],
      ["if-range", ""],
      ["if-unmodified-since", ""],
      ["last-modified", ""],
      ["link", ""],
      ["location", ""],
      ["max-forwards", ""],
      ["proxy-authenticate", ""],
      ["proxy-authorization", ""],
      ["range", ""],
      ["referer", ""],
      ["refresh", ""],
      ["retry-after", ""],
      ["server", ""],
      ["set-cookie", ""],
      ["strict-transport-security", ""],
      ["transfer-encoding", ""],
      ["user-agent", ""],
      ["vary", ""],
      ["via", ""],
      ["www-authenticate", ""],
    ] as Array<[string, string]>
  ).map((entry) => Object.freeze(entry) as readonly [string, string]),
);

export const STATIC_TABLE_LENGTH = 61;

/** name → (value → lowest static index) for exact matches, and name → lowest static index. */
export const STATIC_PAIRS: ReadonlyMap<string, ReadonlyMap<string, number>> = (() => {
  const pairs = new Map<string, Map<string, number>>();
  STATIC_TABLE.forEach(([n, v], i) => {
    let values = pairs.get(n);
    if (values === undefined) {
      values = new Map();
      pairs.set(n, values);
    }
    if (!values.has(v)) values.set(v, i + 1);
  });
  return pairs;
})();
export const STATIC_NAMES: ReadonlyMap<string, number> = new Map(
  [...STATIC_TABLE.entries()].reverse().map(([i, [n]]) => [n, i + 1]),
);
