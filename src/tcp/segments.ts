/**
 * The per-direction list of segments sent but not yet acknowledged (Wireshark's `segments` list of
 * tcp_unacked_t), kept without an object per segment.
 *
 * Wireshark keeps one list per direction, newest first, and walks all of it on every packet. We keep
 * the same multiset in two parts so that the common case costs O(segments acked):
 *  - `main`: segments in sending order whose sequence ranges also ascend without overlap (each starts
 *    at or after the end of the previous one), spanning less than 2^30. A cumulative ACK removes a
 *    prefix of it and can only trim its first remaining segment.
 *  - `extra`: everything else (retransmissions, keep-alives, data after a probe); usually a handful,
 *    walked in full.
 * Every observable result (which segment an ACK matches, the oldest segment for RTO, bytes in
 * flight) is the same as walking Wireshark's single list: "oldest" is decided by frame number, which
 * is the insertion order.
 */
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqSub } from "../util/seq.js";
import { grow } from "./flows.js";

const NONE = -1;
const MAIN_SPAN_LIMIT = 1 << 30;

// segment record slots (Float64Array, stride SEG_STRIDE)
const SEQ = 0;
const END = 1;
const FRAME = 2;
const TIME = 3;
const SEG_STRIDE = 4;

// per-flow head slots (Int32Array, stride HEAD_STRIDE)
const OLDEST = 0;
const NEWEST = 1;
const EXTRA = 2;
const COUNT = 3;
const HEAD_STRIDE = 4;

/** What the store reads of a packet (tcp/context.ts PacketContext has these fields). */
export interface SegmentPacket {
  /** Flow of the sender and of the receiver. */
  readonly fwd: number;
  readonly rev: number;
  readonly seq: number;
  readonly len: number;
  readonly ack: number;
  readonly frame: number;
  readonly time: number;
}

export class SegmentStore {
  private cap = 0;
  /** Segment records: seq, end, frame, time. */
  private sd = new Float64Array(0);
  /** Next segment: newer one in `main`, next one in `extra`, next free one in the free list. */
  private link = new Int32Array(0);
  private free = NONE;
  private flowCap = 0;
  private heads = new Int32Array(0);
  private readonly scratch = new Int32Array(64);

  /** Result of `ack()`: frame and time of the segment this ACK exactly matched (−1 = none). */
  ackedFrame = NONE;
  ackedTime = 0;

  constructor() {
    // Frame numbers and ns times: V8's double layout from the start (connection/state.ts primeLayouts).
    this.ackedFrame = 0.5;
    this.ackedTime = 0.5;
    this.ackedFrame = NONE;
    this.ackedTime = 0;
  }

  ensureFlows(n: number): void {
    if (n <= this.flowCap) return;
    let cap = Math.max(64, this.flowCap * 2);
    while (cap < n) cap *= 2;
    const old = this.flowCap;
    this.heads = grow(this.heads, cap * HEAD_STRIDE, Int32Array);
    for (let f = old; f < cap; f++) {
      const h = f * HEAD_STRIDE;
      this.heads[h + OLDEST] = NONE;
      this.heads[h + NEWEST] = NONE;
      this.heads[h + EXTRA] = NONE;
    }
    this.flowCap = cap;
  }

  /** Forgets every segment of flow `f` (its conversation slot is being reused). */
  clearFlow(f: number): void {
    if (f >= this.flowCap) return;
    const heads = this.heads;
    const h = f * HEAD_STRIDE;
    const link = this.link;
    for (const head of [OLDEST, EXTRA]) {
      let s = heads[h + head]!;
      while (s !== NONE) {
        const next = link[s]!;
        link[s] = this.free;
        this.free = s;
        s = next;
      }
    }
    heads[h + OLDEST] = NONE;
    heads[h + NEWEST] = NONE;
    heads[h + EXTRA] = NONE;
    heads[h + COUNT] = 0;
  }

  /** Unacked segments remembered for flow `f`. */
  count(f: number): number {
    return this.heads[f * HEAD_STRIDE + COUNT]!;
  }

  /** Frame and time of segment `s` (from `oldest`). */
  frameOf(s: number): number {
    return this.sd[s * SEG_STRIDE + FRAME]!;
  }
  timeOf(s: number): number {
    return this.sd[s * SEG_STRIDE + TIME]!;
  }

