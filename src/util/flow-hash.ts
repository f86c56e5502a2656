/**
 * flowBucketV1: which of N shards a TCP flow belongs to, from its canonical 4-tuple. Both directions
 * of a connection, and every connection ever seen on the same addresses and ports, land in the same
 * bucket, so a shard sees all packets that can influence each other's analysis.
 *
 * Version 1, frozen: the value depends only on the tuple and N (never on the run, the platform or
 * the order packets arrive in), so results that record a bucket stay comparable. A different mix is
 * a new function (flowBucketV2), never a change to this one.
 *
 * Algorithm (all arithmetic on unsigned 32-bit words, multiplication modulo 2^32):
 *  1. Each endpoint is (address as big-endian 32-bit words: 1 for IPv4, 4 for IPv6; port).
 *     The canonical order puts first the endpoint whose address words compare lower (word by word,
 *     unsigned), ties broken by the lower port.
 *  2. h = 0x811c9dc5 ^ ipVersion; then for each word w of: first address, second address,
 *     (firstPort << 16 | secondPort): h = rotl(h ^ w, 13) * 0x5bd1e995 + 0x27d4eb2f.
 *  3. Finish: h ^= h >>> 16; h *= 0x85ebca6b; h ^= h >>> 13; h *= 0xc2b2ae35; h ^= h >>> 16.
 *  4. bucket = h mod N.
 */

function word(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

function step(h: number, w: number): number {
  const x = h ^ w;
  return (Math.imul((x << 13) | (x >>> 19), 0x5bd1e995) + 0x27d4eb2f) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * flowHashV1 of an IPv4 tuple given as address words (big-endian, as int32: the bits are what count)
 * and ports — as an int32 (`>>> 0` gives flowHashV1). Kept in small integers for hot loops.
 */
export function flowHash4(a: number, b: number, sport: number, dport: number): number {
  let h = 0x811c9dc5 ^ 4;
  // unsigned order of the address words: compare with the sign bit flipped
  const ua = a ^ 0x80000000;
  const ub = b ^ 0x80000000;
  if (ua !== ub ? ua < ub : sport <= dport) {
    h = step(step(step(h, a), b), (sport << 16) | dport);
  } else {
    h = step(step(step(h, b), a), (dport << 16) | sport);
  }
  return finish(h);
}

/**
 * The 32-bit flow hash (unsigned) of a packet's tuple; addresses are read from `d` at `srcOff` and
 * `dstOff` (4 bytes each for IPv4, 16 for IPv6).
 */
export function flowHashV1(
  d: Uint8Array,
  ipVersion: number,
  srcOff: number,
  dstOff: number,
  sport: number,
  dport: number,
): number {
  if (ipVersion !== 6) return flowHash4(word(d, srcOff) | 0, word(d, dstOff) | 0, sport, dport) >>> 0;
  // canonical order
  let cmp = 0;
  for (let i = 0; i < 4 && cmp === 0; i++) {
    const a = word(d, srcOff + 4 * i);
    const b = word(d, dstOff + 4 * i);
    if (a !== b) cmp = a < b ? -1 : 1;
  }
  if (cmp === 0) cmp = sport <= dport ? -1 : 1;
  const lo = cmp < 0 ? srcOff : dstOff;
  const hi = cmp < 0 ? dstOff : srcOff;
  const ports = cmp < 0 ? ((sport << 16) | dport) >>> 0 : ((dport << 16) | sport) >>> 0;
  let h = (0x811c9dc5 ^ ipVersion) | 0;
  for (let i = 0; i < 4; i++) h = step(h, word(d, lo + 4 * i));
  for (let i = 0; i < 4; i++) h = step(h, word(d, hi + 4 * i));
  h = step(h, ports);
  return finish(h) >>> 0;
}

/** Bucket 0..buckets−1 of a packet's flow (see the file comment; buckets >= 1). */
export function flowBucketV1(
  d: Uint8Array,
  ipVersion: number,
  srcOff: number,
  dstOff: number,
  sport: number,
  dport: number,
  buckets: number,
): number {
  if (buckets <= 1) return 0;
  return flowHashV1(d, ipVersion, srcOff, dstOff, sport, dport) % buckets;
}
