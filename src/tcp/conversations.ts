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
  lookup(d: Uint8Array, ipVersion: number, srcOff: number, dstOff: number, sport: number, dport: number): number {
    const k = this.k;
    const n = ipVersion === 6 ? 4 : 1;
    // Direction as Wireshark's cmp_address(src, dst): memcmp of the address bytes, then ports.
    let cmp = 0;
    for (let i = 0; i < n && cmp === 0; i++) {
      const s = readWord(d, srcOff + i * 4);
      const t = readWord(d, dstOff + i * 4);
      cmp = s === t ? 0 : s > t ? 1 : -1;
    }
    if (cmp === 0) cmp = sport > dport ? 1 : -1;
    const dir = cmp >= 0 ? 0 : 1;
    this.dir = dir;
    const aOff = dir === 0 ? srcOff : dstOff;
    const bOff = dir === 0 ? dstOff : srcOff;
    k[0] = ipVersion;
    k[1] = dir === 0 ? ((sport << 16) | dport) >>> 0 : ((dport << 16) | sport) >>> 0;
    let h = Math.imul(ipVersion ^ 0x9e3779b9, 0x85ebca6b) ^ k[1]!;
    h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
    for (let i = 0; i < 4; i++) {
      const a = i < n ? readWord(d, aOff + i * 4) : 0;
      const b = i < n ? readWord(d, bOff + i * 4) : 0;
      k[2 + i] = a;
      k[6 + i] = b;
      h = Math.imul(h ^ a, 0x27d4eb2d);
      h ^= h >>> 13;
      h = Math.imul(h ^ b, 0x165667b1);
      h ^= h >>> 16;
    }
    h |= 0;
    this.kHash = h;
    const slots = this.slots;
    const keys = this.keys;
    let s = h & this.mask;
    for (;;) {
      const v = slots[s]!;
      if (v === 0) break;
      const t = v - 1;
      if (this.hashes[t] === h) {
        const base = t * KEY_WORDS;
        let eq = true;
        for (let i = 0; i < KEY_WORDS; i++) {
          if (keys[base + i] !== k[i]) {
            eq = false;
            break;
          }
        }
        if (eq) {
          this.tuple = t;
          return this.latest[t]!;
        }
      }
      s = (s + 1) & this.mask;
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
