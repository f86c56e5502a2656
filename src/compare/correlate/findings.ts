/**
 * Findings of a two-point correlation (ids from FINDINGS.md), with their facts and per-file evidence
 * frames, and the side-by-side ladders that show them. The words are phrased by
 * render/correlate-text.ts from the facts.
 */
import type { FactValue, FileFrames, Finding } from "../../model/finding.js";
import { type Classification, Status, STATUS_NAMES } from "./classify.js";
import type { Correlation } from "./engine.js";
import { ACK, FIN, type LoadedCapture, PSH, RST, SYN, URG } from "./table.js";
import type { CorrelateLadder, CorrelateLadderPacket, CorrelateLadderRow } from "./types.js";

/** The box as the captures show it: its address in A (ARP), NAT addresses, its address in B. */
export interface BoxView {
  culprit: string | null;
  addresses: string[];
  addressA: string | null;
  addressB: string | null;
  nat: boolean;
}

export function boxView(cl: Classification): BoxView {
  const natA = [...cl.boxNat[0]];
  const natB = [...cl.boxNat[1]];
  const addressA = cl.boxArp[0] ?? natA[0] ?? null;
  const addressB = natB[0] ?? cl.boxArp[1] ?? null;
  const addresses = [
    ...new Set([addressA, ...natA, addressB, ...natB, cl.boxArp[1]].filter((x): x is string => !!x)),
  ];
  return {
    culprit: addressA ?? addressB,
    addresses,
    addressA,
    addressB,
    nat: natA.length + natB.length > 0,
  };
}

interface Ctx {
  corr: Correlation;
  cl: Classification;
  box: BoxView;
  maxFrames: number;
}

function fileFrames(corr: Correlation, inB: boolean, frames: number[], other: number[] = []): FileFrames[] {
  return inB
    ? [
        { file: corr.A.file, frames: other },
        { file: corr.B.file, frames },
      ]
    : [
        { file: corr.A.file, frames },
        { file: corr.B.file, frames: other },
      ];
}

/** tcp.stream in A of the connection of row r of X (via its pair when X is B), or null. */
function streamA(corr: Correlation, inB: boolean, r: number): number | null {
  if (!inB) return corr.A.pk.conv[r]!;
  const p = corr.convPairB[corr.B.pk.conv[r]!]!;
  return p < 0 ? null : corr.pairA[p]!;
}

function sender(L: LoadedCapture, r: number): string {
  return L.cv.endpoint(L.pk.conv[r]!, L.pk.dir[r]!);
}
function receiver(L: LoadedCapture, r: number): string {
  return L.cv.endpoint(L.pk.conv[r]!, 1 - L.pk.dir[r]!);
}

function mode<T>(xs: T[]): T | undefined {
  const m = new Map<T, number>();
  let best: T | undefined;
  let bestN = 0;
  for (const x of xs) {
    const n = (m.get(x) ?? 0) + 1;
    m.set(x, n);
    if (n > bestN) {
      best = x;
      bestN = n;
    }
  }
  return best;
}

/** Most affected streams first: "stream (count)" texts and the top stream. */
function streamsOf(corr: Correlation, inB: boolean, rows: number[]): { top: number | null; list: string[] } {
  const m = new Map<string, number>();
  let top: number | null = null;
  let topN = 0;
  const byStream = new Map<number | null, number>();
  for (const r of rows) {
    const s = streamA(corr, inB, r);
    const n = (byStream.get(s) ?? 0) + 1;
    byStream.set(s, n);
    if (n > topN && s !== null) {
      top = s;
      topN = n;
    }
  }
  for (const [s, n] of [...byStream].sort((x, y) => y[1] - x[1]).slice(0, 20)) {
    m.set(s === null ? `${inB ? corr.B.file : corr.A.file} only` : String(s), n);
  }
  return { top, list: [...m].map(([s, n]) => `${s}: ${n}`) };
}

function base(ctx: Ctx, id: Finding["id"], severity: Finding["severity"]): Finding {
  return {
    id,
    severity,
    culprit: ctx.box.culprit,
    stream: null,
    frames: [],
    confidence: "high",
    facts: {},
    summary: "",
    explanation: "",
    next: "",
  };
}

