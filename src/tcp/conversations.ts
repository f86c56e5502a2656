/**
 * Conversation lookup and tcp.stream assignment, as Wireshark 4.0 does it.
 *
 * A conversation is keyed by the unordered pair of (address, port) endpoints. Lookup returns the
 * most recently created conversation for the key; a new one is created on first sight of the key,
 * and the port-reuse rule (rules/port-reuse.ts) may start a further one on the same key. Every new
 * conversation takes the next tcp.stream number, so the conversation index IS the stream index.
 * There is no time-based split and no VLAN/interface in the key (4.0 has no "deinterlacing").
 *
 * The table is an open-addressing hash of "tuples" (distinct keys) with the key words stored in
 * one Uint32Array, so a lookup allocates nothing: the address bytes are hashed straight from the
 * frame buffer and confirmed word by word against the stored key.
 */
import { grow } from "./flows.js";

/** Words per stored key: [version, portA<<16|portB, addrA x4, addrB x4]. */
const KEY_WORDS = 10;

function readWord(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

export class ConversationTable {
  /** Number of conversations (= next tcp.stream value). */
  count = 0;
  /** Tuple of each conversation. */
  convTuple = new Int32Array(0);
  private convCap = 0;

  /** Number of distinct tuples. */
  tupleCount = 0;
  private tupleCap = 0;
  private keys = new Uint32Array(0);
  /** Latest conversation of each tuple. */
  private latest = new Int32Array(0);
  private hashes = new Int32Array(0);
  /** Hash slots holding tuple id + 1 (0 = empty). */
  private slots = new Int32Array(1024);
  private mask = 1023;

  /** Scratch key of the packet being looked up. */
  private readonly k = new Uint32Array(KEY_WORDS);
  private kHash = 0;
  /** Result of the last `lookup`: the packet's direction (0 = flow1, 1 = flow2) and its tuple (-1 = new). */
  dir = 0;
  tuple = -1;

  /**
   * Finds the conversation for a packet. Addresses are read from `d` at the given offsets
   * (4 bytes each for IPv4, 16 for IPv6). Returns the conversation index or −1 if the key is new;
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
    const slots = this.slots;
    const keys = this.keys;
    const hashes = this.hashes;
    let slot = h & this.mask;
    for (;;) {
      const v = slots[slot]!;
      if (v === 0) break;
      const t = v - 1;
      if (hashes[t] === h) {
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
      slot = (slot + 1) & this.mask;
    }
    this.tuple = -1;
    return -1;
  }

  /** Creates a conversation for the key of the last `lookup` and makes it the key's latest. */
  create(): number {
    let t = this.tuple;
    if (t < 0) t = this.insertTuple();
    const c = this.count++;
    if (c >= this.convCap) {
      this.convCap = Math.max(256, this.convCap * 2);
      this.convTuple = grow(this.convTuple, this.convCap, Int32Array);
    }
    this.convTuple[c] = t;
    this.latest[t] = c;
    this.tuple = t;
    return c;
  }

  private insertTuple(): number {
    const t = this.tupleCount++;
    if (t >= this.tupleCap) {
      this.tupleCap = Math.max(256, this.tupleCap * 2);
      this.keys = grow(this.keys, this.tupleCap * KEY_WORDS, Uint32Array);
      this.latest = grow(this.latest, this.tupleCap, Int32Array);
      this.hashes = grow(this.hashes, this.tupleCap, Int32Array);
    }
    this.keys.set(this.k, t * KEY_WORDS);
    this.hashes[t] = this.kHash;
    if (this.tupleCount * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    this.place(t);
    return t;
  }

  private place(t: number): void {
    let s = this.hashes[t]! & this.mask;
    while (this.slots[s] !== 0) s = (s + 1) & this.mask;
    this.slots[s] = t + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let t = 0; t < this.tupleCount - 1; t++) this.place(t);
  }

  /** Key words of a tuple (for tests and diagnostics): [version, ports, addrA x4, addrB x4]. */
  tupleKey(t: number): Uint32Array {
    return this.keys.slice(t * KEY_WORDS, (t + 1) * KEY_WORDS);
  }
}
