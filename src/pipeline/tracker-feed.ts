/**
 * The hand-over between the two stages of the pipelined pass (pipelined.ts): the thread that reads,
 * decodes and runs the Wireshark analysis writes, for every packet it would give the connection
 * tracker, an entry into a ring in shared memory; the tracker's thread reads the entries in the same
 * order and calls ConnectionTracker.observe with exactly what the one-thread pass passes.
 *
 * The ring is made of 64-byte slots (one cache line). An entry is one slot — the frame's number and
 * time, the decoded fields the tracker reads and the analysis's results for the packet — followed by
 * up to two more when needed:
 *  - ADDRESSES: the packet's two addresses, the only bytes of the frame the tracker reads (without
 *    checksum verification, which therefore does not use this path). They are sent once per
 *    address/port pair (the analysis's tuple and generation, which name a key for good); the reader
 *    keeps them per tuple, in the direction of the pair's dir-0 sender, and hands the tracker a
 *    DecodedPacket whose address offsets point there;
 *  - WIDE: the frame number and times as doubles, for the rare capture where they do not fit 32 bits,
 *    and the receiver ISN of pasted text.
 * A slot's words are written and read a word at a time; nothing is allocated per packet.
 *
 * Counters in a small Int32Array (both sides only ever add to them; differences are taken with
 * 32-bit wrap-around, so more than 2^31 slots are fine as long as the ring holds fewer):
 *  - WRITTEN: slots published by the writer (stored every BATCH slots and at the end);
 *  - READ: slots the reader is done with (the writer may reuse their room);
 *  - STATE: 1 once the writer published its last entry; 2 when either side gave up (an error);
 *  - WANTED: the WRITTEN value from which a reader that caught up wants to be woken.
 * Each side sleeps with Atomics.wait on the other's counter when it has nothing to do. (A wake-up
 * missed in a race between the two costs at most one more batch; the waits also time out.)
 */
import type { FrameRecord } from "../model/frame.js";
import { DecodedPacket, type DecodeStatusCode } from "../model/packet.js";

/** Int32 words per slot (64 bytes). */
const WORDS = 16;
// The words of an entry's first slot.
const W_FRAME = 0;
const W_TS_SEC = 1;
const W_TS_NSEC = 2;
/** tcp flags (12 bits) | the MISC bits below | decode status << 24 */
const W_MISC = 3;
const W_SEQ = 4;
const W_ACK = 5;
const W_LEN = 6;
/** window (16 bits) | TCP header length << 16 (8 bits) | tcpFields << 24 (4 bits) | ip version << 28 */
const W_HEADER = 7;
const W_IP_LEN = 8;
const W_STREAM = 9;
const W_WS_FLAGS = 10;
const W_TUPLE = 11;
const W_TUPLE_GEN = 12;
/** SYN packets only (the tracker reads the options of those only): (mss + 1) | (wscale + 1) << 17 */
const W_OPTIONS = 13;
// W_MISC bits (above the 12 flag bits)
const HAS_TS = 1 << 12;
const DIR_1 = 1 << 13;
const SACK_PERMITTED = 1 << 14;
const TIMESTAMPS = 1 << 15;
const TFO = 1 << 16;
const HEADER_TRUNCATED = 1 << 17;
const IN_ICMP_ERROR = 1 << 18;
/** An ADDRESSES slot follows (source in words 0–3, destination in 4–7, the frame's byte order). */
const ADDRESSES = 1 << 19;
/** A WIDE slot follows (doubles: frame, tsSec, tsNsec, receiverIsn or NaN). */
const WIDE = 1 << 20;
const SYN = 0x002;
/** Addresses need no byte shuffling when words are stored little-endian (as on every platform Node runs). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Counter indexes. */
const WRITTEN = 0;
const READ = 1;
const STATE = 2;
/** The WRITTEN value the sleeping reader waits for (the writer wakes it from there on). */
const WANTED = 3;
const STATE_DONE = 1;
const STATE_FAILED = 2;

