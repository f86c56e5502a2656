/**
 * Matching two captures of the same traffic taken at two points (either side of a firewall, NAT or
 * router), in four steps:
 *
 * 1. Anchors and the clock offset. Packets whose fields survive NAT and sequence-number randomisation
 *    (flags, payload length, TCP timestamps TSval/TSecr; for packets without timestamps the SYN's
 *    window and scale with one of its ports) get a hash. Every SYN, FIN and RST is an anchor, and a
 *    hash-chosen sample of the rest (the same hash on both sides, so the samples line up). Anchor pairs
 *    with equal hashes that are (nearly) unique in both files vote for B − A time deltas; the densest
 *    50 ms window gives a coarse clock offset.
 * 2. Connections are paired by the anchor pairs that agree with that offset (each connection used
 *    once, most votes first), then again over every packet of connections still unpaired. Anchor pairs
 *    also give each direction's sequence-number offset (B − A mod 2^32) and ack offset.
 * 3. Packets are matched within paired connections by a key: direction, mapped seq, mapped ack, flags,
 *    payload length, TSval/TSecr (and window, SACK edge and IP ID to tell identical ACKs apart). First
 *    in order: a box forwards each connection direction in order, so B's rows are swept into one FIFO
 *    queue per connection direction and each A row is compared with the head of its queue. Those
 *    matches give the per-direction delays, from which the sides of the box (by TTL, else by timing)
 *    and the clock offset (midpoint of the two directions' median deltas) follow; matches far from the
 *    expected delay are undone. The rows left over are grouped by key (radix-sorted hashes) and groups
 *    of identical packets (duplicate ACKs, retransmissions) are aligned in time order by a small
 *    dynamic programme.
 * 4. classify.ts and findings.ts take it from there.
 *
 * Everything per packet lives in typed arrays; no object per packet.
 */
import { ACK, FIN, HAS_TS, KEY_FLAGS, type LoadedCapture, RST, SYN } from "./table.js";
import { densestWindow, FloatList, hash8, IntList, quantileSorted as quantile, Sampler } from "./stats.js";

const K21 = 2097152; // 2^21
const MAX_ANCHORS = K21 - 1;
const TARGET_SAMPLED_ANCHORS = 50_000;
/** Candidates in the time window beyond which an anchor is too ambiguous to vote. */
const MAX_CANDIDATES = 16;
/** Anchors per connection in the second pairing pass (all its packets otherwise). */
const MAX_ANCHORS_PER_CONV = 512;
/** Votes kept per pair direction when learning sequence offsets (plenty for a clear mode). */
const MAX_OFFSET_VOTES = 24;

export interface EngineOptions {
  maxTransitSec: number;
  clockOffsetSec?: number;
}

/** Per pair direction (index 2p + d, d in A's orientation: 0 = from A's endpoint "a"). */
export interface PairDirStats {
  n1: Int32Array;
  sumDt: Float64Array;
  ttlDiffSum: Float64Array;
  ipIdEq: Int32Array;
  winEq: Int32Array;
}

export class Correlation {
  readonly A: LoadedCapture;
  readonly B: LoadedCapture;
  readonly W: number;
  /** B clock − A clock (s), and how it was found. */
  offset = 0;
  offsetMethod: "given" | "matched-packets" | "anchors" | "assumed-zero" = "assumed-zero";
  offsetSamples = 0;
  /** Median one-way transit (s), assumed equal both ways. */
  transit = 0;

  nPairs = 0;
  pairA = new Int32Array(0);
  pairB = new Int32Array(0);
  /** 1 when B's endpoint "a" is A's endpoint "b". */
  dm = new Uint8Array(0);
  /** Per pair direction [2p + d]: seq offset known, and B − A offset (mod 2^32). */
  offKnown = new Uint8Array(0);
  off = new Uint32Array(0);
  tsUse = new Uint8Array(0);
  convPairA: Int32Array;
  convPairB: Int32Array;
  /** Per pair direction: sender on A's side of the box; how that was told (0 assumed, 1 ttl, 2 timing). */
  senderOnA = new Uint8Array(0);
  sideFrom = new Uint8Array(0);
  ipIdPreserved = new Uint8Array(0);
  winPreserved = new Uint8Array(0);
  matchA: Int32Array;
  matchB: Int32Array;

  /** Delay samples: A→B (sender on A's side), B→A; exact maxima. */
  fwd = new Sampler();
  rev = new Sampler();
  fwdMax = Number.NEGATIVE_INFINITY;
  revMax = Number.NEGATIVE_INFINITY;
  /** Matched packets each way. */
  fwdCount = 0;
  revCount = 0;

  /** Anchor pairs (row in A, row in B) kept for learning sequence offsets. */
  private apA = new IntList(4096);
  private apB = new IntList(4096);

  constructor(A: LoadedCapture, B: LoadedCapture, opts: EngineOptions) {
    this.A = A;
    this.B = B;
    this.W = opts.maxTransitSec;
    // One time base: B's times are moved onto A's whole-second base (exact for any realistic offset).
    const shift = B.baseSec - A.baseSec;
    if (shift !== 0) {
      const t = B.pk.t;
      for (let i = 0; i < B.pk.n; i++) t[i]! += shift;
      B.tFirst += shift;
      B.tLast += shift;
      B.baseSec = A.baseSec;
    }
    this.convPairA = new Int32Array(A.cv.count).fill(-1);
    this.convPairB = new Int32Array(B.cv.count).fill(-1);
    this.matchA = new Int32Array(A.pk.n).fill(-1);
    this.matchB = new Int32Array(B.pk.n).fill(-1);
    if (opts.clockOffsetSec !== undefined) {
      this.offset = opts.clockOffsetSec;
      this.offsetMethod = "given";
    }
  }

  /** Milliseconds per phase (for benchmarks). */
  readonly timings: Record<string, number> = {};
  private lapT = performance.now();
  private lap(name: string): void {
    const now = performance.now();
    this.timings[name] = (this.timings[name] ?? 0) + (now - this.lapT);
    this.lapT = now;
  }