function commonFacts(ctx: Ctx, inB: boolean): Record<string, FactValue> {
  return {
    fileA: ctx.corr.A.file,
    fileB: ctx.corr.B.file,
    fileSeen: inB ? ctx.corr.B.file : ctx.corr.A.file,
    fileMissing: inB ? ctx.corr.A.file : ctx.corr.B.file,
    boxAddresses: ctx.box.addresses,
    boxAddressSeen: (inB ? ctx.box.addressB : ctx.box.addressA) ?? null,
    boxAddressOther: (inB ? ctx.box.addressA : ctx.box.addressB) ?? null,
  };
}

export function buildFindings(corr: Correlation, cl: Classification, maxFrames: number): Finding[] {
  const ctx: Ctx = { corr, cl, box: boxView(cl), maxFrames };
  const out: Finding[] = [];
  // The idle timeout first: it is the cause of the drops and resets that follow it.
  for (const ev of cl.idle.slice(0, 20)) out.push(idleFinding(ctx, ev));
  for (const inB of [false, true]) {
    const f = droppedFinding(ctx, inB);
    if (f) out.push(f);
  }
  for (const inB of [false, true]) {
    const f = injectedFinding(ctx, inB);
    if (f) out.push(f);
  }
  for (const inB of [false, true]) {
    const f = missedFinding(ctx, inB);
    if (f) out.push(f);
  }
  if (!out.some((f) => f.id.startsWith("middlebox."))) out.unshift(healthyFinding(ctx));
  return out;
}

function droppedFinding(ctx: Ctx, inB: boolean): Finding | null {
  const { corr, cl } = ctx;
  const X = inB ? corr.B : corr.A;
  const rows = cl.rowsWith(inB, Status.DROPPED);
  if (rows.length === 0) return null;
  const info = inB ? cl.dropB : cl.dropA;
  let data = 0;
  let bytes = 0;
  let syns = 0;
  let retrans = 0;
  let retransCrossed = 0;
  let unacked = 0;
  let noData = 0;
  let noCounterpart = 0;
  const blockedConvs = new Set<number>();
  const retransFrames: number[] = [];
  for (const r of rows) {
    const len = X.pk.len[r]!;
    if (len > 0) data++;
    bytes += len;
    if ((X.pk.flags[r]! & (SYN | ACK)) === SYN) syns++;
    const d = info.get(r);
    if (!d) continue;
    if (d.retransFrame) {
      retrans++;
      if (d.retransCrossed) retransCrossed++;
      if (retransFrames.length < 20) retransFrames.push(d.retransFrame);
    }
    if (d.proof === "unacked") unacked++;
    else if (d.proof === "no-data") noData++;
    else {
      noCounterpart++;
      blockedConvs.add(X.pk.conv[r]!);
    }
  }
  const confirmed = data + syns > 0;
  const f = base(ctx, "middlebox.dropped", confirmed ? "error" : "warning");
  const streams = streamsOf(corr, inB, rows);
  f.stream = streams.top;
  f.frames = fileFrames(
    corr,
    inB,
    rows.slice(0, ctx.maxFrames).map((r) => X.pk.frame[r]!),
  );
  f.confidence = unacked + syns > 0 || noCounterpart > 0 ? "high" : "medium";
  const first = rows[0]!;
  f.facts = {
    ...commonFacts(ctx, inB),
    packets: rows.length,
    dataPackets: data,
    bytes,
    syns,
    retransmitted: retrans,
    retransmissionsCrossed: retransCrossed,
    neverAcknowledged: unacked,
    pureAcksOrResets: noData,
    connectionsBlocked: blockedConvs.size,
    sender: mode(rows.map((r) => sender(X, r))) ?? null,
    receiver: mode(rows.map((r) => receiver(X, r))) ?? null,
    firstFrame: X.pk.frame[first]!,
    retransmissionFrames: retransFrames,
    streams: streams.list,
    framesListed: Math.min(rows.length, ctx.maxFrames),
  };
  f.annotations = rows.slice(0, 8).map((r) => ({
    frame: X.pk.frame[r]!,
    text: `never reached ${inB ? corr.A.file : corr.B.file}`,
  }));
  return f;
}