/** Slots published at a time (fewer wake-ups of the reader). */
const BATCH = 2048;
/** Default ring size in slots (16 MiB): room for the tracker's thread to start up meanwhile. */
export const DEFAULT_FEED_ENTRIES = 1 << 18;
/**
 * A reader that caught up sleeps until the writer is this many entries ahead: a wake-up per batch
 * would cost a system call on each side thousands of times (the tracker is the faster stage).
 */
const WAKE_AHEAD = 8 * BATCH;
/** How long one wait lasts before the sleeper looks at STATE again (ms). */
const WAIT_MS = 200;
/** A reader that took nothing for this long is gone (ms; a batch takes it milliseconds). */
const STALL_MS = 60_000;

/** The shared memory of a feed (sent to the tracker's thread). */
export interface FeedBuffers {
  ring: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  entries: number;
}

export function newFeedBuffers(entries = DEFAULT_FEED_ENTRIES): FeedBuffers {
  if (!Number.isInteger(entries) || entries < BATCH || (entries & (entries - 1)) !== 0)
    throw new RangeError(`feed slots must be a power of two >= ${BATCH}`);
  return { ring: new SharedArrayBuffer(entries * WORDS * 4), counters: new SharedArrayBuffer(16), entries };
}

/** Wakes a reader sleeping for entries (its `between` work may be due). */
export function wakeReader(b: FeedBuffers): void {
  Atomics.notify(new Int32Array(b.counters), WRITTEN);
}

/** ConnectionTracker.observe's arguments, as the reader hands them over. */
export type TrackerObserve = (
  frame: FrameRecord,
  pkt: DecodedPacket,
  stream: number,
  wsFlags: number,
  tuple: number,
  tupleGen: number,
  dir: number,
) => void;

/** Thrown on either side when the other side gave up. */
export class FeedAborted extends Error {}

/** The 4 bytes at d[o] as a word that, stored in an Int32Array, lays out the same 4 bytes. */
function word(d: Uint8Array, o: number): number {
  return LITTLE_ENDIAN
    ? d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)
    : (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
}

/** The writing side: one observe() per packet, in file order, then close(). */
export class FeedWriter {
  private readonly i: Int32Array;
  private readonly f: Float64Array;
  private readonly counters: Int32Array;
  private readonly mask: number;
  private readonly entries: number;
  /** Slots written (published or not). */
  private w = 0;
  /** Slots the reader had finished at the last look. */
  private r = 0;
  /** Per tuple: its generation + 1 once its addresses were sent. */
  private sent: Int32Array = new Int32Array(1024);

  constructor(b: FeedBuffers) {
    this.i = new Int32Array(b.ring);
    this.f = new Float64Array(b.ring);
    this.counters = new Int32Array(b.counters);
    this.entries = b.entries;
    this.mask = b.entries - 1;
  }

