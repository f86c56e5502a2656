/**
 * Which packets a ladder diagram shows: the evidence frames plus a little context around each, with
 * the rest folded into "⋮ n packets" rows. Shared by the ASCII and SVG ladders so both always draw
 * the same packets.
 */
import type { ConnectionDetail, PacketView } from "../model/report.js";

export type LadderRow =
  | { kind: "packet"; p: PacketView; evidence: boolean }
  /** Packets of this connection not drawn; `truncated` when the report itself left them out. */
  | { kind: "gap"; count: number; firstFrame: number | null; lastFrame: number | null; truncated: boolean };

export interface LadderOptions {
  /** Packets drawn before and after each evidence packet (default 2). */
  context?: number;
  /** Evidence frames drawn at most; evidence is listed most telling first, so the first ones win (default 6). */
  maxEvidence?: number;
  /** Packets drawn when no evidence frame belongs to this connection (default 8). */
  fallback?: number;
  /** Where to look when no evidence frame is in this connection: these frames with their context, unmarked. */
  focus?: readonly number[];
  /** Short notes shown next to given frames (a finding's annotations). */
  annotations?: readonly { frame: number; text: string }[];
}

/** Frame → note text, several notes on one frame joined. */
export function annotationMap(opts: LadderOptions): Map<number, string> {
  const m = new Map<number, string>();
  for (const a of opts.annotations ?? [])
    m.set(a.frame, m.has(a.frame) ? `${m.get(a.frame)}; ${a.text}` : a.text);
  return m;
}

export interface LadderSelection {
  rows: LadderRow[];
  /** Evidence frames that are not packets of this connection's detail (other stream, or cut by the cap). */
  missing: number[];
  /** Evidence frames of this connection beyond `maxEvidence`. */
  notDrawn: number;
  /** Packets the report left out at an unknown place (no `truncatedAt`): the diagram says so in a note. */
  unplaced: number;
}

export function selectLadderRows(
  detail: ConnectionDetail,
  frames: readonly number[],
  opts: LadderOptions = {},
): LadderSelection {
  const context = opts.context ?? 2;
  const maxEvidence = opts.maxEvidence ?? 6;
  const pkts = detail.packets;
  const index = new Map<number, number>();
  for (const [i, p] of pkts.entries()) index.set(p.frame, i);

  const found: number[] = [];
  const missing: number[] = [];
  for (const f of new Set(frames)) {
    const i = index.get(f);
    if (i === undefined) missing.push(f);
    else found.push(i);
  }
  const drawn = found.slice(0, maxEvidence);
  const evidence = new Set(drawn);

  const keep = new Set<number>();
  const focus = (opts.focus ?? []).flatMap((f) => index.get(f) ?? []);
  if (drawn.length === 0 && focus.length > 0) {
    for (const i of focus)
      for (let j = Math.max(0, i - context - 1); j <= Math.min(pkts.length - 1, i + context + 1); j++)
        keep.add(j);
  } else if (drawn.length === 0) {
    // Nothing to point at in this connection: show how it started, which is what a reader checks first.
    const n = Math.min(pkts.length, opts.fallback ?? 8);
    for (let i = 0; i < n; i++) keep.add(i);
  }
  for (const i of drawn) {
    for (let j = Math.max(0, i - context); j <= Math.min(pkts.length - 1, i + context); j++) keep.add(j);
  }
  const kept = [...keep].sort((x, y) => x - y);

  // An elision that hides a single packet costs as much room as the packet: draw it instead.
  for (let k = kept.length - 1; k > 0; k--) {
    const gap = kept[k]! - kept[k - 1]! - 1;
    if (gap === 1 && !crossesCut(detail, kept[k - 1]!, kept[k]!)) kept.splice(k, 0, kept[k]! - 1);
  }

  const rows: LadderRow[] = [];
  let prev = -1;
  for (const i of kept) {
    pushGap(rows, detail, prev, i);
    rows.push({ kind: "packet", p: pkts[i]!, evidence: evidence.has(i) });
    prev = i;
  }
  pushGap(rows, detail, prev, pkts.length);
  const unplaced = detail.truncatedAt === undefined ? detail.truncated : 0;
  return { rows, missing, notDrawn: found.length - drawn.length, unplaced };
}

/** True when the report's cut (left-out packets) lies between packet indexes i and j. */
function crossesCut(d: ConnectionDetail, i: number, j: number): boolean {
  return d.truncated > 0 && d.truncatedAt !== undefined && i < d.truncatedAt && d.truncatedAt <= j;
}

/** Adds the elision row for packets strictly between indexes `from` and `to` (exclusive). */
function pushGap(rows: LadderRow[], d: ConnectionDetail, from: number, to: number): void {
  const count = to - from - 1;
  const cut = crossesCut(d, from, to);
  if (count <= 0 && !cut) return;
  const first = count > 0 ? d.packets[from + 1]!.frame : null;
  const last = count > 0 ? d.packets[to - 1]!.frame : null;
  rows.push({
    kind: "gap",
    count: count + (cut ? d.truncated : 0),
    firstFrame: first,
    lastFrame: last,
    truncated: cut,
  });
}

/** "⋮ 18 packets (frames 6–23)" wording shared by both ladders. */
export function gapText(g: Extract<LadderRow, { kind: "gap" }>): string {
  const n = `${g.count} packet${g.count === 1 ? "" : "s"}`;
  const range =
    g.firstFrame === null
      ? ""
      : g.firstFrame === g.lastFrame
        ? ` (frame ${g.firstFrame})`
        : ` (frames ${g.firstFrame}–${g.lastFrame})`;
  return g.truncated ? `⋮ ${n} of this connection${range}, some not kept in the report` : `⋮ ${n}${range}`;
}

/** Footnotes a ladder owes its reader: evidence it could not draw, and packets the report left out. */
export function ladderNotes(sel: LadderSelection): string[] {
  const notes: string[] = [];
  if (sel.notDrawn > 0) notes.push(`${sel.notDrawn} more evidence packet(s) of this connection not drawn.`);
  if (sel.missing.length > 0) {
    const shown = sel.missing.slice(0, 8).join(", ") + (sel.missing.length > 8 ? ", …" : "");
    notes.push(`Evidence frame(s) ${shown} belong to another connection or were not kept in the report.`);
  }
  if (sel.unplaced > 0)
    notes.push(`${sel.unplaced} packet(s) of this connection were not kept in the report.`);
  return notes;
}

/**
 * The frame of `other` at the same relative place in its connection as the first of `frames` in
 * `detail` (a tenth of the way in, at the end, ...): where to look in a connection that has no evidence
 * of its own, to compare it with one that has.
 */
export function samePlace(
  detail: ConnectionDetail,
  frames: readonly number[],
  other: ConnectionDetail,
): number[] {
  const wanted = new Set(frames);
  const i = detail.packets.findIndex((p) => wanted.has(p.frame));
  if (i < 0 || other.packets.length === 0) return [];
  const at = detail.packets.length > 1 ? i / (detail.packets.length - 1) : 0;
  return [other.packets[Math.round(at * (other.packets.length - 1))]!.frame];
}