function injectedFinding(ctx: Ctx, inB: boolean): Finding | null {
  const { corr, cl } = ctx;
  const X = inB ? corr.B : corr.A;
  const rows = cl.rowsWith(inB, Status.INJECTED);
  if (rows.length === 0) return null;
  const info = inB ? cl.injB : cl.injA;
  let rsts = 0;
  let acks = 0;
  let data = 0;
  const reasons = new Map<string, number>();
  const triggers: number[] = [];
  const realTtls: number[] = [];
  for (const r of rows) {
    const fl = X.pk.flags[r]!;
    if (fl & RST) rsts++;
    else if (X.pk.len[r]! > 0) data++;
    else acks++;
    const i = info.get(r);
    if (i) {
      reasons.set(i.reason, (reasons.get(i.reason) ?? 0) + 1);
      if (i.triggerRow >= 0 && triggers.length < 20) {
        const fr = X.pk.frame[i.triggerRow]!;
        if (!triggers.includes(fr)) triggers.push(fr);
      }
      if (i.realTtl >= 0) realTtls.push(i.realTtl);
    }
  }
  const strong = (reasons.get("rst") ?? 0) + (reasons.get("ttl") ?? 0) + (reasons.get("no-counterpart") ?? 0);
  const f = base(ctx, "middlebox.injected", rsts > 0 ? "error" : "warning");
  const streams = streamsOf(corr, inB, rows);
  f.stream = streams.top;
  f.frames = fileFrames(
    corr,
    inB,
    rows.slice(0, ctx.maxFrames).map((r) => X.pk.frame[r]!),
  );
  f.confidence = strong > 0 ? "high" : "medium";
  const ttlInjected = mode(rows.map((r) => X.pk.ttl[r]!)) ?? -1;
  const ttlReal = mode(realTtls) ?? -1;
  f.facts = {
    ...commonFacts(ctx, inB),
    packets: rows.length,
    resets: rsts,
    acks,
    dataPackets: data,
    claimedSender: mode(rows.map((r) => sender(X, r))) ?? null,
    receiver: mode(rows.map((r) => receiver(X, r))) ?? null,
    ttlInjected,
    ttlReal,
    reasons: [...reasons].map(([k, v]) => `${k}: ${v}`),
    firstFrame: X.pk.frame[rows[0]!]!,
    triggerFrames: triggers,
    streams: streams.list,
    framesListed: Math.min(rows.length, ctx.maxFrames),
  };
  f.annotations = rows.slice(0, 8).map((r) => ({
    frame: X.pk.frame[r]!,
    text: `not sent by ${sender(X, r)}: absent from ${inB ? corr.A.file : corr.B.file}`,
  }));
  return f;
}

function idleFinding(ctx: Ctx, ev: Classification["idle"][number]): Finding {
  const { corr } = ctx;
  const inB = ev.inB;
  const X = inB ? corr.B : corr.A;
  const Y = inB ? corr.A : corr.B;
  const f = base(ctx, "middlebox.idle-timeout", "error");
  f.stream = corr.pairA[ev.pair]!;
  const framesX = [X.pk.frame[ev.lastBefore]!, X.pk.frame[ev.firstBlocked]!];
  for (const r of ev.injected.slice(0, 3)) framesX.push(X.pk.frame[r]!);
  const framesY = ev.otherLastBefore >= 0 ? [Y.pk.frame[ev.otherLastBefore]!] : [];
  f.frames = fileFrames(corr, inB, framesX, framesY);
  const resets = ev.injected.filter((r) => X.pk.flags[r]! & RST).length;
  const P = ev.firstBlocked;
  f.facts = {
    ...commonFacts(ctx, inB),
    idleSec: ev.gapSec,
    survivedIdleSec: ev.survivedGapSec,
    blockedPackets: ev.blocked.length,
    injectedAfter: ev.injected.length,
    injectedResets: resets,
    ending: resets > 0 ? "reset" : ev.injected.length > 0 ? "injected" : "silence",
    sender: sender(X, P),
    receiver: receiver(X, P),
    lastBeforeFrame: X.pk.frame[ev.lastBefore]!,
    otherLastBeforeFrame: ev.otherLastBefore >= 0 ? Y.pk.frame[ev.otherLastBefore]! : null,
    firstBlockedFrame: X.pk.frame[P]!,
    firstInjectedFrame: ev.injected.length ? X.pk.frame[ev.injected[0]!]! : null,
    streamB: corr.pairB[ev.pair]!,
  };
  f.annotations = [
    { frame: X.pk.frame[ev.lastBefore]!, text: "last packet before the idle gap" },
    { frame: X.pk.frame[P]!, text: `after ${ev.gapSec.toFixed(1)} s idle: never reached ${Y.file}` },
  ];
  if (ev.injected.length)
    f.annotations.push({ frame: X.pk.frame[ev.injected[0]!]!, text: "forged by the box" });
  return f;
}

