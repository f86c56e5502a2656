/**
 * The hand-over between the two stages of the pipelined pass (pipelined.ts): the thread that reads,
 * decodes and runs the Wireshark analysis writes, for every packet it would give the connection
 * tracker, one fixed-size entry into a ring in shared memory; the tracker's thread reads the entries
 * in the same order and calls ConnectionTracker.observe with exactly what the one-thread pass passes.
 *
 * An entry holds the frame's number and time, the decoded fields the tracker reads, the analysis's
 * results for the packet and the packet's two addresses (the only bytes of the frame the tracker
 * reads — without checksum verification, which therefore does not use this path). The reader hands
 * the tracker a DecodedPacket whose address offsets point into the ring itself, so nothing is copied
 * twice and nothing is allocated per packet.
 *
 * Counters in a small Int32Array (both sides only ever add to them; differences are taken with
 * 32-bit wrap-around, so more than 2^31 packets are fine as long as the ring holds fewer):
 *  - WRITTEN: entries published by the writer (stored every BATCH entries and at the end);
 *  - READ: entries the reader is done with (the writer may reuse their room);
 *  - STATE: 1 once the writer published its last entry; 2 when either side gave up (an error);
 *  - WANTED: the WRITTEN value from which a reader that caught up wants to be woken.
 * Each side sleeps with Atomics.wait on the other's counter when it has nothing to do. (A wake-up
 * missed in a race between the two costs at most one more batch; the waits also time out.)
 */
import type { FrameRecord } from "../model/frame.js";
import { DecodedPacket, type DecodeStatusCode } from "../model/packet.js";

/** Bytes per entry (a multiple of 8: the first four fields are doubles). */
const STRIDE = 120;
const INTS = STRIDE / 4;
const DOUBLES = STRIDE / 8;
/** Double index of each double field in an entry. */
const F_FRAME = 0;
/** NaN: none. */
const F_RECEIVER_ISN = 1;
const F_TS_SEC = 2;
const F_TS_NSEC = 3;
/** Int32 index of each other field (after the doubles); small fields share a word. */
const I_SEQ = 8;
const I_ACK = 9;
const I_LEN = 10;
const I_WIN = 11;
const I_IP_LEN = 12;
/** srcPort << 16 | dstPort */
const I_PORTS = 13;
/** tcp flags (12 bits) | MISC bits below | ip version << 20 | decode status << 24 */
const I_MISC = 14;
/** (mss + 1) | (wscale + 1) << 17 */
const I_OPTIONS = 15;
/** tcpFields | tcpHeaderLen << 8 */
const I_HEADER = 16;
const I_STREAM = 17;
const I_WS_FLAGS = 18;
const I_TUPLE = 19;
const I_TUPLE_GEN = 20;
/** The two addresses: 4 words each (IPv4 uses the first), the bytes in the frame's order. */
const I_ADDR = 21;
// I_MISC bits (above the 12 flag bits)
const HAS_TS = 1 << 12;
const SACK_PERMITTED = 1 << 13;
const TIMESTAMPS = 1 << 14;
const TFO = 1 << 15;
const HEADER_TRUNCATED = 1 << 16;
const IN_ICMP_ERROR = 1 << 17;
const DIR_1 = 1 << 18;
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

/** Entries published at a time (fewer wake-ups of the reader). */
const BATCH = 2048;
/** Default ring size in entries (15 MiB): room for the tracker's thread to start up meanwhile. */
export const DEFAULT_FEED_ENTRIES = 1 << 17;
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
    throw new RangeError(`feed entries must be a power of two >= ${BATCH}`);
  return { ring: new SharedArrayBuffer(entries * STRIDE), counters: new SharedArrayBuffer(16), entries };
}

/** Wakes a reader sleeping for entries (its `between` work may be due). */
export function wakeReader(b: FeedBuffers): void {
  Atomics.notify(new Int32Array(b.counters), WRITTEN);
}

