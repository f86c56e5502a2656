/**
 * The series of a time-sequence (Stevens) graph for one data direction of a connection, decimated so
 * a big connection still draws in a few thousand marks. Kept apart from the drawing (tseq-svg.ts) so
 * other front ends (the web UI) can plot the same series.
 *
 * y is the sender's relative sequence number: the sender's segments at their Seq..Seq+Len, and the
 * receiver's Ack (and Ack+Win, the right edge of what it may send) in the same number space.
 */
import type { ConnectionDetail, PacketView } from "../model/report.js";
import { packetKind } from "./report-common.js";

export interface Segment {
  t: number;
  lo: number;
  hi: number;
  frame: number;
  retrans: boolean;
}
export interface Point {
  t: number;
  y: number;
}
export interface Mark extends Point {
  frame: number;
  kind: "zerowin" | "probe" | "dupack" | "rst" | "fin" | "syn";
  from: "a" | "b";
}

export interface TseqSeries {
  sender: "a" | "b";
  /** Bytes the sender carried (sum of Len, retransmissions included). */
  dataBytes: number;
  segments: Segment[];
  acks: Point[];
  windowEdge: Point[];
  marks: Mark[];
  /** Intervals during which the receiver advertised a zero window. */
  zeroSpans: { t0: number; t1: number }[];
  tMin: number;
  tMax: number;
  yMin: number;
  yMax: number;
  /** Data segments before decimation, and whether some were merged. */
  segmentCount: number;
  decimated: boolean;
  /** Receiver ACKs left off the graph because they point far outside the data (a bogus ACK number). */
  offScaleAcks: number;
  /** The window edge went above yMax and is drawn cut at the top. */
  windowClipped: boolean;
}

/** Which side sent the most payload: the direction worth graphing ("a" on a tie). */
export function dataDirection(d: ConnectionDetail): "a" | "b" {
  let a = 0;
  let b = 0;
  for (const p of d.packets) {
    if (p.from === "a") a += p.len;
    else b += p.len;
  }
  return b > a ? "b" : "a";
}

export function tseqSeries(d: ConnectionDetail, sender: "a" | "b", maxMarks = 3000): TseqSeries {
  const pk = d.packets;
  const tMin = pk.length ? pk[0]!.rel : 0;
  const tMaxRaw = pk.length ? pk[pk.length - 1]!.rel : 0;
  const tMax = tMaxRaw > tMin ? tMaxRaw : tMin + 0.001;

  const segs: Segment[] = [];
  let dataHi = 0;
  let dataBytes = 0;
  for (const p of pk) {
    if (p.from !== sender || p.len <= 0) continue;
    const kind = packetKind(p);
    segs.push({ t: p.rel, lo: p.seq, hi: p.seq + p.len, frame: p.frame, retrans: kind === "retrans" });
    dataHi = Math.max(dataHi, p.seq + p.len);
    dataBytes += p.len;
  }
  // An ACK can run ahead of the data we saw (capture missed it), but not by more than a window's worth;
  // a SYN-ACK acknowledging some other connection's numbers would flatten the whole graph.
  const ackLimit = dataHi + 1 + Math.max(1 << 20, dataHi);
  const acks: Point[] = [];
  const edge: Point[] = [];
  const marks: Mark[] = [];
  const zeroSpans: { t0: number; t1: number }[] = [];
  let offScaleAcks = 0;
  let lastAck = 0;
  let zeroSince: number | null = null;
  for (const p of pk) {
    const kind = packetKind(p);
    if (p.from === sender) {
      // A sender's RST may carry a number from another connection (the answer to a bogus SYN-ACK).
      if (p.seq > ackLimit) continue;
      if (/\bSYN\b/.test(p.flags)) marks.push(mark(p, "syn", p.seq));
      if (/\bFIN\b/.test(p.flags)) marks.push(mark(p, "fin", p.seq + p.len));
      if (kind === "rst") marks.push(mark(p, "rst", p.seq));
      if (kind === "zerowin" && p.len <= 1) marks.push(mark(p, "probe", p.seq));
      continue;
    }
    const hasAck = /\bACK\b/.test(p.flags);
    if (hasAck && p.ack > ackLimit) {
      offScaleAcks++;
      continue;
    }
    if (hasAck) {
      lastAck = p.ack;
      acks.push({ t: p.rel, y: p.ack });
      if (kind !== "rst") edge.push({ t: p.rel, y: p.ack + p.win });
    }
    if (kind === "rst") marks.push(mark(p, "rst", lastAck));
    else if (p.win === 0 && hasAck) {
      marks.push(mark(p, "zerowin", lastAck));
      zeroSince ??= p.rel;
    } else if (zeroSince !== null) {
      zeroSpans.push({ t0: zeroSince, t1: p.rel });
      zeroSince = null;
    }
    if (kind === "dupack") marks.push(mark(p, "dupack", lastAck));
    if (/\bFIN\b/.test(p.flags)) marks.push(mark(p, "fin", lastAck));
  }
  if (zeroSince !== null) zeroSpans.push({ t0: zeroSince, t1: tMax });

  const yTop = Math.max(
    dataHi,
    maxOf(acks, (a) => a.y),
    1,
  );
  const edgeTop = maxOf(edge, (e) => e.y);
  // Keep the data readable: a window far larger than what was sent is drawn cut at the top.
  const yMax = edgeTop <= yTop * 1.5 ? Math.max(yTop, edgeTop) : yTop * 1.5;
  const yMin = Math.min(0, -maxOf(segs, (s) => -s.lo));

  const buckets = Math.max(50, Math.floor(maxMarks / 2));
  const decimated = segs.length > maxMarks;
  const segments = decimated
    ? [
        ...mergeSegments(
          segs.filter((s) => !s.retrans),
          buckets,
          tMin,
          tMax,
        ),
        ...mergeSegments(
          segs.filter((s) => s.retrans),
          buckets / 2,
          tMin,
          tMax,
        ),
      ]
    : segs;
  return {
    sender,
    dataBytes,
    segments,
    acks: decimateSteps(acks, buckets, tMin, tMax),
    windowEdge: decimateSteps(edge, buckets, tMin, tMax),
    marks: capMarks(marks, Math.floor(maxMarks / 3), tMin, tMax),
    zeroSpans,
    tMin,
    tMax,
    yMin,
    yMax,
    segmentCount: segs.length,
    decimated,
    offScaleAcks,
    windowClipped: edgeTop > yMax,
  };
}