  private alloc(): number {
    if (this.free === NONE) {
      const old = this.cap;
      const cap = Math.max(1024, old * 2);
      this.sd = grow(this.sd, cap * SEG_STRIDE, Float64Array);
      this.link = grow(this.link, cap, Int32Array);
      for (let i = cap - 1; i >= old; i--) {
        this.link[i] = this.free;
        this.free = i;
      }
      this.cap = cap;
    }
    const s = this.free;
    this.free = this.link[s]!;
    return s;
  }

  /**
   * Records the segment packet `p` sent: [seq, seq + len + `plusOne`) (1 for a SYN or FIN byte)
   * from flow p.fwd, in its frame at its time. (The packet comes as an object, not as numbers:
   * sequence numbers and times are not small integers, and a call that V8 does not inline boxes every
   * such argument — a hundred megabytes of garbage per gigabyte of capture.)
   */
  add(p: SegmentPacket, plusOne: number): void {
    const f = p.fwd;
    const seq = p.seq;
    const end = seqAdd(seqAdd(seq, p.len), plusOne);
    const frame = p.frame;
    const time = p.time;
    const s = this.alloc();
    const sd = this.sd;
    const b = s * SEG_STRIDE;
    sd[b + SEQ] = seq;
    sd[b + END] = end;
    sd[b + FRAME] = frame;
    sd[b + TIME] = time;
    this.link[s] = NONE;
    const heads = this.heads;
    const h = f * HEAD_STRIDE;
    heads[h + COUNT]!++;
    const newest = heads[h + NEWEST]!;
    if (newest === NONE) {
      heads[h + OLDEST] = s;
      heads[h + NEWEST] = s;
      return;
    }
    const oldest = heads[h + OLDEST]!;
    if (
      seqGe(seq, sd[newest * SEG_STRIDE + END]!) &&
      seqGt(end, seq) &&
      seqDiff(sd[oldest * SEG_STRIDE + SEQ]!, end) < MAIN_SPAN_LIMIT
    ) {
      this.link[newest] = s;
      heads[h + NEWEST] = s;
    } else {
      this.link[s] = heads[h + EXTRA]!;
      heads[h + EXTRA] = s;
    }
  }

  /**
   * Applies packet `p`'s (raw) acknowledgement number to the segments of the other direction
   * (p.rev), as Wireshark does for every packet: a segment ending exactly at it is matched and
   * removed (the oldest such one is reported in ackedFrame/ackedTime), segments ending before it are
   * removed, a segment straddling it is trimmed to start at it. (An object for the same reason as add.)
   */
  ack(p: SegmentPacket): void {
    const f = p.rev;
    const ack = p.ack;
    this.ackedFrame = NONE;
    const heads = this.heads;
    const h = f * HEAD_STRIDE;
    const sd = this.sd;
    const link = this.link;
    // main: remove a prefix, trim at most the first survivor.
    let s = heads[h + OLDEST]!;
    if (s === NONE && heads[h + EXTRA] === NONE) return;
    while (s !== NONE) {
      const b = s * SEG_STRIDE;
      const end = sd[b + END]!;
      if (end === ack) {
        this.match(s);
      } else if (seqGt(ack, sd[b + SEQ]!) && seqLe(ack, end)) {
        sd[b + SEQ] = ack;
        break;
      } else if (seqGt(end, ack)) {
        break;
      }
      const next = link[s]!;
      link[s] = this.free;
      this.free = s;
      heads[h + COUNT]!--;
      s = next;
      if (end === ack) break;
    }
    heads[h + OLDEST] = s;
    if (s === NONE) heads[h + NEWEST] = NONE;
    // extra: walk all.
    let prev = NONE;
    s = heads[h + EXTRA]!;
    while (s !== NONE) {
      const b = s * SEG_STRIDE;
      const end = sd[b + END]!;
      const next = link[s]!;
      let remove = false;
      if (end === ack) {
        this.match(s);
        remove = true;
      } else if (seqGt(ack, sd[b + SEQ]!) && seqLe(ack, end)) {
        sd[b + SEQ] = ack;
      } else if (!seqGt(end, ack)) {
        remove = true;
      }
      if (remove) {
        if (prev === NONE) heads[h + EXTRA] = next;
        else link[prev] = next;
        link[s] = this.free;
        this.free = s;
        heads[h + COUNT]!--;
      } else {
        prev = s;
      }
      s = next;
    }
    if (heads[h + NEWEST] === NONE && heads[h + EXTRA] !== NONE) this.promote(f);
  }