  run(): void {
    this.lapT = performance.now();
    const given = this.offsetMethod === "given";
    const bits = this.sampleBits();
    const sa = this.anchors(this.A, bits, null);
    const sb = this.anchors(this.B, bits, null);
    if (!given) this.coarseOffset(sa, sb);
    const votes = new Map<number, number>();
    this.joinForPairs(sa, sb, votes);
    this.acceptPairs(votes);
    // Second chance: every packet of the connections still unpaired.
    const onlyA = this.unpairedMask(this.A, this.convPairA);
    const onlyB = this.unpairedMask(this.B, this.convPairB);
    if (onlyA && onlyB) {
      const xa = this.anchors(this.A, 0, onlyA);
      const xb = this.anchors(this.B, 0, onlyB);
      const v2 = new Map<number, number>();
      this.voteDev = new Map();
      this.joinForPairs(xa, xb, v2);
      this.acceptPairs(v2);
    }
    this.lap("pair connections");
    this.learnOffsets();
    this.lap("sequence offsets");
    this.match(given);
    this.dropEmptyPairs();
  }

  /**
   * A pair of connections of which not one packet matched was a wrong guess (look-alike
   * connections): undo it, so that each connection counts as unpaired.
   */
  private dropEmptyPairs(): void {
    const np = this.nPairs;
    const matched = new Uint8Array(np);
    for (let i = 0; i < this.A.pk.n; i++) {
      if (this.matchA[i]! >= 0) matched[this.convPairA[this.A.pk.conv[i]!]!] = 1;
    }
    let keep = 0;
    for (let p = 0; p < np; p++) if (matched[p]) keep++;
    if (keep === np) return;
    const map = new Int32Array(np).fill(-1);
    let q = 0;
    for (let p = 0; p < np; p++) if (matched[p]) map[p] = q++;
    const pick = <T extends Int32Array | Uint8Array | Uint32Array>(a: T, per: number): T => {
      const out = new (a.constructor as new (n: number) => T)(keep * per);
      for (let p = 0; p < np; p++) {
        const m = map[p]!;
        if (m < 0) continue;
        for (let k = 0; k < per; k++) out[m * per + k] = a[p * per + k]!;
      }
      return out;
    };
    for (let p = 0; p < np; p++) {
      if (map[p]! >= 0) continue;
      this.convPairA[this.pairA[p]!] = -1;
      this.convPairB[this.pairB[p]!] = -1;
    }
    for (let c = 0; c < this.convPairA.length; c++) {
      const p = this.convPairA[c]!;
      if (p >= 0) this.convPairA[c] = map[p]!;
    }
    for (let c = 0; c < this.convPairB.length; c++) {
      const p = this.convPairB[c]!;
      if (p >= 0) this.convPairB[c] = map[p]!;
    }
    this.pairA = pick(this.pairA, 1);
    this.pairB = pick(this.pairB, 1);
    this.dm = pick(this.dm, 1);
    this.tsUse = pick(this.tsUse, 1);
    this.offKnown = pick(this.offKnown, 2);
    this.off = pick(this.off, 2);
    this.senderOnA = pick(this.senderOnA, 2);
    this.sideFrom = pick(this.sideFrom, 2);
    this.ipIdPreserved = pick(this.ipIdPreserved, 2);
    this.winPreserved = pick(this.winPreserved, 2);
    this.nPairs = keep;
  }

  // ---------------------------------------------------------------- anchors

  /** Bits of the sampling hash that must be zero: 1 in 2^k packets with timestamps is an anchor. */
  private sampleBits(): number {
    const n = Math.max(this.A.pk.n, this.B.pk.n);
    let k = 0;
    while (n >> k > TARGET_SAMPLED_ANCHORS && k < 24) k++;
    return k;
  }

  /**
   * Anchors of a file, sorted by (signature, file order), packed as sig·2^21 + k with rows[k] the row.
   * `only` (per connection) takes every packet of the marked connections instead of a sample.
   */
  private anchors(
    L: LoadedCapture,
    k: number,
    only: Uint8Array | null,
  ): { packed: Float64Array; rows: Int32Array } {
    const pk = L.pk;
    const cv = L.cv;
    const rows = new IntList(4096);
    const sigs = new IntList(4096);
    const perConv = new Int32Array(only ? cv.count : 0);
    for (let i = 0; i < pk.n; i++) {
      const c = pk.conv[i]!;
      if (only && (!only[c] || perConv[c]!++ >= MAX_ANCHORS_PER_CONV)) continue;
      const f = pk.flags[i]!;
      const special = (f & (SYN | FIN | RST)) !== 0;
      if (f & HAS_TS) {
        if (!only && !special && k > 0) {
          // a cheap hash of the same invariant fields picks the sample (identically on both sides)
          const x = Math.imul(
            pk.tsval[i]! ^ Math.imul(pk.tsecr[i]! ^ (pk.len[i]! << 12) ^ (f & KEY_FLAGS), 0x9e3779b1),
            0x85ebca6b,
          );
          if ((x ^ (x >>> 15)) >>> (32 - k) !== 0) continue;
        }
        rows.push(i);
        sigs.push(hash8(1, f & (KEY_FLAGS | HAS_TS), pk.len[i]!, pk.tsval[i]!, pk.tsecr[i]!) | 0);
      } else if (only || special) {
        // Without timestamps: a weak signature, made specific by one port (NAT keeps one of them).
        const w =
          f & SYN
            ? hash8(2, f & KEY_FLAGS, pk.len[i]!, pk.win[i]!, cv.synWscale[c]!)
            : hash8(3, f & KEY_FLAGS, pk.len[i]!, pk.win[i]!);
        const d = pk.dir[i]!;
        rows.push(i);
        sigs.push(hash8(w, 10, cv.port(c, d), 0) | 0);
        rows.push(i);
        sigs.push(hash8(w, 11, cv.port(c, 1 - d), 0) | 0);
      }
      if (rows.n >= MAX_ANCHORS) break;
    }
    const packed = new Float64Array(rows.n);
    for (let k = 0; k < rows.n; k++) packed[k] = (sigs.a[k]! >>> 0) * K21 + k;
    packed.sort();
    return { packed, rows: rows.a.subarray(0, rows.n) };
  }

  /** Calls fn(a0, a1, b0, b1) for each signature present in both sorted anchor lists. */
  private join(
    sa: { packed: Float64Array },
    sb: { packed: Float64Array },
    fn: (a0: number, a1: number, b0: number, b1: number) => void,
  ): void {
    const pa = sa.packed;
    const pb = sb.packed;
    let i = 0;
    let j = 0;
    while (i < pa.length && j < pb.length) {
      const ka = Math.floor(pa[i]! / K21);
      const kb = Math.floor(pb[j]! / K21);
      if (ka < kb) {
        i++;
        continue;
      }
      if (kb < ka) {
        j++;
        continue;
      }
      let i2 = i + 1;
      while (i2 < pa.length && Math.floor(pa[i2]! / K21) === ka) i2++;
      let j2 = j + 1;
      while (j2 < pb.length && Math.floor(pb[j2]! / K21) === kb) j2++;
      fn(i, i2, j, j2);
      i = i2;
      j = j2;
    }
  }