  /**
   * One packet, with the arguments of ConnectionTracker.observe (frame.data holds the bytes pkt's
   * offsets index).
   */
  observe(
    frame: FrameRecord,
    pkt: DecodedPacket,
    stream: number,
    wsFlags: number,
    tuple: number,
    tupleGen: number,
    dir: number,
  ): void {
    const n = frame.number;
    const sec = frame.tsSec;
    const nsec = frame.tsNsec;
    const isn = frame.receiverIsn;
    let misc = pkt.flags | (pkt.status << 24);
    if ((n | 0) !== n || (sec | 0) !== sec || (nsec | 0) !== nsec || isn !== undefined) misc |= WIDE;
    let sent: Int32Array = this.sent;
    if (tuple < 0) misc |= ADDRESSES;
    else {
      if (tuple >= sent.length) sent = this.growSent(tuple);
      if (sent[tuple] !== tupleGen + 1) {
        sent[tuple] = tupleGen + 1;
        misc |= ADDRESSES;
      }
    }
    const slots = 1 + ((misc & ADDRESSES) !== 0 ? 1 : 0) + ((misc & WIDE) !== 0 ? 1 : 0);
    if (((this.w + slots - this.r) | 0) > this.entries) this.waitForRoom(slots);
    const mask = this.mask;
    const i = this.i;
    let at = (this.w & mask) * WORDS;
    if (frame.hasTs) misc |= HAS_TS;
    if (dir === 1) misc |= DIR_1;
    if (pkt.sackPermitted) misc |= SACK_PERMITTED;
    if (pkt.hasTimestamps) misc |= TIMESTAMPS;
    if (pkt.hasTfo) misc |= TFO;
    if (pkt.tcpHeaderTruncated) misc |= HEADER_TRUNCATED;
    if (pkt.inIcmpError) misc |= IN_ICMP_ERROR;
    const flags = pkt.flags;
    i[at + W_FRAME] = n;
    i[at + W_TS_SEC] = sec;
    i[at + W_TS_NSEC] = nsec;
    i[at + W_MISC] = misc;
    i[at + W_SEQ] = pkt.seq;
    i[at + W_ACK] = pkt.ack;
    i[at + W_LEN] = pkt.payloadLen;
    const v = pkt.ipVersion;
    i[at + W_HEADER] = pkt.windowRaw | (pkt.tcpHeaderLen << 16) | (pkt.tcpFields << 24) | (v << 28);
    i[at + W_IP_LEN] = pkt.ipTotalLen;
    i[at + W_STREAM] = stream;
    i[at + W_WS_FLAGS] = wsFlags;
    i[at + W_TUPLE] = tuple;
    i[at + W_TUPLE_GEN] = tupleGen;
    if ((flags & SYN) !== 0) i[at + W_OPTIONS] = (pkt.mss + 1) | ((pkt.wscale + 1) << 17);
    this.w = (this.w + 1) | 0;
    if ((misc & ADDRESSES) !== 0) {
      at = (this.w & mask) * WORDS;
      const d = frame.data;
      i[at + 8] = (pkt.srcPort << 16) | pkt.dstPort;
      if (v === 4) {
        i[at] = word(d, pkt.srcAddrOff);
        i[at + 4] = word(d, pkt.dstAddrOff);
      } else if (v === 6) {
        const s = pkt.srcAddrOff;
        const t = pkt.dstAddrOff;
        for (let k = 0; k < 4; k++) {
          i[at + k] = word(d, s + 4 * k);
          i[at + 4 + k] = word(d, t + 4 * k);
        }
      }
      this.w = (this.w + 1) | 0;
    }
    if ((misc & WIDE) !== 0) {
      const fb = ((this.w & mask) * WORDS) >> 1;
      const f = this.f;
      f[fb] = n;
      f[fb + 1] = sec;
      f[fb + 2] = nsec;
      f[fb + 3] = isn ?? Number.NaN;
      this.w = (this.w + 1) | 0;
    }
    // Published every BATCH slots (an entry may step over the boundary).
    if ((this.w & (BATCH - 1)) < slots) this.publish();
  }

  private growSent(tuple: number): Int32Array {
    let n = this.sent.length * 2;
    while (n <= tuple) n *= 2;
    const g = new Int32Array(n);
    g.set(this.sent);
    this.sent = g;
    return g;
  }

  /** Makes every entry written so far visible to the reader (and wakes it when it waits for them). */
  publish(wake = false): void {
    const c = this.counters;
    Atomics.store(c, WRITTEN, this.w);
    if (wake || ((this.w - Atomics.load(c, WANTED)) | 0) >= 0) Atomics.notify(c, WRITTEN);
  }

  /** Publishes the last entries and tells the reader there are no more. */
  close(): void {
    Atomics.store(this.counters, WRITTEN, this.w);
    Atomics.store(this.counters, STATE, STATE_DONE);
    Atomics.notify(this.counters, WRITTEN);
  }

  /** Tells the reader to stop (the writer failed). */
  abort(): void {
    Atomics.store(this.counters, STATE, STATE_FAILED);
    Atomics.notify(this.counters, WRITTEN);
  }

