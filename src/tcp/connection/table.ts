/**
 * 4-tuple → connection lookup without allocation: an open-addressing table (linear probing,
 * backward-shift deletion) of Keyed objects. The packet's key is hashed straight from the address
 * bytes in the frame and confirmed field by field against the stored key words; both directions of
 * a connection map to the same canonical key (endpoint A = the smaller of (address, port)).
 */
import type { Keyed } from "./state.js";

/** Big-endian 32-bit word as a signed int32 (stays a small integer: no boxing). */
function word(d: Uint8Array, o: number): number {
  return (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
}

export class TupleTable {
  private slots: (Keyed | null)[];
  private mask: number;
  size = 0;

  // ---- the key of the last `key()` call ----
  kv = 0;
  kp = 0;
  ka0 = 0;
  ka1 = 0;
  ka2 = 0;
  ka3 = 0;
  kb0 = 0;
  kb1 = 0;
  kb2 = 0;
  kb3 = 0;
  hash = 0;
  /** The packet's source is endpoint A of the canonical key. */
  srcIsA = true;
  /** Slot of the last successful `find` (or where an insert would go). */
  slot = -1;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.slots = new Array<Keyed | null>(cap).fill(null);
    this.mask = cap - 1;
  }

  /** Computes the canonical key of a packet into this table's key fields. */
  key(d: Uint8Array, ipVersion: number, srcOff: number, dstOff: number, sport: number, dport: number): void {
    let s0 = word(d, srcOff);
    let t0 = word(d, dstOff);
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    if (ipVersion === 6) {
      s1 = word(d, srcOff + 4);
      s2 = word(d, srcOff + 8);
      s3 = word(d, srcOff + 12);
      t1 = word(d, dstOff + 4);
      t2 = word(d, dstOff + 8);
      t3 = word(d, dstOff + 12);
    }
    let cmp =
      s0 !== t0 ? s0 - t0 : s1 !== t1 ? s1 - t1 : s2 !== t2 ? s2 - t2 : s3 !== t3 ? s3 - t3 : sport - dport;
    if (cmp === 0) cmp = -1; // same address and port on both sides: src is A
    const srcIsA = cmp < 0;
    this.srcIsA = srcIsA;
    if (!srcIsA) {
      let x = s0;
      s0 = t0;
      t0 = x;
      x = s1;
      s1 = t1;
      t1 = x;
      x = s2;
      s2 = t2;
      t2 = x;
      x = s3;
      s3 = t3;
      t3 = x;
    }
    const kp = srcIsA ? (sport << 16) | dport : (dport << 16) | sport;
    this.kv = ipVersion;
    this.kp = kp;
    this.ka0 = s0;
    this.ka1 = s1;
    this.ka2 = s2;
    this.ka3 = s3;
    this.kb0 = t0;
    this.kb1 = t1;
    this.kb2 = t2;
    this.kb3 = t3;
    let h = Math.imul(ipVersion ^ 0x9e3779b9, 0x85ebca6b) ^ kp;
    h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
    h = Math.imul(h ^ s0, 0x27d4eb2d);
    h ^= h >>> 13;
    h = Math.imul(h ^ t0, 0x165667b1);
    h ^= h >>> 16;
    if (ipVersion === 6) {
      h = Math.imul(h ^ s1, 0x27d4eb2d) ^ t1;
      h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ s2;
      h = Math.imul(h ^ t2, 0xc2b2ae35) ^ s3;
      h = Math.imul(h ^ t3, 0x27d4eb2d);
      h ^= h >>> 16;
    }
    this.hash = h | 0;
  }

  /** Copies the current key into `e`. */
  storeKey(e: Keyed): void {
    e.hash = this.hash;
    e.kv = this.kv;
    e.kp = this.kp;
    e.ka0 = this.ka0;
    e.ka1 = this.ka1;
    e.ka2 = this.ka2;
    e.ka3 = this.ka3;
    e.kb0 = this.kb0;
    e.kb1 = this.kb1;
    e.kb2 = this.kb2;
    e.kb3 = this.kb3;
  }

  private matches(e: Keyed): boolean {
    return (
      e.hash === this.hash &&
      e.kp === this.kp &&
      e.ka0 === this.ka0 &&
      e.kb0 === this.kb0 &&
      e.kv === this.kv &&
      e.ka1 === this.ka1 &&
      e.kb1 === this.kb1 &&
      e.ka2 === this.ka2 &&
      e.kb2 === this.kb2 &&
      e.ka3 === this.ka3 &&
      e.kb3 === this.kb3
    );
  }

  /** Entry with the current key, or null (then `slot` is where to insert). */
  find(): Keyed | null {
    const slots = this.slots;
    const mask = this.mask;
    let i = this.hash & mask;
    for (;;) {
      const e = slots[i]!;
      if (e === null) {
        this.slot = i;
        return null;
      }
      if (this.matches(e)) {
        this.slot = i;
        return e;
      }
      i = (i + 1) & mask;
    }
  }

  /** Replaces the entry found by the last `find` (same key). */
  replace(e: Keyed): void {
    this.slots[this.slot] = e;
  }

  /** Inserts `e` (its key stored, not present) at the slot the last failed `find` chose. */
  insertAtSlot(e: Keyed): void {
    this.slots[this.slot] = e;
    this.size++;
    if (this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2);
  }

  /** Puts `e` (same key) where `old` is; true if `old` was found. Leaves the current key untouched. */
  replaceByIdentity(old: Keyed, e: Keyed): boolean {
    const slots = this.slots;
    const mask = this.mask;
    let i = old.hash & mask;
    for (;;) {
      const x = slots[i]!;
      if (x === null) return false;
      if (x === old) {
        slots[i] = e;
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  /** Removes `e` (found by identity along its probe chain). */
  remove(e: Keyed): boolean {
    const slots = this.slots;
    const mask = this.mask;
    let i = e.hash & mask;
    for (;;) {
      const x = slots[i]!;
      if (x === null) return false;
      if (x === e) break;
      i = (i + 1) & mask;
    }
    // backward-shift deletion
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const x = slots[j]!;
      if (x === null) break;
      const home = x.hash & mask;
      // x may move to i if its home is not cyclically in (i, j]
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        slots[i] = x;
        i = j;
      }
    }
    slots[i] = null;
    this.size--;
    return true;
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.slots = new Array<Keyed | null>(cap).fill(null);
    this.mask = cap - 1;
    for (const e of old) {
      if (e === null) continue;
      let i = e.hash & this.mask;
      while (this.slots[i] !== null) i = (i + 1) & this.mask;
      this.slots[i] = e;
    }
  }
}