  private coarseOffset(
    sa: { packed: Float64Array; rows: Int32Array },
    sb: { packed: Float64Array; rows: Int32Array },
  ): void {
    const ta = this.A.pk.t;
    const tb = this.B.pk.t;
    const deltas = new FloatList(4096);
    this.join(sa, sb, (a0, a1, b0, b1) => {
      if (a1 - a0 > 2 || b1 - b0 > 2) return;
      for (let x = a0; x < a1; x++) {
        const ra = sa.rows[sa.packed[x]! % K21]!;
        for (let y = b0; y < b1; y++) {
          const rb = sb.rows[sb.packed[y]! % K21]!;
          deltas.push(tb[rb]! - ta[ra]!);
        }
      }
    });
    const [n, med] = densestWindow(deltas.a, deltas.n, 0.05);
    if (n > 0) {
      this.offset = med;
      this.offsetMethod = "anchors";
      this.offsetSamples = n;
    }
  }

  private joinForPairs(
    sa: { packed: Float64Array; rows: Int32Array },
    sb: { packed: Float64Array; rows: Int32Array },
    votes: Map<number, number>,
  ): void {
    const A = this.A.pk;
    const B = this.B.pk;
    const off = this.offset;
    const tol = Math.max(0.5, this.W);
    this.join(sa, sb, (a0, a1, b0, b1) => {
      for (let x = a0; x < a1; x++) {
        const ra = sa.rows[sa.packed[x]! % K21]!;
        const lo = A.t[ra]! + off - tol;
        const hi = A.t[ra]! + off + tol;
        // binary search the group (in file order ≈ time order) for the first B anchor at ≥ lo
        let l = b0;
        let h = b1;
        while (l < h) {
          const m = (l + h) >> 1;
          if (B.t[sb.rows[sb.packed[m]! % K21]!]! < lo) l = m + 1;
          else h = m;
        }
        // Too many look-alike candidates in the window: this anchor says nothing (and would cost).
        let count = 0;
        for (let y = l; y < b1 && count <= MAX_CANDIDATES; y++) {
          const tB = B.t[sb.rows[sb.packed[y]! % K21]!]!;
          if (tB > hi) break;
          if (tB >= lo) count++;
        }
        if (count > MAX_CANDIDATES) continue;
        let only = -1;
        let n = 0;
        for (let y = l; y < b1; y++) {
          const rb = sb.rows[sb.packed[y]! % K21]!;
          const tB = B.t[rb]!;
          if (tB > hi) break;
          if (tB < lo) continue;
          const dm = A.dir[ra]! ^ B.dir[rb]!;
          const key = (A.conv[ra]! * 16777216 + B.conv[rb]!) * 2 + dm;
          // a timestamp-bearing anchor is near proof; a weak one (no timestamps) only a hint
          const w = A.flags[ra]! & HAS_TS ? 4 : 1;
          votes.set(key, (votes.get(key) ?? 0) + w);
          // how far from the expected delta, to choose between look-alike connections
          this.voteDev.set(key, (this.voteDev.get(key) ?? 0) + w * Math.abs(tB - A.t[ra]! - off));
          only = rb;
          n++;
        }
        // Sequence offsets are learnt only from unambiguous anchor pairs (a burst of packets with
        // equal timestamps and lengths would pair every one with every other).
        if (n === 1 && a1 - a0 === 1) {
          this.apA.push(ra);
          this.apB.push(only);
        }
      }
    });
  }

  /** Weighted sum of |B − A − offset| of the anchor votes of each candidate pair. */
  private voteDev = new Map<number, number>();

  /**
   * Greedy one-to-one pairing: most votes first; among equal votes (connections that look alike, as
   * parallel connection attempts from one host with equal timestamps), the one closest in time.
   */
  private acceptPairs(votes: Map<number, number>): void {
    const dev = (k: number): number => (this.voteDev.get(k) ?? 0) / votes.get(k)!;
    const keys = [...votes.keys()].sort((x, y) => votes.get(y)! - votes.get(x)! || dev(x) - dev(y) || x - y);
    const start = this.nPairs;
    const add: number[] = [];
    for (const key of keys) {
      const v = votes.get(key)!;
      const dm = key % 2;
      const rest = (key - dm) / 2;
      const cB = rest % 16777216;
      const cA = (rest - cB) / 16777216;
      if (this.convPairA[cA] !== -1 || this.convPairB[cB] !== -1) continue;
      // one weak vote is not enough (many clients send alike SYNs to one server port), except for
      // connections of a packet or two
      if (v < 2 && this.A.cv.count_[cA]! > 2) continue;
      this.convPairA[cA] = start + add.length / 3;
      this.convPairB[cB] = start + add.length / 3;
      add.push(cA, cB, dm);
    }
    const n = start + add.length / 3;
    const grow = <T extends Int32Array | Uint8Array | Uint32Array>(a: T, len: number): T => {
      const b = new (a.constructor as new (n: number) => T)(len);
      b.set(a.subarray(0, Math.min(a.length, len)));
      return b;
    };
    this.pairA = grow(this.pairA, n);
    this.pairB = grow(this.pairB, n);
    this.dm = grow(this.dm, n);
    for (let k = 0; k < add.length / 3; k++) {
      this.pairA[start + k] = add[3 * k]!;
      this.pairB[start + k] = add[3 * k + 1]!;
      this.dm[start + k] = add[3 * k + 2]!;
    }
    this.nPairs = n;
  }

  private unpairedMask(L: LoadedCapture, convPair: Int32Array): Uint8Array | null {
    const m = new Uint8Array(L.cv.count);
    let any = false;
    for (let c = 0; c < L.cv.count; c++) {
      if (convPair[c] === -1 && L.cv.count_[c]! > 0) {
        m[c] = 1;
        any = true;
      }
    }
    return any ? m : null;
  }

  // ---------------------------------------------------------------- sequence offsets

