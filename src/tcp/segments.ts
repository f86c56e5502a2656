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
import { seqDiff, seqGe, seqGt, seqLe, seqSub } from "../util/seq.js";
import { grow } from "./flows.js";

const NONE = -1;
const MAIN_SPAN_LIMIT = 1 << 30;

export class SegmentStore {
  // ---- segment pool ----
  private cap = 0;
  seq = new Uint32Array(0);
  end = new Uint32Array(0);
  frame = new Int32Array(0);
  time = new Float64Array(0);
  /** Next segment: newer one in `main`, next one in `extra`, next free one in the free list. */
  private link = new Int32Array(0);
  private free = NONE;

  // ---- per flow ----
  private flowCap = 0;
  mainOldest = new Int32Array(0);
  mainNewest = new Int32Array(0);
  extraHead = new Int32Array(0);
  count = new Int32Array(0);

  /** Result of `ack()`: frame and time of the segment this ACK exactly matched (−1 = none). */
  ackedFrame = NONE;
  ackedTime = 0;

  ensureFlows(n: number): void {
    if (n <= this.flowCap) return;
    let cap = Math.max(64, this.flowCap * 2);
    while (cap < n) cap *= 2;
    const old = this.flowCap;
    this.mainOldest = grow(this.mainOldest, cap, Int32Array);
    this.mainNewest = grow(this.mainNewest, cap, Int32Array);
    this.extraHead = grow(this.extraHead, cap, Int32Array);
    this.count = grow(this.count, cap, Int32Array);
    this.mainOldest.fill(NONE, old);
    this.mainNewest.fill(NONE, old);
    this.extraHead.fill(NONE, old);
    this.flowCap = cap;
  }

