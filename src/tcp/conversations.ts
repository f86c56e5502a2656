/**
 * Conversation lookup and tcp.stream assignment, as Wireshark 4.0 does it.
 *
 * A conversation is keyed by the unordered pair of (address, port) endpoints. Lookup returns the
 * most recently created conversation for the key; a new one is created on first sight of the key,
 * and the port-reuse rule (rules/port-reuse.ts) may start a further one on the same key. Every new
 * conversation takes the next tcp.stream number. There is no time-based split and no VLAN/interface
 * in the key (4.0 has no "deinterlacing").
 *
 * The table is an open-addressing hash of "tuples" (distinct keys) with the key words stored in
 * one Uint32Array, so a lookup allocates nothing: the address bytes are hashed straight from the
 * frame buffer and confirmed word by word against the stored key.
 *
 * Conversations live in "slots" (the index the analysis state is kept under). By default a slot is
 * never reused, so slot = tcp.stream. With `recycle` (the analyzer's streaming mode) a conversation
 * that can no longer be found — the tuple got a newer conversation (port reuse) — gives its slot
 * back, and with `maxTuples` the least recently seen tuples are forgotten beyond that many (counted in
 * `tuplesForgotten`); stream numbers still count every conversation ever created, in order.
 */
import { grow } from "./flows.js";

/** Words per stored key: [version, portA<<16|portB, addrA x4, addrB x4]. */
const KEY_WORDS = 10;
/** `latest` value of a tuple id on the free list. */
const FREE_TUPLE = -2;