  private learnOffsets(): void {
    const A = this.A.pk;
    const B = this.B.pk;
    const np = this.nPairs;
    this.offKnown = new Uint8Array(2 * np);
    this.off = new Uint32Array(2 * np);
    this.tsUse = new Uint8Array(np);
    for (let p = 0; p < np; p++)
      this.tsUse[p] = this.A.cv.hasTs[this.pairA[p]!]! & this.B.cv.hasTs[this.pairB[p]!]!;
    const votes = new FloatList(1024);
    const nVotes = new Int32Array(2 * np);
    const vote = (p: number, d: number, v: number): void => {
      if (nVotes[2 * p + d]! >= MAX_OFFSET_VOTES) return;
      nVotes[2 * p + d]!++;
      votes.push((2 * p + d) * 4294967296 + (v >>> 0));
    };
    for (let k = 0; k < this.apA.n; k++) {
      const ra = this.apA.a[k]!;
      const rb = this.apB.a[k]!;
      const p = this.convPairA[A.conv[ra]!]!;
      if (p < 0 || this.pairB[p] !== B.conv[rb] || (A.dir[ra]! ^ B.dir[rb]!) !== this.dm[p]) continue;
      const d = A.dir[ra]!;
      vote(p, d, B.seq[rb]! - A.seq[ra]!);
      if (A.flags[ra]! & B.flags[rb]! & ACK) vote(p, 1 - d, B.ack[rb]! - A.ack[ra]!);
    }
    this.apA = new IntList(16);
    this.apB = new IntList(16);
    this.modes(votes);
    // Directions without a vote: learn from the connection's own packets.
    for (let p = 0; p < np; p++) {
      if (!this.offKnown[2 * p] || !this.offKnown[2 * p + 1]) this.learnLocal(p);
    }
  }

  /** Sets each pair direction's offset to its most voted value. */
  private modes(votes: FloatList): void {
    const v = votes.a.subarray(0, votes.n).sort();
    let i = 0;
    while (i < v.length) {
      const key = Math.floor(v[i]! / 4294967296);
      let best = 0;
      let bestVal = 0;
      let j = i;
      while (j < v.length && Math.floor(v[j]! / 4294967296) === key) {
        let k = j + 1;
        while (k < v.length && v[k] === v[j]) k++;
        if (k - j > best) {
          best = k - j;
          bestVal = v[j]! - key * 4294967296;
        }
        j = k;
      }
      if (!this.offKnown[key]) {
        this.offKnown[key] = 1;
        this.off[key] = bestVal;
      }
      i = j;
    }
  }

  /** Offsets of one pair from packets with equal flags, length and timestamps, near in time. */
  private learnLocal(p: number): void {
    const A = this.A.pk;
    const B = this.B.pk;
    const ca = this.pairA[p]!;
    const cb = this.pairB[p]!;
    const dm = this.dm[p]!;
    const rowsA = this.A.convRows.subarray(this.A.convStart[ca]!, this.A.convStart[ca + 1]!);
    const rowsB = this.B.convRows.subarray(this.B.convStart[cb]!, this.B.convStart[cb + 1]!);
    const byKey = new Map<number, number[]>();
    for (let k = 0; k < rowsB.length && k < 4000; k++) {
      const r = rowsB[k]!;
      const h = hash8(
        B.dir[r]! ^ dm,
        B.flags[r]! & (KEY_FLAGS | HAS_TS),
        B.len[r]!,
        B.tsval[r]!,
        B.tsecr[r]!,
      );
      const l = byKey.get(h);
      if (l) l.push(r);
      else byKey.set(h, [r]);
    }
    const votes = new FloatList(256);
    for (let k = 0; k < rowsA.length && k < 1000; k++) {
      const r = rowsA[k]!;
      const d = A.dir[r]!;
      const h = hash8(d, A.flags[r]! & (KEY_FLAGS | HAS_TS), A.len[r]!, A.tsval[r]!, A.tsecr[r]!);
      for (const rb of byKey.get(h) ?? []) {
        if (Math.abs(B.t[rb]! - A.t[r]! - this.offset) > this.W) continue;
        votes.push((2 * p + d) * 4294967296 + ((B.seq[rb]! - A.seq[r]!) >>> 0));
        if (A.flags[r]! & ACK) votes.push((2 * p + 1 - d) * 4294967296 + ((B.ack[rb]! - A.ack[r]!) >>> 0));
      }
    }
    this.modes(votes);
  }

  // ---------------------------------------------------------------- packet matching

  /**
   * The key of every row of paired connections not matched yet, as two independent 32-bit hashes (a false match
   * needs a 64-bit collision); A's keys use A's numbers mapped into B's. Returns the rows, in file
   * order, with their hashes.
   */
  private keys(inB: boolean): { rows: Int32Array; h1: Uint32Array; h2: Int32Array } {
    const L = inB ? this.B.pk : this.A.pk;
    const pairOf = inB ? this.convPairB : this.convPairA;
    const n = L.n;
    const conv = L.conv;
    const dir = L.dir;
    const flags = L.flags;
    const seq = L.seq;
    const ack = L.ack;
    const len = L.len;
    const tsval = L.tsval;
    const tsecr = L.tsecr;
    const sack = L.sackR;
    const dmA = this.dm;
    const known = this.offKnown;
    const offs = this.off;
    const tsUse = this.tsUse;
    const matched = inB ? this.matchB : this.matchA;
    let want = 0;
    for (let r = 0; r < n; r++) if (matched[r]! < 0 && pairOf[conv[r]!]! >= 0) want++;
    const rows = new Int32Array(want);
    const h1 = new Uint32Array(want);
    const h2 = new Int32Array(want);
    let m = 0;
    for (let r = 0; r < n; r++) {
      const p = pairOf[conv[r]!]!;
      if (p < 0 || matched[r]! >= 0) continue;
      const d = inB ? dir[r]! ^ dmA[p]! : dir[r]!;
      const f = flags[r]!;
      const ts = tsUse[p]! & (f >> 12);
      const so = inB ? 0 : offs[2 * p + d]!;
      const ao = inB ? 0 : offs[2 * p + 1 - d]!;
      h1[m] = keyHash(
        p,
        d,
        known[2 * p + d] ? (seq[r]! + so) >>> 0 : 0,
        f & ACK && known[2 * p + 1 - d] ? (ack[r]! + ao) >>> 0 : 0,
        (f & (ts ? KEY_FLAGS | HAS_TS : KEY_FLAGS)) | (sack[r] !== 0 ? 0x2000 : 0),
        len[r]!,
        ts ? tsval[r]! : 0,
        ts ? tsecr[r]! : 0,
      );
      h2[m] = H2;
      rows[m++] = r;
    }
    return { rows, h1, h2 };
  }