/** Thrown on either side when the other side gave up. */
export class FeedAborted extends Error {}

/** The 4 bytes at d[o] as a word that, stored in an Int32Array, lays out the same 4 bytes. */
function word(d: Uint8Array, o: number): number {
  return LITTLE_ENDIAN
    ? d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)
    : (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
}

/** The writing side: one push per packet, in file order, then close(). */
export class FeedWriter {
  private readonly i: Int32Array;
  private readonly f: Float64Array;
  private readonly counters: Int32Array;
  private readonly mask: number;
  private readonly entries: number;
  /** Entries written (published or not). */
  private w = 0;
  /** Entries the reader had finished at the last look. */
  private r = 0;

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
    if (((this.w - this.r) | 0) >= this.entries) this.waitForRoom();
    const slot = this.w & this.mask;
    this.w = (this.w + 1) | 0;
    const f = this.f;
    const i = this.i;
    const fb = slot * DOUBLES;
    const ib = slot * INTS;
    f[fb + F_FRAME] = frame.number;
    f[fb + F_RECEIVER_ISN] = frame.receiverIsn ?? Number.NaN;
    f[fb + F_TS_SEC] = frame.tsSec;
    f[fb + F_TS_NSEC] = frame.tsNsec;
    i[ib + I_SEQ] = pkt.seq;
    i[ib + I_ACK] = pkt.ack;
    i[ib + I_LEN] = pkt.payloadLen;
    i[ib + I_WIN] = pkt.windowRaw;
    i[ib + I_IP_LEN] = pkt.ipTotalLen;
    i[ib + I_PORTS] = (pkt.srcPort << 16) | pkt.dstPort;
    const v = pkt.ipVersion;
    let misc = pkt.flags | (v << 20) | (pkt.status << 24);
    if (frame.hasTs) misc |= HAS_TS;
    if (pkt.sackPermitted) misc |= SACK_PERMITTED;
    if (pkt.hasTimestamps) misc |= TIMESTAMPS;
    if (pkt.hasTfo) misc |= TFO;
    if (pkt.tcpHeaderTruncated) misc |= HEADER_TRUNCATED;
    if (pkt.inIcmpError) misc |= IN_ICMP_ERROR;
    if (dir === 1) misc |= DIR_1;
    i[ib + I_MISC] = misc;
    i[ib + I_OPTIONS] = (pkt.mss + 1) | ((pkt.wscale + 1) << 17);
    i[ib + I_HEADER] = pkt.tcpFields | (pkt.tcpHeaderLen << 8);
    i[ib + I_STREAM] = stream;
    i[ib + I_WS_FLAGS] = wsFlags;
    i[ib + I_TUPLE] = tuple;
    i[ib + I_TUPLE_GEN] = tupleGen;
    // The addresses (the tracker keys and names connections by them), a word at a time.
    const d = frame.data;
    const a = ib + I_ADDR;
    if (v === 4) {
      i[a] = word(d, pkt.srcAddrOff);
      i[a + 4] = word(d, pkt.dstAddrOff);
    } else if (v === 6) {
      const s = pkt.srcAddrOff;
      const t = pkt.dstAddrOff;
      for (let k = 0; k < 4; k++) {
        i[a + k] = word(d, s + 4 * k);
        i[a + 4 + k] = word(d, t + 4 * k);
      }
    }
    if ((this.w & (BATCH - 1)) === 0) this.publish();
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

