/**
 * Per-frame analysis results as columns indexed by frame number (1-based), stored in fixed-size
 * chunks of typed arrays: growing never copies, and memory is ~36 bytes per frame. No object per
 * packet. Rare values (duplicate-ACK numbers, RTOs, second-pass base changes) live in side tables
 * appended in frame order and found by binary search.
 */
import { grow } from "./flows.js";

export const CHUNK_SHIFT = 16;
export const CHUNK_SIZE = 1 << CHUNK_SHIFT;
export const CHUNK_MASK = CHUNK_SIZE - 1;

/** Columns of CHUNK_SIZE consecutive frames. */
export class FrameChunk {
  /** Flow (conversation * 2 + direction) the frame's TCP header belongs to; −1 = no TCP stream. */
  readonly flow = new Int32Array(CHUNK_SIZE).fill(-1);
  /** Raw sequence and acknowledgement fields. */
  readonly seq = new Uint32Array(CHUNK_SIZE);
  readonly ack = new Uint32Array(CHUNK_SIZE);
  /** TCP flag bits (12) in the low half, raw window in the high half. */
  readonly hdr = new Uint32Array(CHUNK_SIZE);
  /** Analysis flag bits (flags.ts Flag) plus FrameBit bits. */
  readonly bits = new Uint32Array(CHUNK_SIZE);
  /** tcp.analysis.acks_frame (0 = none). */
  readonly acksFrame = new Int32Array(CHUNK_SIZE);
  /** tcp.analysis.ack_rtt in ns (meaningful when acksFrame ≠ 0). */
  readonly ackRttNs = new Float64Array(CHUNK_SIZE);
  /** tcp.analysis.bytes_in_flight (0 = not shown). */
  readonly bytesInFlight = new Int32Array(CHUNK_SIZE);
}

/** A growable list of (frame, a, b) triples appended in frame order. */
export class FrameSideTable {
  frames = new Int32Array(0);
  a = new Float64Array(0);
  b = new Int32Array(0);
  count = 0;

  push(frame: number, a: number, b: number): void {
    if (this.count === this.frames.length) {
      const cap = Math.max(256, this.count * 2);
      this.frames = grow(this.frames, cap, Int32Array);
      this.a = grow(this.a, cap, Float64Array);
      this.b = grow(this.b, cap, Int32Array);
    }
    this.frames[this.count] = frame;
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.count++;
  }

  /** Index of `frame`, or −1. */
  find(frame: number): number {
    let lo = 0;
    let hi = this.count - 1;
    const f = this.frames;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = f[mid]!;
      if (v === frame) return mid;
      if (v < frame) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Index of the last entry with frame ≤ `frame`, or −1. */
  findAtOrBefore(frame: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let best = -1;
    const f = this.frames;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (f[mid]! <= frame) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }
}

export class FrameColumns {
  /** Chunks by frame range; a range no stored frame falls in has none (a hole). */
  readonly chunks: (FrameChunk | undefined)[] = [];
  /** Highest frame number stored. */
  maxFrame = 0;
  /** Duplicate ACKs: a = tcp.analysis.duplicate_ack_num, b = duplicate_ack_frame. */
  readonly dupAcks = new FrameSideTable();
  /** Plain retransmissions: a = RTO in ns, b = rto_frame. */
  readonly rtos = new FrameSideTable();

  /**
   * The chunk holding `frame`, created if needed. Only ranges with stored frames get one, so an
   * analyzer fed a few connections of a long capture stays small.
   */
  chunkFor(frame: number): FrameChunk {
    const ci = frame >>> CHUNK_SHIFT;
    let ch = this.chunks[ci];
    if (ch === undefined) {
      ch = new FrameChunk();
      this.chunks[ci] = ch;
    }
    return ch;
  }

  /** The chunk holding `frame`, or undefined when nothing was stored that far. */
  chunkOf(frame: number): FrameChunk | undefined {
    return frame >= 0 ? this.chunks[frame >>> CHUNK_SHIFT] : undefined;
  }
}