  private match(s: number): void {
    const fr = this.sd[s * SEG_STRIDE + FRAME]!;
    if (this.ackedFrame === NONE || fr < this.ackedFrame) {
      this.ackedFrame = fr;
      this.ackedTime = this.sd[s * SEG_STRIDE + TIME]!;
    }
  }

  /** main ran empty while extra holds segments: rebuild main from them so later ACKs stay cheap. */
  private promote(f: number): void {
    const heads = this.heads;
    const h = f * HEAD_STRIDE;
    const sd = this.sd;
    const link = this.link;
    // Re-add the extra segments in frame (= insertion) order, letting `add`'s rule sort them again.
    const tmp = this.scratch;
    let n = 0;
    for (let s = heads[h + EXTRA]!; s !== NONE; s = link[s]!) {
      if (n === tmp.length) return; // keep long lists in extra; correctness does not depend on it
      let i = n++;
      while (i > 0 && sd[tmp[i - 1]! * SEG_STRIDE + FRAME]! > sd[s * SEG_STRIDE + FRAME]!) {
        tmp[i] = tmp[i - 1]!;
        i--;
      }
      tmp[i] = s;
    }
    heads[h + EXTRA] = NONE;
    for (let i = 0; i < n; i++) {
      const s = tmp[i]!;
      link[s] = NONE;
      const newest = heads[h + NEWEST]!;
      if (newest === NONE) {
        heads[h + OLDEST] = s;
        heads[h + NEWEST] = s;
      } else if (
        seqGe(sd[s * SEG_STRIDE + SEQ]!, sd[newest * SEG_STRIDE + END]!) &&
        seqDiff(sd[heads[h + OLDEST]! * SEG_STRIDE + SEQ]!, sd[s * SEG_STRIDE + END]!) < MAIN_SPAN_LIMIT
      ) {
        link[newest] = s;
        heads[h + NEWEST] = s;
      } else {
        link[s] = heads[h + EXTRA]!;
        heads[h + EXTRA] = s;
      }
    }
  }

  /** The oldest (first sent) remaining segment of flow `f`, or −1. */
  oldest(f: number): number {
    const h = f * HEAD_STRIDE;
    let best = this.heads[h + OLDEST]!;
    for (let s = this.heads[h + EXTRA]!; s !== NONE; s = this.link[s]!) {
      if (best === NONE || this.sd[s * SEG_STRIDE + FRAME]! < this.sd[best * SEG_STRIDE + FRAME]!) best = s;
    }
    return best;
  }

  /**
   * Wireshark's bytes-in-flight measure over flow `f`'s segments: largest (end − base) minus
   * smallest (seq − base), each taken as an unsigned 32-bit offset from `base`. −1 if no segments.
   */
  span(f: number, base: number): number {
    const h = f * HEAD_STRIDE;
    const sd = this.sd;
    let first = 0;
    let last = 0;
    let any = false;
    const o = this.heads[h + OLDEST]!;
    if (o !== NONE) {
      const a = seqSub(sd[o * SEG_STRIDE + SEQ]!, base);
      const b = seqSub(sd[this.heads[h + NEWEST]! * SEG_STRIDE + END]!, base);
      if (a <= b) {
        first = a;
        last = b;
        any = true;
      } else {
        // Relative numbers wrap inside main (> 4 GiB since base): look at every segment.
        for (let s = o; s !== NONE; s = this.link[s]!) {
          const x = seqSub(sd[s * SEG_STRIDE + SEQ]!, base);
          const y = seqSub(sd[s * SEG_STRIDE + END]!, base);
          if (!any) {
            first = x;
            last = y;
            any = true;
          } else {
            if (x < first) first = x;
            if (y > last) last = y;
          }
        }
      }
    }
    for (let s = this.heads[h + EXTRA]!; s !== NONE; s = this.link[s]!) {
      const x = seqSub(sd[s * SEG_STRIDE + SEQ]!, base);
      const y = seqSub(sd[s * SEG_STRIDE + END]!, base);
      if (!any) {
        first = x;
        last = y;
        any = true;
      } else {
        if (x < first) first = x;
        if (y > last) last = y;
      }
    }
    return any ? (last - first) >>> 0 : -1;
  }
}
