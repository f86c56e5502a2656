/**
 * 32-bit sequence-number arithmetic with wrap-around (RFC 9293 §3.4; Wireshark's LT_SEQ/GT_SEQ).
 * Sequence numbers are carried as non-negative JS numbers in [0, 2^32). Every comparison between
 * two sequence numbers in tcp/ goes through these helpers.
 */

/** Signed distance b - a, in (-2^31, 2^31]. */
export function seqDiff(a: number, b: number): number {
  return (b - a) | 0;
}
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}
export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}
export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}
/** (a + n) mod 2^32. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
/** (a - b) mod 2^32 as an unsigned number, e.g. a relative sequence number. */
export function seqSub(a: number, b: number): number {
  return (a - b) >>> 0;
}