  private waitForRoom(slots: number): void {
    // Everything written must be visible (and the reader awake), or it may wait for it while we wait for room.
    this.publish(true);
    const c = this.counters;
    let waited = 0;
    for (;;) {
      const r = Atomics.load(c, READ);
      if (r !== this.r) waited = 0;
      this.r = r;
      if (((this.w + slots - this.r) | 0) <= this.entries) return;
      if (Atomics.load(c, STATE) === STATE_FAILED) throw new FeedAborted("the connection tracker's thread stopped");
      // A thread that died without a word (this thread's event loop cannot hear of it while it waits).
      if (waited >= STALL_MS) throw new FeedAborted("the connection tracker's thread stopped responding");
      Atomics.wait(c, READ, this.r, WAIT_MS);
      waited += WAIT_MS;
    }
  }
}

/** The reading side: calls `observe` for every entry, in order, until the writer closes. */
export class FeedReader {
  private readonly i: Int32Array;
  private readonly f: Float64Array;
  private readonly counters: Int32Array;
  private readonly mask: number;
  private readonly pkt = new DecodedPacket();
  private readonly frame: FrameRecord;
  private readonly wakeAhead: number;
  /** Per tuple: the pair's addresses (the dir-0 sender's first, 16 bytes each) and ports (its first). */
  private addrs = new Uint8Array(1024 * 32);
  private ports = new Int32Array(1024);
  /** addrs as words (for copying an ADDRESSES slot in). */
  private addrWords = new Int32Array(this.addrs.buffer);

  constructor(b: FeedBuffers, frame: FrameRecord) {
    this.i = new Int32Array(b.ring);
    this.f = new Float64Array(b.ring);
    this.counters = new Int32Array(b.counters);
    this.mask = b.entries - 1;
    this.wakeAhead = Math.min(WAKE_AHEAD, b.entries >> 2);
    this.frame = frame;
    frame.data = this.addrs;
    frame.buf = this.addrs;
    frame.off = 0;
  }

  /** Tells the writer to stop (the reader failed). */
  abort(): void {
    Atomics.store(this.counters, STATE, STATE_FAILED);
    Atomics.notify(this.counters, READ);
  }

  /**
   * Reads every entry until the writer closes, calling `observe(frame, pkt, stream, wsFlags, tuple,
   * tupleGen, dir)` for each (frame and pkt are reused). Throws FeedAborted if the writer gave up.
   * `between` is called every batch of entries and whenever the reader wakes up (other work of this
   * thread: wakeReader() wakes it for that).
   */
  run(observe: TrackerObserve, between?: () => void): void {
    const c = this.counters;
    let r = Atomics.load(c, READ);
    for (;;) {
      between?.();
      const w = Atomics.load(c, WRITTEN);
      if (w === r) {
        const state = Atomics.load(c, STATE);
        if (state === STATE_FAILED) throw new FeedAborted("the analysis thread stopped");
        if (state === STATE_DONE && Atomics.load(c, WRITTEN) === r) return;
        // Sleep until a good stretch is ready (close() and the timeout wake us regardless).
        Atomics.store(c, WANTED, (r + this.wakeAhead) | 0);
        Atomics.wait(c, WRITTEN, r, WAIT_MS);
        continue;
      }
      while (r !== w) {
        const next = this.deliver(r, observe);
        // Give room back now and then, not only at the end of what was published.
        const crossed = (next & (BATCH - 1)) < ((next - r) | 0);
        r = next;
        if (crossed) {
          Atomics.store(c, READ, r);
          Atomics.notify(c, READ);
          between?.();
        }
      }
      Atomics.store(c, READ, r);
      Atomics.notify(c, READ);
    }
  }