  /**
   * Groups of identical keys by sorting instead of hashing into a table (sequential memory traffic
   * only: a table of a million slots costs a cache miss per packet). Each side's keys are radix-sorted
   * (stable, so a group's rows stay in file order), runs of equal hashes are joined, and one-to-one
   * groups come back as (A row, B row) pairs; larger groups as (A start, A end, B start, B end) into
   * the sorted row lists.
   */
  private buildGroups(): {
    cand: IntList;
    multi: IntList;
    rowsA: Int32Array;
    rowsB: Int32Array;
    groups: number;
  } {
    const ka = this.keys(false);
    const kb = this.keys(true);
    const sa = sortByHash(ka.rows, ka.h1, ka.h2);
    const sb = sortByHash(kb.rows, kb.h1, kb.h2);
    const cand = new IntList(1024);
    const multi = new IntList(1024);
    let i = 0;
    let j = 0;
    let groups = 0;
    const na = sa.rows.length;
    const nb = sb.rows.length;
    while (i < na && j < nb) {
      const x1 = sa.h1[i]!;
      const y1 = sb.h1[j]!;
      const x2 = sa.h2[i]!;
      const y2 = sb.h2[j]!;
      if (x1 < y1 || (x1 === y1 && x2 < y2)) {
        i++;
        continue;
      }
      if (y1 < x1 || (x1 === y1 && y2 < x2)) {
        j++;
        continue;
      }
      let i2 = i + 1;
      while (i2 < na && sa.h1[i2] === x1 && sa.h2[i2] === x2) i2++;
      let j2 = j + 1;
      while (j2 < nb && sb.h1[j2] === y1 && sb.h2[j2] === y2) j2++;
      groups++;
      if (i2 - i === 1 && j2 - j === 1) {
        cand.push(sa.rows[i]!);
        cand.push(sb.rows[j]!);
      } else {
        multi.push(i);
        multi.push(i2);
        multi.push(j);
        multi.push(j2);
      }
      i = i2;
      j = j2;
    }
    return { cand, multi, rowsA: sa.rows, rowsB: sb.rows, groups };
  }

  /**
   * The fast path: a box forwards the packets of one direction of one connection in order. B's rows
   * are swept in file order into one FIFO queue per connection direction, kept about a window ahead
   * of the A row being matched; each A row (in file order) is compared field by field with the first
   * few unconsumed rows of its queue. No hashing, and every row touched is one read a moment ago, so
   * memory traffic stays sequential. Rows left over (drops, injections, reordering beyond the
   * look-ahead, identical packets far apart) go to the general grouping afterwards.
   */
  /** Statistics of the fast matches (made while matching, to spare a pass over the rows). */
  private fastStats!: { st: PairDirStats; sampleDt: FloatList; samplePd: IntList };

  private fastPass(tol: number): void {
    const A = this.A.pk;
    const B = this.B.pk;
    const np = this.nPairs;
    const head = new Int32Array(2 * np).fill(-1);
    const tail = new Int32Array(2 * np).fill(-1);
    const next = new Int32Array(B.n);
    const pairOfA = this.convPairA;
    const pairOfB = this.convPairB;
    const dm = this.dm;
    const tsUse = this.tsUse;
    const known = this.offKnown;
    const offs = this.off;
    const coarse = this.offset;
    const W = this.W;
    const matchA = this.matchA;
    const matchB = this.matchB;
    const aConv = A.conv;
    const aDir = A.dir;
    const aFlags = A.flags;
    const aSeq = A.seq;
    const aAck = A.ack;
    const aLen = A.len;
    const aWin = A.win;
    const aTsval = A.tsval;
    const aTsecr = A.tsecr;
    const aSack = A.sackR;
    const aIpId = A.ipId;
    const aT = A.t;
    const bConv = B.conv;
    const bDir = B.dir;
    const bFlags = B.flags;
    const bSeq = B.seq;
    const bAck = B.ack;
    const bLen = B.len;
    const bWin = B.win;
    const bTsval = B.tsval;
    const bTsecr = B.tsecr;
    const bSack = B.sackR;
    const bIpId = B.ipId;
    const bT = B.t;
    const nB = B.n;
    const st: PairDirStats = {
      n1: new Int32Array(2 * np),
      sumDt: new Float64Array(2 * np),
      ttlDiffSum: new Float64Array(2 * np),
      ipIdEq: new Int32Array(2 * np),
      winEq: new Int32Array(2 * np),
    };
    const sampleDt = new FloatList(4096);
    const samplePd = new IntList(4096);
    this.fastStats = { st, sampleDt, samplePd };
    const stride = Math.max(1, Math.floor(A.n / 50_000));
    const aTtl = A.ttl;
    const bTtl = B.ttl;
    let jB = 0;
    for (let i = 0; i < A.n; i++) {
      const p = pairOfA[aConv[i]!]!;
      if (p < 0) continue;
      const tA = aT[i]!;
      // sweep B ahead to a window past this packet
      const limit = tA + coarse + W;
      while (jB < nB && bT[jB]! <= limit) {
        const pb = pairOfB[bConv[jB]!]!;
        if (pb >= 0) {
          const q = 2 * pb + (bDir[jB]! ^ dm[pb]!);
          next[jB] = -1;
          if (tail[q]! >= 0) next[tail[q]!] = jB;
          else head[q] = jB;
          tail[q] = jB;
        }
        jB++;
      }
      const d = aDir[i]!;
      const pd = 2 * p + d;
      // drop consumed rows and rows too old to match anything now from the head of the queue
      let h = head[pd]!;
      const old = tA + coarse - W;
      while (h >= 0 && (matchB[h]! >= 0 || bT[h]! < old)) h = next[h]!;
      head[pd] = h;
      if (h < 0) {
        tail[pd] = -1;
        continue;
      }
      const f = aFlags[i]!;
      const ts = tsUse[p]! & (f >> 12);
      const fmask = ts ? KEY_FLAGS | HAS_TS : KEY_FLAGS;
      const fk = f & fmask;
      const kSeq = known[pd] ? (aSeq[i]! + offs[pd]!) >>> 0 : -1;
      const kAck = f & ACK && known[pd ^ 1] ? (aAck[i]! + offs[pd ^ 1]!) >>> 0 : -1;
      const kSack = aSack[i]!;
      const kSackB = known[pd ^ 1] ? (kSack + offs[pd ^ 1]!) >>> 0 : -1;
      const len = aLen[i]!;
      const win = aWin[i]!;
      let first = -1;
      let best = -1;
      for (let look = 0, j = h; j >= 0 && look < 4; j = next[j]!) {
        if (matchB[j]! >= 0) continue;
        look++;
        // (the window too: a window update and a duplicate ACK differ only there; boxes that rewrite
        // windows just send everything to the general grouping)
        if (
          bLen[j] !== len ||
          bWin[j] !== win ||
          (bFlags[j]! & fmask) !== fk ||
          (kSeq >= 0 && bSeq[j] !== kSeq) ||
          (kAck >= 0 && bAck[j] !== kAck) ||
          (ts && (bTsval[j] !== aTsval[i] || bTsecr[j] !== aTsecr[i]))
        )
          continue;
        // SACK edges (present on both or neither; equal once mapped) and IP IDs (when kept) tell
        // identical ACKs apart.
        const sb = bSack[j]!;
        if ((kSack === 0) !== (sb === 0)) continue;
        if (kSack !== 0 && kSackB >= 0 && sb !== kSackB) continue;
        if (Math.abs(bT[j]! - tA - coarse) > tol) continue;
        if (bIpId[j] !== aIpId[i]) {
          if (first < 0) first = j;
          continue;
        }
        best = j;
        break;
      }
      if (best < 0) best = first;
      if (best >= 0) {
        matchA[i] = best;
        matchB[best] = i;
        const dt = bT[best]! - tA;
        st.n1[pd]!++;
        st.sumDt[pd]! += dt;
        st.ttlDiffSum[pd]! += aTtl[i]! - bTtl[best]!;
        if (aIpId[i] === bIpId[best]) st.ipIdEq[pd]!++;
        st.winEq[pd]!++; // the fast path requires equal windows
        if (i % stride === 0) {
          sampleDt.push(dt);
          samplePd.push(pd);
        }
      }
    }
  }