function readWord(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

export class ConversationTable {
  /** Number of conversations created (= next tcp.stream value). */
  count = 0;
  /** Tuple of each conversation slot. */
  convTuple = new Int32Array(0);
  /** tcp.stream of each conversation slot. */
  slotStream = new Int32Array(0);
  /** Slots handed out so far (the high-water mark; slots below it may be free when recycling). */
  slotsUsed = 0;
  private convCap = 0;
  private readonly freeSlots: number[] = [];

  /** Tuples in the table now. */
  liveTuples = 0;
  /** Distinct tuples ever created (forgotten ones included). */
  tuplesCreated = 0;
  /** Tuples dropped because more than `maxTuples` were live. */
  tuplesForgotten = 0;
  /** Tuple ids handed out so far (high-water mark). */
  private tupleIds = 0;
  private tupleCap = 0;
  private keys = new Uint32Array(0);
  /** Latest conversation slot of each tuple (FREE_TUPLE for a free tuple id). */
  private latest = new Int32Array(0);
  private hashes = new Int32Array(0);
  /** Last frame that looked each tuple up (only kept with maxTuples). */
  private lastSeen = new Float64Array(0);
  /**
   * Generation of each tuple id: bumped whenever the id is given to another key (after a forgotten
   * tuple), so (tuple, generation) names one key for good (ConnectionTracker caches by it).
   */
  tupleGen = new Int32Array(0);
  private readonly freeTuples: number[] = [];
  /**
   * The hash table: pairs [tuple id + 1 (0 = empty), the tuple's hash], so that a probe finds the
   * hash to check beside the id (one cache line, not two arrays).
   */
  private slots: Int32Array;
  private mask: number;

  /** Scratch key of the packet being looked up. */
  private readonly k = new Uint32Array(KEY_WORDS);
  private kHash = 0;
  /** Result of the last `lookup`: the packet's direction (0 = flow1, 1 = flow2) and its tuple (-1 = new). */
  dir = 0;
  tuple = -1;

  /**
   * @param recycle give back the slot of a conversation that can no longer be found
   * @param maxTuples forget the least recently seen tuples beyond this many (0 = never)
   * @param places the hash table's first size (a power of two; it doubles to stay at most half full)
   */
  constructor(
    readonly recycle = false,
    readonly maxTuples = 0,
    places = 1024,
  ) {
    if (!(places >= 2 && (places & (places - 1)) === 0)) throw new RangeError("places must be a power of two >= 2");
    this.slots = new Int32Array(2 * places);
    this.mask = places - 1;
  }

  /**
   * Finds the conversation for a packet. Addresses are read from `d` at the given offsets
   * (4 bytes each for IPv4, 16 for IPv6). Returns the conversation slot or −1 if the key is new;
   * `dir` and `tuple` describe the packet for a following `create()`.
   */
  lookup(
    d: Uint8Array,
    ipVersion: number,
    srcOff: number,
    dstOff: number,
    sport: number,
    dport: number,
  ): number {
    if (ipVersion === 4) return this.lookup4(d, srcOff, dstOff, sport, dport);
    const k = this.k;
    // Direction as Wireshark's cmp_address(src, dst): memcmp of the address bytes, then ports.
    // Canonical key: flow1's sender (dir 0) first.
    let s0 = readWord(d, srcOff);
    let t0 = readWord(d, dstOff);
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    let cmp = s0 === t0 ? 0 : s0 > t0 ? 1 : -1;
    if (ipVersion === 6) {
      s1 = readWord(d, srcOff + 4);
      s2 = readWord(d, srcOff + 8);
      s3 = readWord(d, srcOff + 12);
      t1 = readWord(d, dstOff + 4);
      t2 = readWord(d, dstOff + 8);
      t3 = readWord(d, dstOff + 12);
      if (cmp === 0)
        cmp =
          s1 === t1 ? (s2 === t2 ? (s3 === t3 ? 0 : s3 > t3 ? 1 : -1) : s2 > t2 ? 1 : -1) : s1 > t1 ? 1 : -1;
    }
    if (cmp === 0) cmp = sport > dport ? 1 : -1;
    let ports: number;
    if (cmp >= 0) {
      this.dir = 0;
      ports = ((sport << 16) | dport) >>> 0;
    } else {
      this.dir = 1;
      ports = ((dport << 16) | sport) >>> 0;
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
    // Same key as the previous packet (bulk transfers): no hashing.
    if (
      k[1] === ports &&
      k[2] === s0 &&
      k[6] === t0 &&
      k[0] === ipVersion &&
      k[3] === s1 &&
      k[7] === t1 &&
      k[4] === s2 &&
      k[8] === t2 &&
      k[5] === s3 &&
      k[9] === t3 &&
      this.tuple >= 0
    ) {
      return this.latest[this.tuple]!;
    }
    k[0] = ipVersion;
    k[1] = ports;
    k[2] = s0;
    k[3] = s1;
    k[4] = s2;
    k[5] = s3;
    k[6] = t0;
    k[7] = t1;
    k[8] = t2;
    k[9] = t3;
    let h = Math.imul(s0 ^ Math.imul(t0, 0x9e3779b1) ^ Math.imul(ports ^ ipVersion, 0x85ebca6b), 0xc2b2ae35);
    if (ipVersion === 6) {
      h = Math.imul(h ^ s1 ^ Math.imul(t1, 0x9e3779b1), 0x27d4eb2d);
      h = Math.imul(h ^ s2 ^ Math.imul(t2, 0x9e3779b1), 0x165667b1);
      h = Math.imul(h ^ s3 ^ Math.imul(t3, 0x9e3779b1), 0x85ebca6b);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    this.kHash = h;
    return this.find(h, ipVersion, ports, s0, s1, s2, s3, t0, t1, t2, t3);
  }

  /**
   * The hash table's probe for a key already in `k` with hash `h` (its words given): the key's
   * latest conversation slot, or −1 when the key is new; sets `tuple`.
   */
  private find(
    h: number,
    ipVersion: number,
    ports: number,
    s0: number,
    s1: number,
    s2: number,
    s3: number,
    t0: number,
    t1: number,
    t2: number,
    t3: number,
  ): number {
    const slots = this.slots;
    const keys = this.keys;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const v = slots[2 * slot]!;
      if (v === 0) break;
      if (slots[2 * slot + 1] === h) {
        const t = v - 1;
        const base = t * KEY_WORDS;
        if (
          keys[base + 1] === ports &&
          keys[base + 2] === s0 &&
          keys[base + 6] === t0 &&
          keys[base] === ipVersion &&
          (ipVersion !== 6 ||
            (keys[base + 3] === s1 &&
              keys[base + 7] === t1 &&
              keys[base + 4] === s2 &&
              keys[base + 8] === t2 &&
              keys[base + 5] === s3 &&
              keys[base + 9] === t3))
        ) {
          this.tuple = t;
          return this.latest[t]!;
        }
      }
      slot = (slot + 1) & mask;
    }
    this.tuple = -1;
    return -1;
  }

  /**
   * lookup() for IPv4, the common case (callers that know the version call it directly), with only
   * the words an IPv4 key has: the same key words, hash and answers as the general path gives it,
   * which then stores zeros for the IPv6 words.
   */
  lookup4(d: Uint8Array, srcOff: number, dstOff: number, sport: number, dport: number): number {
    const k = this.k;
    // (readWord written out: this is the hottest call of the analysis.)
    const src = ((d[srcOff]! << 24) | (d[srcOff + 1]! << 16) | (d[srcOff + 2]! << 8) | d[srcOff + 3]!) >>> 0;
    const dst = ((d[dstOff]! << 24) | (d[dstOff + 1]! << 16) | (d[dstOff + 2]! << 8) | d[dstOff + 3]!) >>> 0;
    // Wireshark's direction: address bytes compared, then ports; flow1's sender (dir 0) first.
    let a: number;
    let b: number;
    let ports: number;
    if (src > dst || (src === dst && sport > dport)) {
      a = src;
      b = dst;
      ports = ((sport << 16) | dport) >>> 0;
      this.dir = 0;
    } else {
      a = dst;
      b = src;
      ports = ((dport << 16) | sport) >>> 0;
      this.dir = 1;
    }
    // Same key as the previous packet (bulk transfers): no hashing.
    if (k[1] === ports && k[2] === a && k[6] === b && k[0] === 4 && this.tuple >= 0) return this.latest[this.tuple]!;
    k[0] = 4;
    k[1] = ports;
    k[2] = a;
    k[3] = 0;
    k[4] = 0;
    k[5] = 0;
    k[6] = b;
    k[7] = 0;
    k[8] = 0;
    k[9] = 0;
    let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(ports ^ 4, 0x85ebca6b), 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    this.kHash = h;
    return this.find(h, 4, ports, a, 0, 0, 0, b, 0, 0, 0);
  }

  /** Notes that frame `frame` looked up the tuple of the last `lookup` (LRU order for maxTuples). */
  touch(frame: number): void {
    if (this.tuple >= 0) this.lastSeen[this.tuple] = frame;
  }

  /**
   * Creates a conversation for the key of the last `lookup` and makes it the key's latest.
   * Returns its slot. `onRelease` is called for every slot given back (the tuple's previous
   * conversation, or conversations of forgotten tuples) so that the caller clears its state.
   */
  create(frame = 0, onRelease?: (slot: number) => void): number {
    let t = this.tuple;
    if (t < 0) {
      t = this.insertTuple(frame, onRelease);
    } else if (this.recycle) {
      const old = this.latest[t]!;
      if (old >= 0) this.releaseSlot(old, onRelease);
    }
    let c: number;
    if (this.recycle && this.freeSlots.length > 0) {
      c = this.freeSlots.pop()!;
    } else {
      c = this.slotsUsed++;
      if (c >= this.convCap) {
        this.convCap = Math.max(256, this.convCap * 2);
        this.convTuple = grow(this.convTuple, this.convCap, Int32Array);
        this.slotStream = grow(this.slotStream, this.convCap, Int32Array);
      }
    }
    this.convTuple[c] = t;
    this.slotStream[c] = this.count++;
    this.latest[t] = c;
    this.tuple = t;
    if (this.maxTuples > 0) this.lastSeen[t] = frame;
    return c;
  }

  private releaseSlot(slot: number, onRelease?: (slot: number) => void): void {
    this.freeSlots.push(slot);
    onRelease?.(slot);
  }

  private insertTuple(frame: number, onRelease?: (slot: number) => void): number {
    if (this.maxTuples > 0 && this.liveTuples >= this.maxTuples) this.forgetOldest(onRelease);
    let t: number;
    if (this.freeTuples.length > 0) {
      t = this.freeTuples.pop()!;
    } else {
      t = this.tupleIds++;
      if (t >= this.tupleCap) {
        this.tupleCap = Math.max(256, this.tupleCap * 2);
        this.keys = grow(this.keys, this.tupleCap * KEY_WORDS, Uint32Array);
        this.latest = grow(this.latest, this.tupleCap, Int32Array);
        this.hashes = grow(this.hashes, this.tupleCap, Int32Array);
        this.tupleGen = grow(this.tupleGen, this.tupleCap, Int32Array);
        if (this.maxTuples > 0) this.lastSeen = grow(this.lastSeen, this.tupleCap, Float64Array);
      }
    }
    this.tupleGen[t]!++;
    this.liveTuples++;
    this.tuplesCreated++;
    this.keys.set(this.k, t * KEY_WORDS);
    this.hashes[t] = this.kHash;
    this.latest[t] = -1;
    if (this.maxTuples > 0) this.lastSeen[t] = frame;
    // (At most half full: the table has slots.length / 2 places.)
    if (this.liveTuples * 4 > this.slots.length) this.rehash(this.slots.length);
    this.place(t);
    return t;
  }

  /** Forgets the least recently seen eighth of the tuples (amortised O(log n) per new tuple). */
  private forgetOldest(onRelease?: (slot: number) => void): void {
    const live: number[] = [];
    for (let t = 0; t < this.tupleIds; t++) if (this.latest[t] !== FREE_TUPLE) live.push(this.lastSeen[t]!);
    live.sort((a, b) => a - b);
    const drop = Math.max(1, Math.floor(this.maxTuples / 8));
    const cutoff = live[Math.min(drop, live.length) - 1]!;
    let dropped = 0;
    for (let t = 0; t < this.tupleIds && dropped < drop; t++) {
      if (this.latest[t] === FREE_TUPLE || this.lastSeen[t]! > cutoff) continue;
      this.removeTuple(t, onRelease);
      dropped++;
    }
    // The previous-key shortcut must not return a forgotten tuple.
    this.tuple = -1;
  }

  private removeTuple(t: number, onRelease?: (slot: number) => void): void {
    const mask = this.mask;
    const slots = this.slots;
    let i = this.hashes[t]! & mask;
    while (slots[2 * i] !== t + 1) i = (i + 1) & mask;
    // backward-shift deletion
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const v = slots[2 * j]!;
      if (v === 0) break;
      const hash = slots[2 * j + 1]!;
      const home = hash & mask;
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        slots[2 * i] = v;
        slots[2 * i + 1] = hash;
        i = j;
      }
    }
    slots[2 * i] = 0;
    const c = this.latest[t]!;
    if (c >= 0) this.releaseSlot(c, onRelease);
    this.latest[t] = FREE_TUPLE;
    this.freeTuples.push(t);
    this.liveTuples--;
    this.tuplesForgotten++;
  }

  private place(t: number): void {
    const h = this.hashes[t]!;
    let s = h & this.mask;
    while (this.slots[2 * s] !== 0) s = (s + 1) & this.mask;
    this.slots[2 * s] = t + 1;
    this.slots[2 * s + 1] = h;
  }

  /** Rebuilds the hash table with `size` places for every live tuple except the one being inserted. */
  private rehash(size: number): void {
    const inserting = this.latest;
    this.slots = new Int32Array(2 * size);
    this.mask = size - 1;
    for (let t = 0; t < this.tupleIds; t++) {
      const v = inserting[t]!;
      // The tuple being inserted has latest −1 and is placed by the caller.
      if (v === FREE_TUPLE || v === -1) continue;
      this.place(t);
    }
  }

  /** Key words of a tuple (for tests and diagnostics): [version, ports, addrA x4, addrB x4]. */
  tupleKey(t: number): Uint32Array {
    return this.keys.slice(t * KEY_WORDS, (t + 1) * KEY_WORDS);
  }
}