  /** Hands over the entry at slot count `r`; returns the slot count after it. */
  private deliver(r: number, observe: TrackerObserve): number {
    const i = this.i;
    const mask = this.mask;
    const at = (r & mask) * WORDS;
    r = (r + 1) | 0;
    const frame = this.frame;
    const p = this.pkt;
    const misc = i[at + W_MISC]!;
    const flags = misc & 0xfff;
    const dir = (misc & DIR_1) !== 0 ? 1 : 0;
    const tuple = i[at + W_TUPLE]!;
    // The pair's addresses and ports: kept per tuple (or, without one, in slot of their own at −1).
    const key = tuple >= 0 ? tuple : this.addrs.length / 32 - 1;
    if ((misc & ADDRESSES) !== 0) {
      const from = (r & mask) * WORDS;
      r = (r + 1) | 0;
      if (key * 32 >= this.addrs.length) this.grow(key);
      const words = this.addrWords;
      const to = key * 8;
      // In the dir-0 sender's direction.
      const s = dir === 0 ? from : from + 4;
      const t = dir === 0 ? from + 4 : from;
      for (let k = 0; k < 4; k++) {
        words[to + k] = i[s + k]!;
        words[to + 4 + k] = i[t + k]!;
      }
      const sp = i[from + 8]! >>> 16;
      const dp = i[from + 8]! & 0xffff;
      this.ports[key] = dir === 0 ? (sp << 16) | dp : (dp << 16) | sp;
    }
    if ((misc & WIDE) !== 0) {
      const fb = ((r & mask) * WORDS) >> 1;
      r = (r + 1) | 0;
      const f = this.f;
      frame.number = f[fb]!;
      frame.tsSec = f[fb + 1]!;
      frame.tsNsec = f[fb + 2]!;
      const isn = f[fb + 3]!;
      frame.receiverIsn = Number.isNaN(isn) ? undefined : isn;
    } else {
      frame.number = i[at + W_FRAME]!;
      frame.tsSec = i[at + W_TS_SEC]!;
      frame.tsNsec = i[at + W_TS_NSEC]!;
      frame.receiverIsn = undefined;
    }
    frame.hasTs = (misc & HAS_TS) !== 0;
    frame.data = this.addrs;
    p.flags = flags;
    p.status = ((misc >>> 24) & 0xf) as DecodeStatusCode;
    p.sackPermitted = (misc & SACK_PERMITTED) !== 0;
    p.hasTimestamps = (misc & TIMESTAMPS) !== 0;
    p.hasTfo = (misc & TFO) !== 0;
    p.tcpHeaderTruncated = (misc & HEADER_TRUNCATED) !== 0;
    p.inIcmpError = (misc & IN_ICMP_ERROR) !== 0;
    p.seq = i[at + W_SEQ]! >>> 0;
    p.ack = i[at + W_ACK]! >>> 0;
    p.payloadLen = i[at + W_LEN]!;
    const header = i[at + W_HEADER]!;
    p.windowRaw = header & 0xffff;
    p.tcpHeaderLen = (header >>> 16) & 0xff;
    p.tcpFields = (header >>> 24) & 0xf;
    p.ipVersion = header >>> 28;
    p.ipTotalLen = i[at + W_IP_LEN]!;
    if ((flags & SYN) !== 0) {
      const opts = i[at + W_OPTIONS]!;
      p.mss = (opts & 0x1ffff) - 1;
      p.wscale = (opts >>> 17) - 1;
    }
    const a = key * 32;
    const ports = this.ports[key]!;
    if (dir === 0) {
      p.srcAddrOff = a;
      p.dstAddrOff = a + 16;
      p.srcPort = ports >>> 16;
      p.dstPort = ports & 0xffff;
    } else {
      p.srcAddrOff = a + 16;
      p.dstAddrOff = a;
      p.srcPort = ports & 0xffff;
      p.dstPort = ports >>> 16;
    }
    observe(frame, p, i[at + W_STREAM]!, i[at + W_WS_FLAGS]!, tuple, i[at + W_TUPLE_GEN]!, dir);
    return r;
  }

  /** Room in the per-tuple tables for tuple `key` (and one spare entry at the end for tuple −1). */
  private grow(key: number): void {
    let n = this.ports.length * 2;
    while (n <= key + 1) n *= 2;
    const addrs = new Uint8Array(n * 32);
    addrs.set(this.addrs);
    const ports = new Int32Array(n);
    ports.set(this.ports);
    this.addrs = addrs;
    this.addrWords = new Int32Array(addrs.buffer);
    this.ports = ports;
  }
}
