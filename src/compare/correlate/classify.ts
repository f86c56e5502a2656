/**
 * What each packet seen on one side only means. For a packet of capture X missing from capture Y:
 *
 * - its sender is on X's side (it was travelling into the box): the box DROPPED it, unless the
 *   receiver acknowledged its bytes in Y before any copy of them crossed: then it did arrive and Y's
 *   capture MISSED it. Pure ACKs and RSTs cannot be confirmed either way (no data to acknowledge).
 * - its sender is on Y's side (it came out of the box without going in): the box INJECTED it,
 *   unless its bytes crossed in other packets (RESEGMENTED) or Y's view of the sender's stream has a
 *   hole exactly there (Y MISSED it). A zero-length packet is injected when it is a RST, or when its
 *   TTL differs from the TTL the real sender's packets have in X; otherwise it is only called injected
 *   when Y shows no capture loss elsewhere.
 * - packets before Y started or after it stopped (judged from Y's first/last frame, and from whether
 *   X shows packets forwarded from Y's side with nothing in Y) are OUTSIDE_OVERLAP; connections that
 *   never needed the box (both ends on one side) are NOT_THROUGH_BOX.
 *
 * Then idle timeouts: a direction whose packets stop crossing for good right after an idle gap.
 */
import { seqGe, seqGt, seqLt } from "../../util/seq.js";
import type { Correlation } from "./engine.js";
import { RST, type LoadedCapture } from "./table.js";

export const Status = {
  CROSSED: 0,
  DROPPED: 1,
  MISSED_BY_OTHER: 2,
  INJECTED: 3,
  RESEGMENTED: 4,
  NOT_THROUGH_BOX: 5,
  OUTSIDE_OVERLAP: 6,
  BLOCKED: 7,
  UNDETERMINED: 8,
} as const;

export const STATUS_NAMES = [
  "crossed",
  "dropped",
  "missed-by-other-capture",
  "injected",
  "resegmented",
  "not-through-box",
  "outside-overlap",
  "blocked-after-idle",
  "undetermined",
] as const;

export interface DropInfo {
  /** Later frame (same file) that resent these bytes, 0 if none; and whether that copy crossed. */
  retransFrame: number;
  retransCrossed: boolean;
  /** "unacked": the receiver never acknowledged it; "no-data": a pure ACK/RST, nothing to confirm. */
  proof: "unacked" | "no-data" | "no-counterpart";
}

export interface InjectInfo {
  /** Why we believe the box made it. */
  reason: "rst" | "ttl" | "data" | "no-loss-elsewhere" | "no-counterpart";
  /** TTL the real sender's packets have in this file (-1 unknown). */
  realTtl: number;
  /** The packet it seems to answer (same file): the last packet from the other direction before it. */
  triggerRow: number;
}

export interface IdleEvent {
  pair: number;
  /** Direction (A's orientation) whose packets stopped crossing. */
  dir: number;
  /** File where the blocked packets were seen (the sender's side). */
  inB: boolean;
  firstBlocked: number;
  lastBefore: number;
  /** Counterpart (or last packet before the gap) in the other file, -1 if none. */
  otherLastBefore: number;
  gapSec: number;
  /** Longest idle gap earlier in the connection that the box let through, s. */
  survivedGapSec: number;
  blocked: number[];
  /** Injected packets seen after the first blocked one, in the same file. */
  injected: number[];
}