  private match(given: boolean): void {
    const A = this.A.pk;
    const B = this.B.pk;
    const W = this.W;
    this.fastPass(Math.min(W, 0.1));
    this.lap("match in order");

    // Statistics of the fast matches: per pair direction delays, TTL differences, IP ID and window
    // agreement; from them the sides of the box and the refined clock offset.
    const { st, sampleDt, samplePd } = this.fastStats;
    this.decideSides(st);
    if (!given) {
      const fw = new Sampler();
      const rv = new Sampler();
      for (let k = 0; k < sampleDt.n; k++) (this.senderOnA[samplePd.a[k]!] ? fw : rv).add(sampleDt.a[k]!);
      const mf = fw.count ? medianOf(fw.sorted()) : Number.NaN;
      const mr = rv.count ? medianOf(rv.sorted()) : Number.NaN;
      if (!Number.isNaN(mf) && !Number.isNaN(mr)) {
        this.offset = (mf + mr) / 2;
        this.transit = Math.max(0, (mf - mr) / 2);
      } else if (!Number.isNaN(mf) || !Number.isNaN(mr)) {
        this.offset = Number.isNaN(mf) ? mr : mf;
        this.transit = 0;
      }
      if (sampleDt.n > 0) {
        this.offsetMethod = "matched-packets";
        this.offsetSamples = fw.count + rv.count;
      }
    } else {
      let sum = 0;
      for (let k = 0; k < sampleDt.n; k++)
        sum += (sampleDt.a[k]! - this.offset) * (this.senderOnA[samplePd.a[k]!] ? 1 : -1);
      this.transit = sampleDt.n ? Math.max(0, sum / sampleDt.n) : 0;
      this.offsetSamples = sampleDt.n;
    }
    // Sides decided by timing rest on the coarse offset; with pairs seen one way only, redo them now.
    this.decideSides(st);

    // Fast matches far from the expected delay may have taken the wrong one of two identical packets
    // (a retransmission for its dropped original): those go back to the general grouping.
    const devs = new FloatList(1024);
    for (let k = 0; k < sampleDt.n; k++) {
      const e = this.offset + (this.senderOnA[samplePd.a[k]!] ? this.transit : -this.transit);
      devs.push(Math.abs(sampleDt.a[k]! - e));
    }
    const dv = devs.a.subarray(0, devs.n).sort();
    const tight = Math.min(W, Math.max(0.002, 4 * quantile(dv, 0.99)));
    // One pass: check each fast match, and take the delay statistics of those that stay.
    const stride = Math.max(1, Math.floor(A.n / 50_000));
    const addDelay = (i: number, j: number, onA: boolean): void => {
      const dt = B.t[j]! - A.t[i]! - this.offset;
      if (onA) {
        this.fwdCount++;
        if (dt > this.fwdMax) this.fwdMax = dt;
        if (i % stride === 0) this.fwd.add(dt);
      } else {
        this.revCount++;
        if (-dt > this.revMax) this.revMax = -dt;
        if (i % stride === 0) this.rev.add(-dt);
      }
    };
    {
      const matchA = this.matchA;
      const matchB = this.matchB;
      const pairOf = this.convPairA;
      const side = this.senderOnA;
      const off = this.offset;
      const ef = off + this.transit;
      const er = off - this.transit;
      const conv = A.conv;
      const dir = A.dir;
      const tA = A.t;
      const tB = B.t;
      let fwdMax = this.fwdMax;
      let revMax = this.revMax;
      let fwdCount = 0;
      let revCount = 0;
      for (let i = 0; i < A.n; i++) {
        const j = matchA[i]!;
        if (j < 0) continue;
        const onA = side[2 * pairOf[conv[i]!]! + dir[i]!] === 1;
        const dt = tB[j]! - tA[i]!;
        if (Math.abs(dt - (onA ? ef : er)) > tight) {
          matchA[i] = -1;
          matchB[j] = -1;
          continue;
        }
        if (onA) {
          fwdCount++;
          if (dt - off > fwdMax) fwdMax = dt - off;
          if (i % stride === 0) this.fwd.add(dt - off);
        } else {
          revCount++;
          if (off - dt > revMax) revMax = off - dt;
          if (i % stride === 0) this.rev.add(off - dt);
        }
      }
      this.fwdMax = fwdMax;
      this.revMax = revMax;
      this.fwdCount = fwdCount;
      this.revCount = revCount;
    }

    this.lap("clock offset, sides, check");
    // The rest: groups of identical keys among the unmatched rows, one-to-one ones within the
    // window, larger ones aligned in time order.
    const { cand, multi, rowsA, rowsB } = this.buildGroups();
    for (let k = 0; k < cand.n; k += 2) {
      const i = cand.a[k]!;
      const j = cand.a[k + 1]!;
      if (Math.abs(B.t[j]! - A.t[i]! - this.offset) <= W) {
        this.link(i, j);
        addDelay(i, j, this.senderOnA[2 * this.convPairA[A.conv[i]!]! + A.dir[i]!] === 1);
      }
    }
    const ta = new FloatList(64);
    const tb = new FloatList(64);
    const ra = new IntList(64);
    const rb = new IntList(64);
    for (let k = 0; k < multi.n; k += 4) {
      const a0 = multi.a[k]!;
      const a1 = multi.a[k + 1]!;
      const b0 = multi.a[k + 2]!;
      const b1 = multi.a[k + 3]!;
      const i0 = rowsA[a0]!;
      const pd = 2 * this.convPairA[A.conv[i0]!]! + A.dir[i0]!;
      const e = this.offset + (this.senderOnA[pd] ? this.transit : -this.transit);
      ta.n = tb.n = ra.n = rb.n = 0;
      for (let x = a0; x < a1; x++) {
        const i = rowsA[x]!;
        ra.push(i);
        ta.push(A.t[i]!);
      }
      for (let x = b0; x < b1; x++) {
        const j = rowsB[x]!;
        rb.push(j);
        tb.push(B.t[j]!);
      }
      this.align(
        ra,
        ta,
        rb,
        tb,
        e,
        this.ipIdPreserved[pd] === 1,
        this.winPreserved[pd] === 1,
        this.offKnown[pd ^ 1] ? this.off[pd ^ 1]! : -1,
      );
      for (let x = 0; x < ra.n; x++) {
        const j = this.matchA[ra.a[x]!]!;
        if (j >= 0) addDelay(ra.a[x]!, j, this.senderOnA[pd] === 1);
      }
    }

    this.lap("match the rest");
  }