  private alloc(): number {
    if (this.free === NONE) {
      const old = this.cap;
      const cap = Math.max(1024, old * 2);
      this.seq = grow(this.seq, cap, Uint32Array);
      this.end = grow(this.end, cap, Uint32Array);
      this.frame = grow(this.frame, cap, Int32Array);
      this.time = grow(this.time, cap, Float64Array);
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

  private release(s: number): void {
    this.link[s] = this.free;
    this.free = s;
  }

  /** Records a segment [seq, end) sent by flow `f` in `frame` at `time`. */
  add(f: number, seq: number, end: number, frame: number, time: number): void {
    const s = this.alloc();
    this.seq[s] = seq;
    this.end[s] = end;
    this.frame[s] = frame;
    this.time[s] = time;
    this.link[s] = NONE;
    this.count[f]!++;
    const newest = this.mainNewest[f]!;
    if (newest === NONE) {
      this.mainOldest[f] = s;
      this.mainNewest[f] = s;
      return;
    }
    const oldest = this.mainOldest[f]!;
    if (
      seqGe(seq, this.end[newest]!) &&
      seqGt(end, seq) &&
      seqDiff(this.seq[oldest]!, end) < MAIN_SPAN_LIMIT
    ) {
      this.link[newest] = s;
      this.mainNewest[f] = s;
    } else {
      this.link[s] = this.extraHead[f]!;
      this.extraHead[f] = s;
    }
  }

  /**
   * Applies a (raw) acknowledgement number to flow `f`'s segments, as Wireshark does for every
   * packet of the other direction: a segment ending exactly at `ack` is matched and removed (the
   * oldest such one is reported in ackedFrame/ackedTime), segments ending before it are removed,
   * a segment straddling it is trimmed to start at it.
   */
  ack(f: number, ack: number): void {
    this.ackedFrame = NONE;
    const seqA = this.seq;
    const endA = this.end;
    // main: remove a prefix, trim at most the first survivor.
    let s = this.mainOldest[f]!;
    while (s !== NONE) {
      const end = endA[s]!;
      if (end === ack) {
        this.match(s);
      } else if (seqGt(ack, seqA[s]!) && seqLe(ack, end)) {
        seqA[s] = ack;
        break;
      } else if (seqGt(end, ack)) {
        break;
      }
      const next = this.link[s]!;
      this.release(s);
      this.count[f]!--;
      s = next;
      if (end === ack) break;
    }
    this.mainOldest[f] = s;
    if (s === NONE) this.mainNewest[f] = NONE;
    // extra: walk all.
    let prev = NONE;
    s = this.extraHead[f]!;
    while (s !== NONE) {
      const end = endA[s]!;
      const next = this.link[s]!;
      let remove = false;
      if (end === ack) {
        this.match(s);
        remove = true;
      } else if (seqGt(ack, seqA[s]!) && seqLe(ack, end)) {
        seqA[s] = ack;
      } else if (!seqGt(end, ack)) {
        remove = true;
      }
      if (remove) {
        if (prev === NONE) this.extraHead[f] = next;
        else this.link[prev] = next;
        this.release(s);
        this.count[f]!--;
      } else {
        prev = s;
      }
      s = next;
    }
    if (this.mainNewest[f] === NONE && this.extraHead[f] !== NONE) this.promote(f);
  }

  private match(s: number): void {
    const fr = this.frame[s]!;
    if (this.ackedFrame === NONE || fr < this.ackedFrame) {
      this.ackedFrame = fr;
      this.ackedTime = this.time[s]!;
    }
  }

  /** main ran empty while extra holds segments: rebuild main from them so later ACKs stay cheap. */
  private promote(f: number): void {
    // Re-add extra segments in frame order (insertion order), letting `add`'s rule sort them again.
    const tmp: number[] = [];
    for (let s = this.extraHead[f]!; s !== NONE; s = this.link[s]!) tmp.push(s);
    if (tmp.length > 64) return; // keep pathological lists in extra; correctness does not depend on it
    tmp.sort((a, b) => this.frame[a]! - this.frame[b]!);
    this.extraHead[f] = NONE;
    for (const s of tmp) {
      this.link[s] = NONE;
      const newest = this.mainNewest[f]!;
      if (newest === NONE) {
        this.mainOldest[f] = s;
        this.mainNewest[f] = s;
      } else if (
        seqGe(this.seq[s]!, this.end[newest]!) &&
        seqDiff(this.seq[this.mainOldest[f]!]!, this.end[s]!) < MAIN_SPAN_LIMIT
      ) {
        this.link[newest] = s;
        this.mainNewest[f] = s;
      } else {
        this.link[s] = this.extraHead[f]!;
        this.extraHead[f] = s;
      }
    }
  }

  /** The oldest (first sent) remaining segment of flow `f`, or −1. */
  oldest(f: number): number {
    let best = this.mainOldest[f]!;
    for (let s = this.extraHead[f]!; s !== NONE; s = this.link[s]!) {
      if (best === NONE || this.frame[s]! < this.frame[best]!) best = s;
    }
    return best;
  }

  /**
   * Wireshark's bytes-in-flight measure over flow `f`'s segments: largest (end − base) minus
   * smallest (seq − base), each taken as an unsigned 32-bit offset from `base`. −1 if no segments.
   */
  span(f: number, base: number): number {
    let first = 0;
    let last = 0;
    let any = false;
    const o = this.mainOldest[f]!;
    if (o !== NONE) {
      const n = this.mainNewest[f]!;
      const a = seqSub(this.seq[o]!, base);
      const b = seqSub(this.end[n]!, base);
      if (a <= b) {
        first = a;
        last = b;
        any = true;
      } else {
        // Relative numbers wrap inside main (> 4 GiB since base): look at every segment.
        for (let s = o; s !== NONE; s = this.link[s]!) {
          const x = seqSub(this.seq[s]!, base);
          const y = seqSub(this.end[s]!, base);
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
    for (let s = this.extraHead[f]!; s !== NONE; s = this.link[s]!) {
      const x = seqSub(this.seq[s]!, base);
      const y = seqSub(this.end[s]!, base);
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

  /** Drops every segment of flow `f` (not used by the 4.0 rules; for resets of a reused flow). */
  clear(f: number): void {
    for (let s = this.mainOldest[f]!; s !== NONE; ) {
      const n = this.link[s]!;
      this.release(s);
      s = n;
    }
    for (let s = this.extraHead[f]!; s !== NONE; ) {
      const n = this.link[s]!;
      this.release(s);
      s = n;
    }
    this.mainOldest[f] = NONE;
    this.mainNewest[f] = NONE;
    this.extraHead[f] = NONE;
    this.count[f] = 0;
  }
}

