/** Small numeric helpers of the correlation: hashing, medians, densest windows. */

/** Mixes up to 8 32-bit values into an unsigned 32-bit hash (no allocation). */
export function hash8(a: number, b: number, c: number, d: number, e = 0, f = 0, g = 0, h = 0): number {
  let x = Math.imul(a ^ 0x5bd1e995, 0x9e3779b1);
  x = Math.imul(x ^ (x >>> 15) ^ b, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ c, 0xc2b2ae35);
  x = Math.imul(x ^ (x >>> 16) ^ d, 0x27d4eb2d);
  x = Math.imul(x ^ (x >>> 15) ^ e, 0x165667b1);
  x = Math.imul(x ^ (x >>> 13) ^ f, 0x9e3779b1);
  x = Math.imul(x ^ (x >>> 16) ^ g, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 15) ^ h, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Quantile (0..1) of a sorted array by nearest rank; NaN when empty. */
export function quantileSorted(a: Float64Array | number[], q: number): number {
  const n = a.length;
  if (n === 0) return Number.NaN;
  const k = Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))));
  return a[k]!;
}

/** Median of the first n values of a (sorted copy). */
export function median(a: Float64Array, n = a.length): number {
  if (n === 0) return Number.NaN;
  const s = a.slice(0, n).sort();
  return n % 2 ? s[(n - 1) >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/**
 * The window of width w holding the most values: returns [count, median of the values in it].
 * Values need not be sorted (a sorted copy is made).
 */
export function densestWindow(values: Float64Array, n: number, w: number): [number, number] {
  if (n === 0) return [0, Number.NaN];
  const s = values.slice(0, n).sort();
  let best = 0;
  let bestLo = 0;
  let lo = 0;
  for (let hi = 0; hi < n; hi++) {
    while (s[hi]! - s[lo]! > w) lo++;
    if (hi - lo + 1 > best) {
      best = hi - lo + 1;
      bestLo = lo;
    }
  }
  const mid = bestLo + ((best - 1) >> 1);
  const med = best % 2 ? s[mid]! : (s[mid]! + s[mid + 1]!) / 2;
  return [best, med];
}

/** A growable Int32 list. */
export class IntList {
  a: Int32Array;
  n = 0;
  constructor(cap = 1024) {
    this.a = new Int32Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** A growable Float64 list. */
export class FloatList {
  a: Float64Array;
  n = 0;
  constructor(cap = 1024) {
    this.a = new Float64Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** Sampled values: keeps every value until `cap`, then every k-th (k doubling), for medians of huge sets. */
export class Sampler {
  private list: FloatList;
  private stride = 1;
  private seen = 0;
  constructor(private readonly cap = 1 << 17) {
    this.list = new FloatList(1024);
  }
  add(v: number): void {
    if (this.seen++ % this.stride !== 0) return;
    this.list.push(v);
    if (this.list.n >= this.cap) {
      // keep every other value, double the stride
      const a = this.list.a;
      let j = 0;
      for (let i = 0; i < this.list.n; i += 2) a[j++] = a[i]!;
      this.list.n = j;
      this.stride *= 2;
    }
  }
  get count(): number {
    return this.seen;
  }
  sorted(): Float64Array {
    return this.list.a.slice(0, this.list.n).sort();
  }
}