export class Classification {
  readonly stA: Uint8Array;
  readonly stB: Uint8Array;
  readonly dropA = new Map<number, DropInfo>();
  readonly dropB = new Map<number, DropInfo>();
  readonly injA = new Map<number, InjectInfo>();
  readonly injB = new Map<number, InjectInfo>();
  readonly idle: IdleEvent[] = [];
  /** Box MAC per file (0 unknown), the box's own addresses per file. */
  readonly boxMac: [number, number] = [0, 0];
  readonly boxAddr: [Set<string>, Set<string>] = [new Set(), new Set()];
  /** The box's address per file learnt from ARP (its MAC), and the addresses it translates to (NAT). */
  readonly boxArp: [string | null, string | null] = [null, null];
  readonly boxNat: [Set<string>, Set<string>] = [new Set(), new Set()];
  /** Side of each unpaired connection's verdict, per file: conv → "blocked" | "not-through-box". */
  readonly unpairedReason: [Map<number, string>, Map<number, string>] = [new Map(), new Map()];
  /** Covered interval of the other capture, in each file's clock. */
  readonly covered: [[number, number], [number, number]] = [
    [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
  ];
  private ttlCache = new Map<number, number>();

  constructor(
    readonly corr: Correlation,
    readonly idleMinSec: number,
  ) {
    this.stA = new Uint8Array(corr.A.pk.n);
    this.stB = new Uint8Array(corr.B.pk.n);
  }

  /** Rows of each file seen on that side only (status other than CROSSED), in file order. */
  notCrossed: [Int32Array, Int32Array] = [new Int32Array(0), new Int32Array(0)];

  run(): void {
    // Every later step looks only at the rows seen on one side (few, normally).
    for (const inB of [false, true]) {
      const match = this.matchOf(inB);
      let n = 0;
      for (let r = 0; r < match.length; r++) if (match[r]! < 0) n++;
      const rows = new Int32Array(n);
      n = 0;
      for (let r = 0; r < match.length; r++) if (match[r]! < 0) rows[n++] = r;
      this.notCrossed[inB ? 1 : 0] = rows;
    }
    this.learnBox();
    for (const inB of [false, true]) this.coverage(inB);
    for (const inB of [false, true]) this.classifyFile(inB);
    for (const inB of [false, true]) this.resolveAmbiguous(inB);
    this.findIdle();
  }

  /** Rows of a file with the given status. */
  rowsWith(inB: boolean, code: number): number[] {
    const st = this.status(inB);
    const out: number[] = [];
    for (const r of this.notCrossed[inB ? 1 : 0]) if (st[r] === code) out.push(r);
    return out;
  }

  // ------------------------------------------------------------------ basics

  private X(inB: boolean): LoadedCapture {
    return inB ? this.corr.B : this.corr.A;
  }
  private Y(inB: boolean): LoadedCapture {
    return inB ? this.corr.A : this.corr.B;
  }
  status(inB: boolean): Uint8Array {
    return inB ? this.stB : this.stA;
  }
  private matchOf(inB: boolean): Int32Array {
    return inB ? this.corr.matchB : this.corr.matchA;
  }
  /** Conversation of pair p in file X. */
  convIn(inB: boolean, p: number): number {
    return inB ? this.corr.pairB[p]! : this.corr.pairA[p]!;
  }
  /** Direction in X's orientation of pair direction d (A's orientation). */
  dirIn(inB: boolean, p: number, d: number): number {
    return inB ? d ^ this.corr.dm[p]! : d;
  }
  /** Is the sender of pair direction pd on X's side of the box? */
  senderOnX(inB: boolean, pd: number): boolean {
    const a = this.corr.senderOnA[pd] === 1;
    return inB ? !a : a;
  }
  /** Time in Y's clock of a time in X's clock. */
  private toY(inB: boolean, t: number): number {
    return inB ? t - this.corr.offset : t + this.corr.offset;
  }
  rowsOf(L: LoadedCapture, c: number): Int32Array {
    return L.convRows.subarray(L.convStart[c]!, L.convStart[c + 1]!);
  }

  /** Modal TTL of matched packets of pair direction pd as seen in X, -1 when none. */
  realTtl(inB: boolean, pd: number): number {
    const key = pd * 2 + (inB ? 1 : 0);
    const hit = this.ttlCache.get(key);
    if (hit !== undefined) return hit;
    const X = this.X(inB);
    const p = pd >> 1;
    const dX = this.dirIn(inB, p, pd & 1);
    const match = this.matchOf(inB);
    const counts = new Map<number, number>();
    for (const r of this.rowsOf(X, this.convIn(inB, p))) {
      if (X.pk.dir[r] !== dX || match[r]! < 0) continue;
      const ttl = X.pk.ttl[r]!;
      counts.set(ttl, (counts.get(ttl) ?? 0) + 1);
    }
    let best = -1;
    let bestN = 0;
    for (const [ttl, n] of counts)
      if (n > bestN) {
        best = ttl;
        bestN = n;
      }
    this.ttlCache.set(key, best);
    return best;
  }

  // ------------------------------------------------------------------ the box

  /** The box's MAC in each file (source of packets it forwarded into that file) and its addresses. */
  private learnBox(): void {
    const corr = this.corr;
    for (const inB of [false, true]) {
      const X = this.X(inB);
      const votes = new Map<number, number>();
      for (let p = 0; p < corr.nPairs; p++) {
        for (let d = 0; d < 2; d++) {
          if (this.senderOnX(inB, 2 * p + d)) continue;
          const m = X.cv.srcMac[2 * this.convIn(inB, p) + this.dirIn(inB, p, d)]!;
          if (m) votes.set(m, (votes.get(m) ?? 0) + 1);
        }
      }
      let best = 0;
      let bestN = 0;
      for (const [m, n] of votes)
        if (n > bestN) {
          best = m;
          bestN = n;
        }
      this.boxMac[inB ? 1 : 0] = best;
      const ip = best ? X.arpIpOfMac.get(best) : undefined;
      if (ip) {
        this.boxAddr[inB ? 1 : 0].add(ip);
        this.boxArp[inB ? 1 : 0] = ip;
      }
    }
    // NAT: an endpoint whose address differs between the files; the address on the far side is the box's.
    for (let p = 0; p < corr.nPairs; p++) {
      const ca = corr.pairA[p]!;
      const cb = corr.pairB[p]!;
      for (let d = 0; d < 2; d++) {
        const addrA = corr.A.cv.addr(ca, d);
        const addrB = corr.B.cv.addr(cb, d ^ corr.dm[p]!);
        if (addrA === addrB) continue;
        // The endpoint on A's side appears in B with the box's address, and vice versa.
        if (corr.senderOnA[2 * p + d]) {
          this.boxAddr[1].add(addrB);
          this.boxNat[1].add(addrB);
        } else {
          this.boxAddr[0].add(addrA);
          this.boxNat[0].add(addrA);
        }
      }
    }
  }

  // ------------------------------------------------------------------ overlap of the captures

  /**
   * Where the other capture was running, in X's clock: from its first to its last frame, stretched to
   * X's whole span unless X shows, outside that interval, packets forwarded from Y's side with their
   * usual TTL that Y never recorded (then Y was simply not capturing).
   */
  private coverage(inB: boolean): void {
    const X = this.X(inB);
    const Y = this.Y(inB);
    const first = Y.summary.firstTs;
    const last = Y.summary.lastTs;
    if (!first || !last) return;
    const base = this.corr.A.baseSec;
    // Y's first/last frame in Y's clock (relative to the common base), then in X's clock.
    const yFirst = first[0] - base + first[1] * 1e-9;
    const yLast = last[0] - base + last[1] * 1e-9;
    const back = (t: number): number => (inB ? t + this.corr.offset : t - this.corr.offset);
    // A packet whose copy would have reached Y before Y's first frame (or after its last) proves
    // nothing: keep a small margin inside the interval for the transit time.
    const margin = 0.001 + this.corr.transit * 2;
    const lo = back(yFirst) + margin;
    const hi = back(yLast) - margin;
    let normalBefore = 0;
    let normalAfter = 0;
    for (const r of this.notCrossed[inB ? 1 : 0]) {
      const t = X.pk.t[r]!;
      if (t >= lo && t <= hi) continue;
      const pd = this.corr.pairDir(inB, r);
      if (pd < 0 || this.senderOnX(inB, pd)) continue;
      const ttl = this.realTtl(inB, pd);
      if (ttl !== -1 && ttl !== X.pk.ttl[r]) continue;
      if (t < lo) normalBefore++;
      else normalAfter++;
    }
    const cov = this.covered[inB ? 1 : 0];
    if (normalBefore > 0) cov[0] = lo;
    if (normalAfter > 0) cov[1] = hi;
  }

  // ------------------------------------------------------------------ per packet

  private classifyFile(inB: boolean): void {
    const X = this.X(inB);
    const st = this.status(inB);
    const [lo, hi] = this.covered[inB ? 1 : 0];
    for (const r of this.notCrossed[inB ? 1 : 0]) {
      const t = X.pk.t[r]!;
      if (t < lo || t > hi) {
        st[r] = Status.OUTSIDE_OVERLAP;
        continue;
      }
      const pd = this.corr.pairDir(inB, r);
      if (pd < 0) {
        st[r] = this.unpaired(inB, r);
        continue;
      }
      if (this.senderOnX(inB, pd)) st[r] = this.entering(inB, r, pd);
      else st[r] = this.exiting(inB, r, pd);
    }
  }

  /** A packet travelling into the box that did not come out. */
  private entering(inB: boolean, r: number, pd: number): number {
    const X = this.X(inB);
    const Y = this.Y(inB);
    const corr = this.corr;
    const span = X.pk.span(r);
    const p = pd >> 1;
    const d = pd & 1;
    const dX = this.dirIn(inB, p, d);
    const info: DropInfo = {
      retransFrame: 0,
      retransCrossed: false,
      proof: span > 0 ? "unacked" : "no-data",
    };
    // The sender sends the same bytes again later (X)?
    if (span > 0) {
      const S = X.pk.seq[r]!;
      const E = (S + span) >>> 0;
      const rows = this.rowsOf(X, X.pk.conv[r]!);
      let k = this.lowerBound(X, rows, X.pk.t[r]!);
      while (k < rows.length && rows[k] !== r) k++;
      const match = this.matchOf(inB);
      for (let n = 0, q = k + 1; q < rows.length && n < 20000; q++, n++) {
        const o = rows[q]!;
        if (X.pk.dir[o] !== dX) {
          // the receiver acknowledged these bytes (as X sees it): no resend will come
          if (X.pk.flags[o]! & 0x10 && seqGe(X.pk.ack[o]!, E)) break;
          continue;
        }
        const s = X.pk.seq[o]!;
        const e = (s + X.pk.span(o)) >>> 0;
        if (seqLt(s, E) && seqGt(e, S)) {
          info.retransFrame = X.pk.frame[o]!;
          info.retransCrossed = match[o]! >= 0;
          break;
        }
      }
      // Did the receiver acknowledge these bytes in Y before any copy of them crossed?
      if (corr.offKnown[pd]) {
        const SY = inB ? corr.mapSeq(pd, S, false) : corr.mapSeq(pd, S, true);
        const EY = (SY + span) >>> 0;
        const cy = this.convIn(!inB, p);
        const dY = this.dirIn(!inB, p, d);
        const rowsY = this.rowsOf(Y, cy);
        const tExp = this.toY(inB, X.pk.t[r]!) - 0.001;
        let q = this.lowerBound(Y, rowsY, tExp);
        for (let n = 0; q < rowsY.length && n < 20000; q++, n++) {
          const o = rowsY[q]!;
          if (Y.pk.t[o]! > tExp + 600) break;
          if (Y.pk.dir[o] === dY) {
            const s = Y.pk.seq[o]!;
            const e = (s + Y.pk.span(o)) >>> 0;
            if (seqLt(s, EY) && seqGt(e, SY)) break; // a copy crossed first: no proof
          } else if (Y.pk.flags[o]! & 0x10 && seqGe(Y.pk.ack[o]!, EY)) {
            return Status.MISSED_BY_OTHER;
          }
        }
      }
    }
    (inB ? this.dropB : this.dropA).set(r, info);
    return Status.DROPPED;
  }

  /** A packet that came out of the box toward X's side but never went in on Y's side. */
  private exiting(inB: boolean, r: number, pd: number): number {
    const X = this.X(inB);
    const Y = this.Y(inB);
    const corr = this.corr;
    const p = pd >> 1;
    const d = pd & 1;
    const f = X.pk.flags[r]!;
    const realTtl = this.realTtl(inB, pd);
    const inj = (reason: InjectInfo["reason"]): number => {
      (inB ? this.injB : this.injA).set(r, { reason, realTtl, triggerRow: this.trigger(inB, r) });
      return Status.INJECTED;
    };
    const len = X.pk.len[r]!;
    if (len > 0 && corr.offKnown[pd]) {
      const S = X.pk.seq[r]!;
      const SY = inB ? corr.mapSeq(pd, S, false) : corr.mapSeq(pd, S, true);
      const EY = (SY + len) >>> 0;
      const rowsY = this.rowsOf(Y, this.convIn(!inB, p));
      const dY = this.dirIn(!inB, p, d);
      const tY = this.toY(inB, X.pk.t[r]!);
      // Bytes present in Y around that time (possibly cut into other segments)?
      const segs: [number, number][] = [];
      let later = false;
      for (let q = this.lowerBound(Y, rowsY, tY - corr.W), n = 0; q < rowsY.length && n < 20000; q++, n++) {
        const o = rowsY[q]!;
        if (Y.pk.dir[o] !== dY) continue;
        const s = Y.pk.seq[o]!;
        const e = (s + Y.pk.len[o]!) >>> 0;
        if (seqGe(s, EY)) later = true;
        if (Y.pk.t[o]! > tY + corr.W) break;
        if (seqLt(s, EY) && seqGt(e, SY)) segs.push([(s - SY) | 0, (e - SY) | 0]);
      }
      segs.sort((x, y) => x[0] - y[0]);
      let reach = 0;
      for (const [s, e] of segs) if (s <= reach && e > reach) reach = e;
      if (reach >= len) return Status.RESEGMENTED;
      if (later) return Status.MISSED_BY_OTHER;
      return inj("data");
    }
    if (f & RST) return inj("rst");
    if (realTtl !== -1 && X.pk.ttl[r] !== realTtl) return inj("ttl");
    (inB ? this.injB : this.injA).set(r, {
      reason: "no-loss-elsewhere",
      realTtl,
      triggerRow: this.trigger(inB, r),
    });
    return Status.UNDETERMINED;
  }

  /** The last packet of the other direction before row r (what an injected packet answers), -1 if none. */
  private trigger(inB: boolean, r: number): number {
    const X = this.X(inB);
    const rows = this.rowsOf(X, X.pk.conv[r]!);
    let k = this.lowerBound(X, rows, X.pk.t[r]!);
    while (k < rows.length && rows[k] !== r) k++;
    for (let q = Math.min(k, rows.length) - 1, n = 0; q >= 0 && n < 1000; q--, n++) {
      const o = rows[q]!;
      if (X.pk.dir[o] !== X.pk.dir[r]) return o;
    }
    return -1;
  }

  /** Zero-length packets of uncertain origin: injected, unless the file lacking them misses others. */
  private resolveAmbiguous(inB: boolean): void {
    const st = this.status(inB);
    let yMisses = 0;
    for (const r of this.notCrossed[inB ? 1 : 0]) if (st[r] === Status.MISSED_BY_OTHER) yMisses++;
    const inj = inB ? this.injB : this.injA;
    for (const [r, info] of inj) {
      if (st[r] !== Status.UNDETERMINED) continue;
      if (yMisses > 0) {
        st[r] = Status.MISSED_BY_OTHER;
        inj.delete(r);
      } else {
        st[r] = Status.INJECTED;
        info.reason = "no-loss-elsewhere";
      }
    }
  }

  // ------------------------------------------------------------------ connections with no counterpart

  private sideCache: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  private nearAddr: [Set<string>, Set<string>] | null = null;

  /** For an unpaired connection of X: which endpoint is on X's side (0/1), -1 when it needs no box. */
  private unpairedSide(inB: boolean, c: number): number {
    const cache = this.sideCache[inB ? 1 : 0];
    const hit = cache.get(c);
    if (hit !== undefined) return hit;
    if (!this.nearAddr) this.learnSides();
    const X = this.X(inB);
    const near = this.nearAddr![inB ? 1 : 0];
    const far = this.farAddr![inB ? 1 : 0];
    const own = this.boxAddr[inB ? 1 : 0];
    const mac = this.boxMac[inB ? 1 : 0];
    const side = [0, 0]; // 1 near, 2 far, 3 the box itself
    for (let e = 0; e < 2; e++) {
      const a = X.cv.addr(c, e);
      if (own.has(a)) side[e] = 3;
      else if (near.has(a) && !far.has(a)) side[e] = 1;
      else if (far.has(a) && !near.has(a)) side[e] = 2;
      else if (mac && X.cv.dstMac[2 * c + e] === mac) side[e] = 1;
      else if (mac && X.cv.srcMac[2 * c + e] === mac) side[e] = 2;
    }
    for (let e = 0; e < 2; e++) {
      // An endpoint that sent to the box's MAC talks to something beyond it.
      if (side[e] === 1 && side[1 - e] === 0 && mac && X.cv.dstMac[2 * c + e] === mac) side[1 - e] = 2;
    }
    let v = -1;
    if (side[0] === 1 && side[1] === 2) v = 0;
    else if (side[0] === 2 && side[1] === 1) v = 1;
    cache.set(c, v);
    this.unpairedReason[inB ? 1 : 0].set(c, v === -1 ? "not-through-box" : "blocked");
    return v;
  }

  private farAddr: [Set<string>, Set<string>] | null = null;

  private learnSides(): void {
    const corr = this.corr;
    this.nearAddr = [new Set(), new Set()];
    this.farAddr = [new Set(), new Set()];
    for (let p = 0; p < corr.nPairs; p++) {
      for (let d = 0; d < 2; d++) {
        const onA = corr.senderOnA[2 * p + d] === 1;
        const addrA = corr.A.cv.addr(corr.pairA[p]!, d);
        const addrB = corr.B.cv.addr(corr.pairB[p]!, d ^ corr.dm[p]!);
        (onA ? this.nearAddr[0] : this.farAddr[0]).add(addrA);
        (onA ? this.farAddr[1] : this.nearAddr[1]).add(addrB);
      }
    }
  }

  private unpaired(inB: boolean, r: number): number {
    const X = this.X(inB);
    const c = X.pk.conv[r]!;
    const nearEnd = this.unpairedSide(inB, c);
    if (nearEnd === -1) return Status.NOT_THROUGH_BOX;
    if (X.pk.dir[r] === nearEnd) {
      (inB ? this.dropB : this.dropA).set(r, {
        retransFrame: 0,
        retransCrossed: false,
        proof: "no-counterpart",
      });
      return Status.DROPPED;
    }
    (inB ? this.injB : this.injA).set(r, {
      reason: "no-counterpart",
      realTtl: -1,
      triggerRow: this.trigger(inB, r),
    });
    return Status.INJECTED;
  }

  // ------------------------------------------------------------------ idle timeouts

  /**
   * A direction whose packets, from some packet on, never cross again, where that packet follows an
   * idle gap of at least idleMinSec after traffic that did cross: the box forgot the connection.
   */
  private findIdle(): void {
    const corr = this.corr;
    for (let p = 0; p < corr.nPairs; p++) {
      for (let d = 0; d < 2; d++) {
        const inB = !this.senderOnX(false, 2 * p + d);
        const X = this.X(inB);
        const st = this.status(inB);
        const rows = this.rowsOf(X, this.convIn(inB, p));
        const dX = this.dirIn(inB, p, d);
        // earliest row of this direction from which none crosses (only drops, idle or not)
        let first = -1;
        for (let k = rows.length - 1; k >= 0; k--) {
          const r = rows[k]!;
          if (X.pk.dir[r] !== dX) continue;
          if (st[r] === Status.DROPPED) first = k;
          else if (st[r] !== Status.OUTSIDE_OVERLAP) break;
        }
        if (first <= 0) continue;
        const P = rows[first]!;
        const prev = rows[first - 1]!;
        const gap = X.pk.t[P]! - X.pk.t[prev]!;
        if (gap < this.idleMinSec) continue;
        // something must have crossed before the gap
        let crossedBefore = false;
        let survived = 0;
        for (let k = 0; k < first; k++) {
          const r = rows[k]!;
          if (st[r] === Status.CROSSED) crossedBefore = true;
          if (k > 0) survived = Math.max(survived, X.pk.t[r]! - X.pk.t[rows[k - 1]!]!);
        }
        if (!crossedBefore) continue;
        const blocked: number[] = [];
        const injected: number[] = [];
        let crossedAfter = false;
        for (let k = first; k < rows.length; k++) {
          const r = rows[k]!;
          if (X.pk.dir[r] === dX && st[r] === Status.DROPPED) blocked.push(r);
          else if (st[r] === Status.INJECTED) injected.push(r);
          else if (st[r] === Status.CROSSED || st[r] === Status.MISSED_BY_OTHER) crossedAfter = true;
        }
        // The box forgot the connection: nothing crosses any more either way, and the sender kept
        // trying (or the box answered). One lost packet after a pause is not enough.
        if (crossedAfter || (blocked.length < 2 && injected.length === 0)) continue;
        for (const r of blocked) st[r] = Status.BLOCKED;
        const drops = inB ? this.dropB : this.dropA;
        for (const r of blocked) drops.delete(r);
        // the other file: the counterpart of the last packet before the gap, else its last packet before then
        const Y = this.Y(inB);
        let other = this.matchOf(inB)[prev]!;
        if (other < 0) {
          const rowsY = this.rowsOf(Y, this.convIn(!inB, p));
          const k = this.lowerBound(Y, rowsY, this.toY(inB, X.pk.t[P]!)) - 1;
          other = k >= 0 ? rowsY[k]! : -1;
        }
        this.idle.push({
          pair: p,
          dir: d,
          inB,
          firstBlocked: P,
          lastBefore: prev,
          otherLastBefore: other,
          gapSec: gap,
          survivedGapSec: survived,
          blocked,
          injected,
        });
      }
    }
  }

  /** First index k in rows (file order, ≈ time order) with t ≥ t0. */
  lowerBound(L: LoadedCapture, rows: Int32Array, t0: number): number {
    let l = 0;
    let h = rows.length;
    while (l < h) {
      const m = (l + h) >> 1;
      if (L.pk.t[rows[m]!]! < t0) l = m + 1;
      else h = m;
    }
    return l;
  }
}