  private waitForRoom(): void {
    // Everything written must be visible (and the reader awake), or it may wait for it while we wait for room.
    this.publish(true);
    const c = this.counters;
    let waited = 0;
    for (;;) {
      const r = Atomics.load(c, READ);
      if (r !== this.r) waited = 0;
      this.r = r;
      if (((this.w - this.r) | 0) < this.entries) return;
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
  private readonly u: Uint8Array;
  private readonly counters: Int32Array;
  private readonly mask: number;
  private readonly pkt = new DecodedPacket();
  private readonly frame: FrameRecord;
  private readonly wakeAhead: number;

  constructor(b: FeedBuffers, frame: FrameRecord) {
    this.i = new Int32Array(b.ring);
    this.f = new Float64Array(b.ring);
    this.u = new Uint8Array(b.ring);
    this.counters = new Int32Array(b.counters);
    this.mask = b.entries - 1;
    this.wakeAhead = Math.min(WAKE_AHEAD, b.entries >> 2);
    this.frame = frame;
    frame.data = this.u;
    frame.buf = this.u;
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
  run(
    observe: (
      frame: FrameRecord,
      pkt: DecodedPacket,
      stream: number,
      wsFlags: number,
      tuple: number,
      tupleGen: number,
      dir: number,
    ) => void,
    between?: () => void,
  ): void {
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
        this.deliver(r & this.mask, observe);
        r = (r + 1) | 0;
        // Give room back now and then, not only at the end of what was published.
        if ((r & (BATCH - 1)) === 0) {
          Atomics.store(c, READ, r);
          Atomics.notify(c, READ);
          between?.();
        }
      }
      Atomics.store(c, READ, r);
      Atomics.notify(c, READ);
    }
  }

  private deliver(
    slot: number,
    observe: (
      frame: FrameRecord,
      pkt: DecodedPacket,
      stream: number,
      wsFlags: number,
      tuple: number,
      tupleGen: number,
      dir: number,
    ) => void,
  ): void {
    const i = this.i;
    const f = this.f;
    const ib = slot * INTS;
    const fb = slot * DOUBLES;
    const frame = this.frame;
    frame.number = f[fb + F_FRAME]!;
    const isn = f[fb + F_RECEIVER_ISN]!;
    frame.receiverIsn = Number.isNaN(isn) ? undefined : isn;
    frame.tsSec = f[fb + F_TS_SEC]!;
    frame.tsNsec = f[fb + F_TS_NSEC]!;
    const p = this.pkt;
    p.seq = i[ib + I_SEQ]! >>> 0;
    p.ack = i[ib + I_ACK]! >>> 0;
    p.payloadLen = i[ib + I_LEN]!;
    p.windowRaw = i[ib + I_WIN]!;
    p.ipTotalLen = i[ib + I_IP_LEN]!;
    const ports = i[ib + I_PORTS]!;
    p.srcPort = ports >>> 16;
    p.dstPort = ports & 0xffff;
    const misc = i[ib + I_MISC]!;
    p.flags = misc & 0xfff;
    frame.hasTs = (misc & HAS_TS) !== 0;
    p.sackPermitted = (misc & SACK_PERMITTED) !== 0;
    p.hasTimestamps = (misc & TIMESTAMPS) !== 0;
    p.hasTfo = (misc & TFO) !== 0;
    p.tcpHeaderTruncated = (misc & HEADER_TRUNCATED) !== 0;
    p.inIcmpError = (misc & IN_ICMP_ERROR) !== 0;
    p.ipVersion = (misc >>> 20) & 0xf;
    p.status = ((misc >>> 24) & 0xff) as DecodeStatusCode;
    const opts = i[ib + I_OPTIONS]!;
    p.mss = (opts & 0x1ffff) - 1;
    p.wscale = (opts >>> 17) - 1;
    const header = i[ib + I_HEADER]!;
    p.tcpFields = header & 0xff;
    p.tcpHeaderLen = header >>> 8;
    const a = (ib + I_ADDR) * 4;
    p.srcAddrOff = a;
    p.dstAddrOff = a + 16;
    observe(
      frame,
      p,
      i[ib + I_STREAM]!,
      i[ib + I_WS_FLAGS]!,
      i[ib + I_TUPLE]!,
      i[ib + I_TUPLE_GEN]!,
      (misc & DIR_1) !== 0 ? 1 : 0,
    );
  }
}
