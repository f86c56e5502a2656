/**
 * Per-frame analysis results as columns indexed by frame number (1-based; index 0 unused), grown by
 * doubling. No object per packet. Rare values (duplicate-ACK numbers, RTOs) live in side tables
 * appended in frame order and found by binary search.
 */
import { grow } from "./flows.js";

export class FrameColumns {
  capacity = 0;
  /** Highest frame number stored. */
  maxFrame = 0;
  /** Flow (conversation * 2 + direction) the frame's TCP header belongs to; −1 = no TCP stream. */
  flow = new Int32Array(0);
  /** Raw sequence and acknowledgement fields. */
  seq = new Uint32Array(0);
  ack = new Uint32Array(0);
  /** TCP flag bits (12) in the low half, raw window in the high half. */
  hdr = new Uint32Array(0);
  /** Analysis flag bits (flags.ts Flag) plus FrameBit bits. */
  bits = new Uint32Array(0);
  /** tcp.analysis.acks_frame (0 = none) and ack_rtt in ns (NaN = not shown). */
  acksFrame = new Int32Array(0);
  ackRttNs = new Float64Array(0);
  /** tcp.analysis.bytes_in_flight (0 = not shown). */
  bytesInFlight = new Int32Array(0);
  /** Display values after `finish` (tshark's second pass): relative seq/ack. */
  seqShown = new Uint32Array(0);
  ackShown = new Uint32Array(0);

  // ---- side tables (frame order) ----
  dupFrames = new Int32Array(0);
  dupNum = new Int32Array(0);
  dupOf = new Int32Array(0);
  dupCount = 0;
  rtoFrames = new Int32Array(0);
  rtoNs = new Float64Array(0);
  rtoOf = new Int32Array(0);
  rtoCount = 0;

  ensure(frame: number): void {
    if (frame < this.capacity) return;
    let cap = Math.max(1024, this.capacity * 2);
    while (cap <= frame) cap *= 2;
    const old = this.capacity;
    this.flow = grow(this.flow, cap, Int32Array);
    this.flow.fill(-1, old);
    this.seq = grow(this.seq, cap, Uint32Array);
    this.ack = grow(this.ack, cap, Uint32Array);
    this.hdr = grow(this.hdr, cap, Uint32Array);
    this.bits = grow(this.bits, cap, Uint32Array);
    this.acksFrame = grow(this.acksFrame, cap, Int32Array);
    this.ackRttNs = grow(this.ackRttNs, cap, Float64Array);
    this.ackRttNs.fill(Number.NaN, old);
    this.bytesInFlight = grow(this.bytesInFlight, cap, Int32Array);
    this.capacity = cap;
  }

  addDupAck(frame: number, num: number, of: number): void {
    if (this.dupCount === this.dupFrames.length) {
      const cap = Math.max(256, this.dupCount * 2);
      this.dupFrames = grow(this.dupFrames, cap, Int32Array);
      this.dupNum = grow(this.dupNum, cap, Int32Array);
      this.dupOf = grow(this.dupOf, cap, Int32Array);
    }
    this.dupFrames[this.dupCount] = frame;
    this.dupNum[this.dupCount] = num;
    this.dupOf[this.dupCount] = of;
    this.dupCount++;
  }

  addRto(frame: number, ns: number, of: number): void {
    if (this.rtoCount === this.rtoFrames.length) {
      const cap = Math.max(256, this.rtoCount * 2);
      this.rtoFrames = grow(this.rtoFrames, cap, Int32Array);
      this.rtoNs = grow(this.rtoNs, cap, Float64Array);
      this.rtoOf = grow(this.rtoOf, cap, Int32Array);
    }
    this.rtoFrames[this.rtoCount] = frame;
    this.rtoNs[this.rtoCount] = ns;
    this.rtoOf[this.rtoCount] = of;
    this.rtoCount++;
  }
}

/** Index of `frame` in a sorted Int32Array prefix of length n, or −1. */
export function findFrame(frames: Int32Array, n: number, frame: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = frames[mid]!;
    if (v === frame) return mid;
    if (v < frame) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