function missedFinding(ctx: Ctx, inB: boolean): Finding | null {
  const { corr, cl } = ctx;
  const X = inB ? corr.B : corr.A;
  const rows = cl.rowsWith(inB, Status.MISSED_BY_OTHER);
  if (rows.length === 0) return null;
  const f = base(ctx, "capture.incomplete", "info");
  f.culprit = null;
  f.confidence = "medium";
  const streams = streamsOf(corr, inB, rows);
  f.stream = streams.top;
  f.frames = fileFrames(
    corr,
    inB,
    rows.slice(0, ctx.maxFrames).map((r) => X.pk.frame[r]!),
  );
  f.facts = {
    ...commonFacts(ctx, inB),
    packets: rows.length,
    dataPackets: rows.filter((r) => X.pk.len[r]! > 0).length,
    streams: streams.list,
    framesListed: Math.min(rows.length, ctx.maxFrames),
  };
  return f;
}

function healthyFinding(ctx: Ctx): Finding {
  const { corr } = ctx;
  const f = base(ctx, "healthy", "info");
  f.culprit = null;
  const both = corr.A.pk.n - ctx.cl.notCrossed[0].length;
  f.facts = {
    fileA: corr.A.file,
    fileB: corr.B.file,
    connectionsPaired: corr.nPairs,
    packetsBothSides: both,
    tcpPacketsA: corr.A.pk.n,
    tcpPacketsB: corr.B.pk.n,
    clockOffsetSec: corr.offset,
    checked: [
      "every TCP packet of one capture against the other",
      "packets that entered the box and never left it (dropped)",
      "packets that left the box without having entered it (injected)",
      "connections cut after an idle period (idle timeout)",
    ],
  };
  return f;
}

// ------------------------------------------------------------------------ ladders

const FLAG_TEXT: [number, string][] = [
  [FIN, "FIN"],
  [SYN, "SYN"],
  [RST, "RST"],
  [PSH, "PSH"],
  [ACK, "ACK"],
  [URG, "URG"],
  [0x40, "ECE"],
  [0x80, "CWR"],
];

export function flagText(f: number): string {
  const parts: string[] = [];
  for (const [bit, name] of FLAG_TEXT) if (f & bit) parts.push(name);
  return parts.join(", ") || "none";
}

/** Evidence frames of a finding per file: [frames in A, frames in B]. */
function evidenceSets(f: Finding): [Set<number>, Set<number>] {
  const a = new Set<number>();
  const b = new Set<number>();
  // Two-point findings list A's frames first, then B's (see fileFrames).
  if (f.frames.length && typeof f.frames[0] === "object") {
    const ff = f.frames as FileFrames[];
    for (const n of ff[0]?.frames ?? []) a.add(n);
    for (const n of ff[1]?.frames ?? []) b.add(n);
  }
  return [a, b];
}

/**
 * A side-by-side ladder for a finding: rows of the connection around its first evidence packet (or
 * around the idle gap), each row one packet with its counterpart (or "—").
 */