  private link(i: number, j: number): void {
    this.matchA[i] = j;
    this.matchB[j] = i;
  }

  private dpCost = new Float64Array(0);
  private dpWay = new Uint8Array(0);

  /**
   * Order-preserving alignment of identical packets: most pairs first, then the smallest deviation
   * from the expected delta e; a different IP ID or window counts as half the window when the box
   * otherwise keeps them (identical duplicate ACKs and window updates are told apart that way).
   */
  private align(
    ra: IntList,
    ta: FloatList,
    rb: IntList,
    tb: FloatList,
    e: number,
    useIpId: boolean,
    useWin: boolean,
    sackOff: number,
  ): void {
    sortRows(ra, ta);
    sortRows(rb, tb);
    const m = ra.n;
    const n = rb.n;
    const W = this.W;
    const A = this.A.pk;
    const B = this.B.pk;
    if (m * n > 250_000) {
      // Greedy merge for huge groups.
      let i = 0;
      let j = 0;
      while (i < m && j < n) {
        const d = tb.a[j]! - ta.a[i]! - e;
        if (d < -W) j++;
        else if (d > W) i++;
        else {
          this.link(ra.a[i]!, rb.a[j]!);
          i++;
          j++;
        }
      }
      return;
    }
    const cols = n + 1;
    const need = (m + 1) * cols;
    if (this.dpCost.length < need) {
      this.dpCost = new Float64Array(need);
      this.dpWay = new Uint8Array(need);
    }
    const cost = this.dpCost;
    const way = this.dpWay;
    const skip = 10 * W;
    cost[0] = 0;
    for (let j = 1; j <= n; j++) {
      cost[j] = j * skip;
      way[j] = 2;
    }
    for (let i = 1; i <= m; i++) {
      cost[i * cols] = i * skip;
      way[i * cols] = 1;
      const tA = ta.a[i - 1]!;
      for (let j = 1; j <= n; j++) {
        let best = cost[(i - 1) * cols + j]! + skip;
        let w = 1;
        const c2 = cost[i * cols + j - 1]! + skip;
        if (c2 < best) {
          best = c2;
          w = 2;
        }
        const dev = Math.abs(tb.a[j - 1]! - tA - e);
        if (Math.abs(tb.a[j - 1]! - tA - this.offset) <= W) {
          let c = dev;
          if (useIpId && A.ipId[ra.a[i - 1]!] !== B.ipId[rb.a[j - 1]!]) c += W / 2;
          if (useWin && A.win[ra.a[i - 1]!] !== B.win[rb.a[j - 1]!]) c += W / 2;
          if (sackOff >= 0) {
            const sa = A.sackR[ra.a[i - 1]!]!;
            const sb = B.sackR[rb.a[j - 1]!]!;
            if (sa !== 0 && sb !== 0 && (sa + sackOff) >>> 0 !== sb) c += W / 4;
          }
          const c3 = cost[(i - 1) * cols + j - 1]! + c;
          if (c3 < best) {
            best = c3;
            w = 3;
          }
        }
        cost[i * cols + j] = best;
        way[i * cols + j] = w;
      }
    }
    let i = m;
    let j = n;
    while (i > 0 || j > 0) {
      const w = way[i * cols + j]!;
      if (w === 3) {
        this.link(ra.a[i - 1]!, rb.a[j - 1]!);
        i--;
        j--;
      } else if (w === 1) i--;
      else j--;
    }
  }

  /**
   * Which side of the box each pair direction's sender is on. A router lowers the TTL: a packet seen
   * with a higher TTL in A passed A first. Without a TTL change, the direction with the larger B − A
   * delay travels A → B. A direction never matched takes the opposite of the other one.
   */
  private decideSides(st: PairDirStats): void {
    const np = this.nPairs;
    this.senderOnA = new Uint8Array(2 * np);
    this.sideFrom = new Uint8Array(2 * np);
    this.ipIdPreserved = new Uint8Array(2 * np);
    this.winPreserved = new Uint8Array(2 * np);
    for (let p = 0; p < np; p++) {
      const n0 = st.n1[2 * p]!;
      const n1 = st.n1[2 * p + 1]!;
      const ttl0 = n0 ? st.ttlDiffSum[2 * p]! / n0 : 0;
      const ttl1 = n1 ? st.ttlDiffSum[2 * p + 1]! / n1 : 0;
      for (let d = 0; d < 2; d++) {
        const n = st.n1[2 * p + d]!;
        this.ipIdPreserved[2 * p + d] = n >= 2 && st.ipIdEq[2 * p + d]! >= 0.9 * n ? 1 : 0;
        this.winPreserved[2 * p + d] = n >= 2 && st.winEq[2 * p + d]! >= 0.9 * n ? 1 : 0;
      }
      let s0: number; // 1: the sender of direction 0 (A's endpoint "a") is on A's side
      let from = 1;
      if (Math.abs(ttl0) >= 0.5 || Math.abs(ttl1) >= 0.5) {
        s0 = Math.abs(ttl0) >= Math.abs(ttl1) ? (ttl0 > 0 ? 1 : 0) : ttl1 > 0 ? 0 : 1;
      } else if (n0 && n1) {
        s0 = st.sumDt[2 * p]! / n0 >= st.sumDt[2 * p + 1]! / n1 ? 1 : 0;
        from = 2;
      } else if (n0 || n1) {
        const d = n0 ? 0 : 1;
        const later = st.sumDt[2 * p + d]! / (n0 || n1) >= this.offset;
        s0 = d === 0 ? (later ? 1 : 0) : later ? 0 : 1;
        from = 2;
      } else {
        s0 = 1; // nothing matched: assume the client is on A's side
        from = 0;
      }
      this.senderOnA[2 * p] = s0;
      this.senderOnA[2 * p + 1] = 1 - s0;
      this.sideFrom[2 * p] = from;
      this.sideFrom[2 * p + 1] = from;
    }
  }