/** Largest f(x), 0 for none; a loop, because spreading 100k values into Math.max overflows the stack. */
function maxOf<T>(xs: T[], f: (x: T) => number): number {
  let m = 0;
  for (const x of xs) m = Math.max(m, f(x));
  return m;
}

function mark(p: PacketView, kind: Mark["kind"], y: number): Mark {
  return { t: p.rel, y, frame: p.frame, kind, from: p.from };
}

function bucketOf(t: number, n: number, tMin: number, tMax: number): number {
  return Math.min(n - 1, Math.floor(((t - tMin) / (tMax - tMin)) * n));
}

/** One bar per time bucket spanning every segment in it: at the graph's resolution they overlap anyway. */
function mergeSegments(segs: Segment[], n: number, tMin: number, tMax: number): Segment[] {
  const out = new Map<number, Segment>();
  for (const s of segs) {
    const b = bucketOf(s.t, n, tMin, tMax);
    const m = out.get(b);
    if (!m) out.set(b, { ...s });
    else {
      m.lo = Math.min(m.lo, s.lo);
      m.hi = Math.max(m.hi, s.hi);
    }
  }
  return [...out.values()];
}

/** Per time bucket keeps the first, lowest, highest and last point, in time order: dips survive. */
export function decimateSteps(pts: Point[], n: number, tMin: number, tMax: number): Point[] {
  if (pts.length <= n * 4) return pts;
  const out: Point[] = [];
  let start = 0;
  while (start < pts.length) {
    const b = bucketOf(pts[start]!.t, n, tMin, tMax);
    let end = start;
    let lo = start;
    let hi = start;
    while (end + 1 < pts.length && bucketOf(pts[end + 1]!.t, n, tMin, tMax) === b) {
      end++;
      if (pts[end]!.y < pts[lo]!.y) lo = end;
      if (pts[end]!.y > pts[hi]!.y) hi = end;
    }
    for (const i of [...new Set([start, lo, hi, end])].sort((x, y) => x - y)) out.push(pts[i]!);
    start = end + 1;
  }
  return out;
}

/** At most `max` marks: the first of each kind per time bucket (RST/FIN/SYN are few and always kept). */
function capMarks(marks: Mark[], max: number, tMin: number, tMax: number): Mark[] {
  if (marks.length <= max) return marks;
  const seen = new Set<string>();
  return marks.filter((m) => {
    if (m.kind === "rst" || m.kind === "fin" || m.kind === "syn") return true;
    const key = `${m.kind}:${bucketOf(m.t, Math.max(1, Math.floor(max / 3)), tMin, tMax)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