export function buildLadder(
  corr: Correlation,
  cl: Classification,
  f: Finding,
  index: number,
): CorrelateLadder | null {
  if (f.id === "healthy") return null;
  const [evA, evB] = evidenceSets(f);
  const resentFrames = new Set(
    Array.isArray(f.facts.retransmissionFrames) ? (f.facts.retransmissionFrames as number[]) : [],
  );
  // The file holding the first evidence and its row.
  const firstIn = (L: LoadedCapture, ev: Set<number>): number => {
    if (!ev.size) return -1;
    const lowest = Math.min(...ev);
    // rows are in frame order: binary search
    let l = 0;
    let h = L.pk.n;
    while (l < h) {
      const m = (l + h) >> 1;
      if (L.pk.frame[m]! < lowest) l = m + 1;
      else h = m;
    }
    return l < L.pk.n && L.pk.frame[l] === lowest ? l : -1;
  };
  let inB = false;
  let r0 = firstIn(corr.A, evA);
  if (r0 < 0) {
    inB = true;
    r0 = firstIn(corr.B, evB);
  }
  if (r0 < 0) return null;
  const X = inB ? corr.B : corr.A;
  const conv = X.pk.conv[r0]!;
  const p = inB ? corr.convPairB[conv]! : corr.convPairA[conv]!;
  const rowsX = cl.rowsOf(X, conv);
  let k0 = 0;
  while (k0 < rowsX.length && rowsX[k0] !== r0) k0++;
  let kEnd = k0;
  const ev = inB ? evB : evA;
  // stretch to the last evidence packet of this connection, within reason
  for (let k = k0; k < rowsX.length && k < k0 + 16; k++) if (ev.has(X.pk.frame[rowsX[k]!]!)) kEnd = k;
  // Windows of X's rows to show: around the evidence, and (for drops) around the first copy that
  // was resent, so the ladder shows the original vanishing and the resend crossing.
  const windows: [number, number][] = [[Math.max(0, k0 - 5), Math.min(rowsX.length - 1, kEnd + 6)]];
  const resent = f.facts.retransmissionFrames;
  if (Array.isArray(resent) && typeof resent[0] === "number") {
    const fr = resent[0] as number;
    for (let k = kEnd; k < rowsX.length && k < kEnd + 50_000; k++) {
      if (X.pk.frame[rowsX[k]!] !== fr) continue;
      const w0 = windows[0]!;
      if (k - 3 <= w0[1] + 1) w0[1] = Math.max(w0[1], Math.min(rowsX.length - 1, k + 3));
      else windows.push([k - 3, Math.min(rowsX.length - 1, k + 3)]);
      break;
    }
  }
  const off = corr.offset;
  const toA = (t: number): number => (inB ? t - off : t);
  // Rows of the other file count when they fall in the window give or take the transit time.
  const eps = 0.001 + 4 * corr.transit;

  // Rows: every A row and B row of the pair in a window (A's clock), merged.
  const A = corr.A;
  const B = corr.B;
  const ca = p >= 0 ? corr.pairA[p]! : inB ? -1 : conv;
  const cb = p >= 0 ? corr.pairB[p]! : inB ? conv : -1;
  const dm = p >= 0 ? corr.dm[p]! : 0;
  type Item = { t: number; a: number; b: number; skipped?: number };
  const stA = cl.stA;
  const stB = cl.stB;
  // (rows are in file order, about time order: start a little before the window, stop after it)
  const from = (L: LoadedCapture, rows: Int32Array, t: number): number =>
    Math.max(0, cl.lowerBound(L, rows, t) - 64);
  const itemsIn = (tLo: number, tHi: number): Item[] => {
    const items: Item[] = [];
    const inWindow = (t: number, own: boolean): boolean =>
      own ? t >= tLo - 1e-9 && t <= tHi + 1e-9 : t >= tLo - eps && t <= tHi + eps;
    const seenA = new Set<number>();
    if (ca >= 0) {
      const rowsA = cl.rowsOf(A, ca);
      for (let k = from(A, rowsA, tLo - eps); k < rowsA.length; k++) {
        const r = rowsA[k]!;
        const t = A.pk.t[r]!;
        if (t > tHi + eps + 1) break;
        if (!inWindow(t, !inB)) continue;
        items.push({ t, a: r, b: corr.matchA[r]! });
        seenA.add(r);
      }
    }
    if (cb >= 0) {
      const rowsB = cl.rowsOf(B, cb);
      for (let k = from(B, rowsB, tLo - eps + off); k < rowsB.length; k++) {
        const r = rowsB[k]!;
        const t = B.pk.t[r]! - off;
        if (t > tHi + eps + 1) break;
        if (!inWindow(t, inB)) continue;
        const m = corr.matchB[r]!;
        if (m >= 0 && (seenA.has(m) || !inB)) continue; // came with its A counterpart
        items.push({ t: m >= 0 ? A.pk.t[m]! : t, a: m, b: r });
      }
    }
    items.sort((x, y) => x.t - y.t);
    if (items.length > 40) items.splice(40);
    return items;
  };
  const items: Item[] = [];
  windows.forEach(([lo, hi], w) => {
    const part = itemsIn(toA(X.pk.t[rowsX[lo]!]!), toA(X.pk.t[rowsX[hi]!]!));
    if (w > 0 && part.length) part[0]!.skipped = lo - windows[w - 1]![1] - 1;
    items.push(...part);
  });
  const bases = seqBases(corr, cl, ca, cb, dm, p);
  const t0 = items.length ? items[0]!.t : 0;
  const view = (L: LoadedCapture, r: number, isB: boolean): CorrelateLadderPacket => {
    const d = isB ? L.pk.dir[r]! ^ dm : L.pk.dir[r]!;
    const fl = L.pk.flags[r]!;
    const bs = bases[isB ? 1 : 0];
    return {
      frame: L.pk.frame[r]!,
      rel: (isB ? L.pk.t[r]! - off : L.pk.t[r]!) - t0,
      dir: d === 0 ? "c2s" : "s2c",
      flags: flagText(fl),
      seq: (L.pk.seq[r]! - bs[d]!) >>> 0,
      ack: fl & ACK ? (L.pk.ack[r]! - bs[1 - d]!) >>> 0 : 0,
      len: L.pk.len[r]!,
      ttl: L.pk.ttl[r]!,
    };
  };
  const rows: CorrelateLadderRow[] = [];
  let prevT = Number.NaN;
  for (const it of items) {
    const a = it.a >= 0 ? view(A, it.a, false) : null;
    const b = it.b >= 0 ? view(B, it.b, true) : null;
    let transit: number | null = null;
    if (it.a >= 0 && it.b >= 0) {
      const dt = B.pk.t[it.b]! - A.pk.t[it.a]! - off;
      const pd = corr.pairDir(false, it.a);
      transit = pd >= 0 && corr.senderOnA[pd] ? dt : -dt;
    }
    const code = it.a >= 0 ? stA[it.a]! : stB[it.b]!;
    const row: CorrelateLadderRow = {
      a,
      b,
      transitSec: transit,
      status: STATUS_NAMES[code] ?? "other",
      evidence: (it.a >= 0 && evA.has(A.pk.frame[it.a]!)) || (it.b >= 0 && evB.has(B.pk.frame[it.b]!)),
    };
    const own = inB ? it.b : it.a;
    if (own >= 0 && resentFrames.has((inB ? B : A).pk.frame[own]!)) row.note = "resent";
    if (it.skipped) row.skippedBefore = it.skipped;
    else if (!Number.isNaN(prevT) && it.t - prevT >= 1) row.gapBeforeSec = it.t - prevT;
    prevT = it.t;
    rows.push(row);
  }
  const endpoints = (L: LoadedCapture, c: number, flip: number): [string, string] =>
    c >= 0 ? [L.cv.endpoint(c, flip), L.cv.endpoint(c, 1 - flip)] : ["", ""];
  const [clientA, serverA] = endpoints(A, ca, 0);
  const [clientB, serverB] = endpoints(B, cb, dm);
  return {
    finding: index,
    startTs: A.baseSec + t0,
    streamA: ca >= 0 ? ca : null,
    streamB: cb >= 0 ? cb : null,
    clientA,
    serverA,
    clientB,
    serverB,
    rows,
    omittedBefore: windows[0]![0],
    omittedAfter: rowsX.length - 1 - windows[windows.length - 1]![1],
  };
}

/** Base sequence numbers per file and direction (A's orientation), so matched rows read the same. */
function seqBases(
  corr: Correlation,
  cl: Classification,
  ca: number,
  cb: number,
  dm: number,
  p: number,
): [[number, number], [number, number]] {
  const first = (L: LoadedCapture, c: number, d: number, flip: number): number => {
    if (c < 0) return 0;
    for (const r of cl.rowsOf(L, c)) {
      if ((L.pk.dir[r]! ^ flip) !== d) continue;
      return L.pk.flags[r]! & SYN ? L.pk.seq[r]! : (L.pk.seq[r]! - 1) >>> 0;
    }
    return 0;
  };
  const a: [number, number] = [first(corr.A, ca, 0, 0), first(corr.A, ca, 1, 0)];
  const b: [number, number] = [first(corr.B, cb, 0, dm), first(corr.B, cb, 1, dm)];
  if (p >= 0 && ca >= 0) {
    for (let d = 0; d < 2; d++) if (corr.offKnown[2 * p + d]) b[d] = (a[d]! + corr.off[2 * p + d]!) >>> 0;
  }
  return [a, b];
}
