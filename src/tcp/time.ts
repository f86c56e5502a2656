/**
 * Time inside the analyzer: a frame time is converted to nanoseconds since the first whole second
 * of the frame's conversation (a double); only times of the same conversation are ever compared.
 * Differences are exact while a conversation spans less than 2^53 ns (about 104 days).
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