  // ---------------------------------------------------------------- helpers for later stages

  /** Maps a sequence number of pair direction pd from A's numbering to B's, or back (toB false). */
  mapSeq(pd: number, seq: number, toB: boolean): number {
    return toB ? (seq + this.off[pd]!) >>> 0 : (seq - this.off[pd]!) >>> 0;
  }

  /** Pair direction (2p + d, A's orientation) of a row of A or of B; -1 when unpaired. */
  pairDir(inB: boolean, row: number): number {
    if (!inB) {
      const p = this.convPairA[this.A.pk.conv[row]!]!;
      return p < 0 ? -1 : 2 * p + this.A.pk.dir[row]!;
    }
    const p = this.convPairB[this.B.pk.conv[row]!]!;
    return p < 0 ? -1 : 2 * p + (this.B.pk.dir[row]! ^ this.dm[p]!);
  }
}

/**
 * Sorts rows by (h1, h2), stable: LSD radix on h1 (three passes of 11 bits), then runs of equal h1
 * whose h2 differ (rare collisions) are put in order by an insertion sort.
 */
function sortByHash(
  rows: Int32Array,
  h1: Uint32Array,
  h2: Int32Array,
): { rows: Int32Array; h1: Uint32Array; h2: Int32Array } {
  const n = rows.length;
  let r: Int32Array = rows;
  let k1: Uint32Array = h1;
  let k2: Int32Array = h2;
  let r2: Int32Array = new Int32Array(n);
  let t1: Uint32Array = new Uint32Array(n);
  let t2: Int32Array = new Int32Array(n);
  const count = new Int32Array(2048);
  for (const shift of [0, 11, 22]) {
    count.fill(0);
    for (let x = 0; x < n; x++) count[(k1[x]! >>> shift) & 2047]!++;
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = count[b]!;
      count[b] = sum;
      sum += c;
    }
    for (let x = 0; x < n; x++) {
      const v = k1[x]!;
      const pos = count[(v >>> shift) & 2047]!++;
      r2[pos] = r[x]!;
      t1[pos] = v;
      t2[pos] = k2[x]!;
    }
    [r, r2] = [r2, r];
    [k1, t1] = [t1, k1];
    [k2, t2] = [t2, k2];
  }
  for (let x = 1; x < n; x++) {
    if (k1[x] !== k1[x - 1] || k2[x]! >= k2[x - 1]!) continue;
    // insertion step inside a run of equal h1
    const v1 = k1[x]!;
    const v2 = k2[x]!;
    const vr = r[x]!;
    let y = x - 1;
    while (y >= 0 && k1[y] === v1 && k2[y]! > v2) {
      k2[y + 1] = k2[y]!;
      r[y + 1] = r[y]!;
      y--;
    }
    k2[y + 1] = v2;
    r[y + 1] = vr;
  }
  return { rows: r, h1: k1, h2: k2 };
}

/** Second hash of the last keyHash call (a module variable: no object per packet). */
let H2 = 0;

/** Two independent 32-bit hashes of a packet key: returns the first, leaves the second in H2. */
function keyHash(
  p: number,
  d: number,
  seq: number,
  ack: number,
  f: number,
  len: number,
  tv: number,
  te: number,
): number {
  let x = Math.imul(p ^ 0x5bd1e995, 0x9e3779b1) ^ d;
  let y = Math.imul(p + 0x7f4a7c15, 0x85ebca6b) ^ (d << 7);
  x = Math.imul(x ^ (x >>> 15) ^ seq, 0x85ebca6b);
  y = Math.imul(y ^ (y >>> 13) ^ ack, 0xc2b2ae35);
  x = Math.imul(x ^ (x >>> 13) ^ ack, 0xc2b2ae35);
  y = Math.imul(y ^ (y >>> 16) ^ seq, 0x27d4eb2d);
  x = Math.imul(x ^ (x >>> 16) ^ (f | (len << 13)), 0x27d4eb2d);
  y = Math.imul(y ^ (y >>> 15) ^ tv, 0x165667b1);
  x = Math.imul(x ^ (x >>> 15) ^ tv, 0x165667b1);
  y = Math.imul(y ^ (y >>> 13) ^ (len ^ (f << 19)), 0x9e3779b1);
  x = Math.imul(x ^ (x >>> 13) ^ te, 0x9e3779b1);
  y = Math.imul(y ^ (y >>> 16) ^ te, 0x85ebca6b);
  H2 = y ^ (y >>> 15);
  return x ^ (x >>> 16);
}

function medianOf(s: Float64Array): number {
  const n = s.length;
  return n % 2 ? s[(n - 1) >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Sorts parallel (row, time) lists by time when they are not already in order (tiny lists). */
function sortRows(r: IntList, t: FloatList): void {
  let sorted = true;
  for (let k = 1; k < t.n; k++) {
    if (t.a[k]! < t.a[k - 1]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  const idx = Array.from({ length: t.n }, (_, k) => k).sort((x, y) => t.a[x]! - t.a[y]!);
  const rr = idx.map((k) => r.a[k]!);
  const tt = idx.map((k) => t.a[k]!);
  for (let k = 0; k < t.n; k++) {
    r.a[k] = rr[k]!;
    t.a[k] = tt[k]!;
  }
}
