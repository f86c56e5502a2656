/**
 * Time inside the analyzer: every frame time is converted once to nanoseconds since the first
 * frame of the capture (a double). Differences of such values are exact while the capture spans
 * less than 2^53 ns (about 104 days); beyond that they round to a few nanoseconds.
 */

/**
 * Wireshark 4.0 compares some time differences as unsigned 64-bit numbers (`guint64 t`), so a
 * negative difference (timestamps going backwards) becomes huge rather than small. This is `a < b`
 * with both signed nanosecond values read as two's-complement unsigned 64-bit integers.
 */
export function lessAsUnsigned64(a: number, b: number): boolean {
  const aNeg = a < 0;
  const bNeg = b < 0;
  if (aNeg !== bNeg) return !aNeg; // the non-negative one is the smaller unsigned number
  return a < b;
}

export const NS_PER_MS = 1_000_000;
