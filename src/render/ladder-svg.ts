/**
 * The ladder diagram as SVG for the HTML report: times on the left, client and server lifelines, one
 * horizontal arrow per packet labelled with relative and absolute Seq/Ack (vendors' engineers ask for
 * the raw numbers; newcomers read the relative ones, as Wireshark shows them). Evidence rows are tinted
 * in the colour of what they show (RST red, retransmission orange, zero window purple).
 * Self-contained: no fonts, scripts or links; every capture string is escaped.
 */
import type { ConnectionDetail, PacketView } from "../model/report.js";
import { cleanText, escapeHtml } from "../util/html.js";
import { annotationMap, gapText, type LadderOptions, ladderNotes, selectLadderRows } from "./ladder-rows.js";
import { FAINT, INK, KIND_COLOR, KIND_NAME, MONO, MUTED, SANS } from "./palette.js";
import {
  culpritSide,
  formatDuration,
  formatEpoch,
  hasAckFlag,
  type PacketKind,
  packetKind,
} from "./report-common.js";

export interface SvgLadderOptions extends LadderOptions {
  culprit?: string | null;
  /** id attribute of the <svg>, for links from the report (escaped). */
  id?: string;
  /** Accessible title (default: "Packets of connection N"). */
  title?: string;
}

const esc = (s: string): string => escapeHtml(cleanText(s));
const CHAR_W = 6.9; // advance of 11.5px monospace, close enough for layout
const ROW_H = 40;
const GAP_H = 30;
const HEAD_H = 70;
const LEFT_W = 150;

/** "[SYN, ACK] Seq=0 (abs 1180908800) Ack=2231665395 (abs 472538625) Win=8760 Len=0" */
export function svgPacketLabel(p: PacketView): string {
  const ack = hasAckFlag(p) ? ` Ack=${p.ack} (abs ${p.ackRaw})` : "";
  return `[${p.flags || "<None>"}] Seq=${p.seq} (abs ${p.seqRaw})${ack} Win=${p.win} Len=${p.len}`;
}

/** One row of a drawn ladder. */
export type SvgLadderRow =
  | { kind: "packet"; p: PacketView; evidence: boolean; note?: string }
  | { kind: "gap"; text: string }
  /** A packet the other capture has and this one does not: a dashed arrow in `color` with `text`. */
  | { kind: "absent"; from: "a" | "b"; text: string; color: string; evidence: boolean };

/** What one ladder draws: its two lifelines, its rows and its footnotes. */
export interface LadderSpec {
  /** The two endpoints ("ip:port"), "a" on the left. */
  a: string;
  b: string;
  /** Role words under the endpoints (default "client", "server"). */
  roles?: [string, string];
  culpritSide: "a" | "b" | null;
  rows: SvgLadderRow[];
  notes: string[];
  /** Time since the previous packet, by frame (default: between the packets of `rows`). */
  since?: Map<number, number>;
  /** Arrow label (default svgPacketLabel). */
  label?: (p: PacketView) => string;
  /** The packet in a row's tooltip (default: the arrow label). */
  tipLabel?: (p: PacketView) => string;
  /** Narrowest distance between the lifelines (px, default 460). */
  minSpan?: number;
}

/** A ladder drawn at the origin: its size and its SVG elements (no <svg> wrapper). */
interface LadderDrawing {
  width: number;
  height: number;
  parts: string[];
}

/** The rows and notes renderLadderSvg draws for a connection's evidence (shared with side-by-side views). */
export function ladderSpec(
  detail: ConnectionDetail,
  frames: number[],
  opts: SvgLadderOptions = {},
): LadderSpec {
  const sel = selectLadderRows(detail, frames, opts);
  const annotations = annotationMap(opts);
  const t0 = detail.packets[0];
  return {
    a: detail.a,
    b: detail.b,
    culpritSide: culpritSide(detail, opts.culprit),
    rows: sel.rows.map((r) =>
      r.kind === "gap"
        ? { kind: "gap", text: gapText(r) }
        : { kind: "packet", p: r.p, evidence: r.evidence, note: annotations.get(r.p.frame) },
    ),
    // Where time 0 is in wall-clock terms: vendors correlate with their device logs by it.
    notes: [
      ...(t0 ? [`Time 0 = ${formatEpoch(t0.ts - t0.rel)}, the connection's first packet.`] : []),
      ...ladderNotes(sel),
    ],
    since: previousPacketTimes(detail.packets),
  };
}

export function renderLadderSvg(
  detail: ConnectionDetail,
  frames: number[],
  opts: SvgLadderOptions = {},
): string {
  const d = drawLadder(ladderSpec(detail, frames, opts));
  return wrapSvg(
    "ladder",
    d.width,
    d.height,
    opts.id,
    opts.title ?? `Packets of connection ${detail.stream}`,
    d.parts,
  );
}

export interface LadderColumn {
  /** Shown above the ladder, e.g. "GOOD · success/capture.pcapng". */
  caption: string;
  spec: LadderSpec;
}

const CAPTION_H = 34;
const GUTTER = 32;

/**
 * Two ladders side by side in one drawing, top-aligned, each under its caption: a connection in two
 * captures. When both columns have the same kinds of rows in the same order, rows line up. One
 * drawing, not two, so that scaling it to the page keeps the rows of both columns level.
 */
export function renderLadderPairSvg(
  left: LadderColumn,
  right: LadderColumn,
  opts: { id?: string; title: string },
): string {
  const l = drawLadder(left.spec);
  const r = drawLadder(right.spec);
  const x2 = l.width + GUTTER;
  const width = x2 + r.width;
  const height = CAPTION_H + Math.max(l.height, r.height);
  const caption = (x: number, text: string): string =>
    `<text x="${x}" y="22" font-weight="700" font-size="14" fill="${INK}">${esc(text)}</text>`;
  return wrapSvg("ladder pair", width, height, opts.id, opts.title, [
    caption(16, left.caption),
    caption(x2 + 16, right.caption),
    `<line x1="${l.width + GUTTER / 2}" y1="8" x2="${l.width + GUTTER / 2}" y2="${height - 8}" stroke="${FAINT}" stroke-width="2"/>`,
    `<g transform="translate(0 ${CAPTION_H})">`,
    ...l.parts,
    "</g>",
    `<g transform="translate(${x2} ${CAPTION_H})">`,
    ...r.parts,
    "</g>",
  ]);
}

function wrapSvg(
  cls: string,
  width: number,
  height: number,
  id: string | undefined,
  title: string,
  parts: string[],
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="${cls}"${id ? ` id="${esc(id)}"` : ""} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}" font-family="${SANS}" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
  ].join("\n");
}

function drawLadder(spec: LadderSpec): LadderDrawing {
  const label = spec.label ?? svgPacketLabel;
  const packets = spec.rows.flatMap((r) => (r.kind === "packet" ? [r.p] : []));
  const maxLabel = Math.max(
    30,
    ...packets.map((p) => cleanText(label(p)).length),
    ...spec.rows.map((r) => (r.kind === "absent" ? cleanText(r.text).length : 0)),
  );
  const span = Math.max(spec.minSpan ?? 460, Math.ceil(maxLabel * CHAR_W) + 70);
  // Lifelines far enough in that the address boxes above them fit inside the drawing.
  const xa = LEFT_W + Math.max(90, 12 + boxWidth(spec.a) / 2);
  const xb = xa + span;
  const width = xb + Math.max(90, 12 + boxWidth(spec.b) / 2);
  const kinds = [
    ...new Set(spec.rows.flatMap((r) => (r.kind === "packet" && r.evidence ? [packetKind(r.p)] : []))),
  ];
  const bodyH = spec.rows.reduce((h, r) => h + (r.kind === "gap" ? GAP_H : ROW_H), 0);
  const legendY = HEAD_H + bodyH + 24;
  const height = legendY + (kinds.length ? 24 : 0) + spec.notes.length * 18 + 12;
  const since = spec.since ?? previousPacketTimes(packets);
  const out: string[] = [];
  out.push(...header(spec, xa, xb));
  // Lifelines first, so rows and their tints are drawn over them.
  out.push(lifeline(xa, HEAD_H - 6, HEAD_H + bodyH), lifeline(xb, HEAD_H - 6, HEAD_H + bodyH));
  let y = HEAD_H;
  for (const row of spec.rows) {
    if (row.kind === "gap") out.push(...gapRow(row.text, y, xa, xb, width));
    else if (row.kind === "absent") out.push(...absentRow(row, y, xa, xb, width));
    else out.push(...packetRow(row, y, xa, xb, width, since.get(row.p.frame), label, spec.tipLabel ?? label));
    y += row.kind === "gap" ? GAP_H : ROW_H;
  }
  if (kinds.length) out.push(legend(kinds, legendY));
  spec.notes.forEach((n, i) => {
    out.push(
      `<text x="16" y="${legendY + (kinds.length ? 24 : 0) + i * 18 + 6}" fill="${MUTED}" font-style="italic">${esc(n)}</text>`,
    );
  });
  return { width, height, parts: out };
}

/** Time since the previous packet, by frame: shows the waits (an RTO, a stall). */
function previousPacketTimes(packets: readonly PacketView[]): Map<number, number> {
  const m = new Map<number, number>();
  packets.forEach((p, i) => {
    if (i > 0) m.set(p.frame, p.rel - packets[i - 1]!.rel);
  });
  return m;
}

/** Address as shown in a lifeline box: very long ones are cut (the full text is in the box's tooltip). */
function boxLabel(addr: string): string {
  const a = cleanText(addr);
  return a.length > 60 ? `${a.slice(0, 59)}…` : a;
}

function boxWidth(addr: string): number {
  return Math.max(150, Math.ceil(boxLabel(addr).length * 7.4) + 24);
}

function header(spec: LadderSpec, xa: number, xb: number): string[] {
  const side = spec.culpritSide;
  const [roleA, roleB] = spec.roles ?? ["client", "server"];
  const box = (x: number, addr: string, role: string, fault: boolean): string => {
    const w = boxWidth(addr);
    const stroke = fault ? KIND_COLOR.rst : "#9ca3af";
    const roleText = fault ? `${role} · at fault` : role;
    return [
      `<rect x="${x - w / 2}" y="8" width="${w}" height="44" rx="6" fill="${fault ? "#fef2f2" : "#f9fafb"}" stroke="${stroke}" stroke-width="${fault ? 2 : 1}"/>`,
      `<text x="${x}" y="27" text-anchor="middle" font-weight="600" fill="${INK}"><title>${esc(addr)}</title>${esc(boxLabel(addr))}</text>`,
      `<text x="${x}" y="44" text-anchor="middle" font-size="11" fill="${fault ? KIND_COLOR.rst : MUTED}"${fault ? ' font-weight="600"' : ""}>${esc(roleText)}</text>`,
    ].join("");
  };
  return [
    box(xa, spec.a, roleA, side === "a"),
    box(xb, spec.b, roleB, side === "b"),
    `<text x="16" y="27" font-weight="600" fill="${MUTED}" font-size="11">time (s)</text>`,
    `<text x="${LEFT_W}" y="27" font-weight="600" fill="${MUTED}" font-size="11" text-anchor="end">frame</text>`,
    `<text x="16" y="42" fill="${MUTED}" font-size="10">+ since previous packet</text>`,
  ];
}

function lifeline(x: number, y1: number, y2: number): string {
  return `<line x1="${x}" y1="${y1}" x2="${x}" y2="${y2}" stroke="#9ca3af" stroke-width="2"/>`;
}

function gapRow(text: string, y: number, xa: number, xb: number, width: number): string[] {
  const mid = y + GAP_H / 2;
  return [
    // White-out the solid lifeline and draw it dotted: the packets in between are not shown.
    `<rect x="0" y="${y + 3}" width="${width}" height="${GAP_H - 6}" fill="#ffffff"/>`,
    `<line x1="${xa}" y1="${y + 3}" x2="${xa}" y2="${y + GAP_H - 3}" stroke="#9ca3af" stroke-width="2" stroke-dasharray="2 4"/>`,
    `<line x1="${xb}" y1="${y + 3}" x2="${xb}" y2="${y + GAP_H - 3}" stroke="#9ca3af" stroke-width="2" stroke-dasharray="2 4"/>`,
    `<text x="${(xa + xb) / 2}" y="${mid + 4}" text-anchor="middle" fill="${MUTED}" font-style="italic">${esc(text)}</text>`,
  ];
}

function absentRow(
  row: Extract<SvgLadderRow, { kind: "absent" }>,
  y: number,
  xa: number,
  xb: number,
  width: number,
): string[] {
  const ay = y + 23;
  const [x1, x2] = row.from === "a" ? [xa + 2, xb - 2] : [xb - 2, xa + 2];
  const out = [`<g class="pkt absent${row.evidence ? " evidence" : ""}"><title>${esc(row.text)}</title>`];
  if (row.evidence) {
    out.push(
      `<rect x="4" y="${y + 2}" width="${width - 8}" height="${ROW_H - 4}" rx="4" fill="${row.color}" fill-opacity="0.09"/>`,
      `<rect x="4" y="${y + 2}" width="4" height="${ROW_H - 4}" rx="2" fill="${row.color}"/>`,
    );
  }
  // A dashed shaft without a head: the packet never arrived here; a cross marks where it is missing.
  const mx = (xa + xb) / 2;
  out.push(
    `<text x="${LEFT_W}" y="${y + 19}" text-anchor="end" font-family="${MONO}" font-size="12" fill="${row.color}">—</text>`,
    `<line x1="${x1}" y1="${ay}" x2="${x2}" y2="${ay}" stroke="${row.color}" stroke-width="1.5" stroke-dasharray="6 5" stroke-opacity="0.7"/>`,
    `<path d="M${mx - 6} ${ay - 6} L${mx + 6} ${ay + 6} M${mx - 6} ${ay + 6} L${mx + 6} ${ay - 6}" stroke="${row.color}" stroke-width="2.5"/>`,
    `<text x="${mx}" y="${ay - 9}" text-anchor="middle" font-size="11.5" font-style="italic" font-weight="600" fill="${row.color}">${esc(row.text)}</text>`,
    "</g>",
  );
  return out;
}

function packetRow(
  row: Extract<SvgLadderRow, { kind: "packet" }>,
  y: number,
  xa: number,
  xb: number,
  width: number,
  delta: number | undefined,
  label: (p: PacketView) => string,
  tipLabel: (p: PacketView) => string,
): string[] {
  const p = row.p;
  const note = row.note;
  const kind = packetKind(p);
  const hot = row.evidence;
  const color = hot ? KIND_COLOR[kind] : kind === "data" || kind === "ack" ? "#4b5563" : KIND_COLOR[kind];
  const line = hot ? color : "#9ca3af";
  const ay = y + 23;
  const [x1, x2] = p.from === "a" ? [xa + 2, xb - 2] : [xb - 2, xa + 2];
  const dir = p.from === "a" ? -1 : 1;
  const head = `${x2},${ay} ${x2 + dir * 10},${ay - 5} ${x2 + dir * 10},${ay + 5}`;
  const sender = p.from === "a" ? "client → server" : "server → client";
  const tip = `Frame ${p.frame} · ${formatEpoch(p.ts)} · +${p.rel.toFixed(6)} s · ${sender} · ${tipLabel(p)}${p.tags ? ` · ${p.tags}` : ""}`;
  const out = [`<g class="pkt${hot ? " evidence" : ""}" data-frame="${p.frame}"><title>${esc(tip)}</title>`];
  if (hot) {
    out.push(
      `<rect x="4" y="${y + 2}" width="${width - 8}" height="${ROW_H - 4}" rx="4" fill="${color}" fill-opacity="0.09"/>`,
    );
    out.push(`<rect x="4" y="${y + 2}" width="4" height="${ROW_H - 4}" rx="2" fill="${color}"/>`);
  }
  const fw = hot ? ' font-weight="700"' : "";
  out.push(
    `<text x="16" y="${y + 19}" font-family="${MONO}" font-size="11.5" fill="${hot ? INK : MUTED}">${p.rel.toFixed(6)}</text>`,
    delta !== undefined
      ? `<text x="16" y="${y + 33}" font-size="10" fill="${delta >= 0.2 ? "#92400e" : MUTED}">+${esc(formatDuration(delta))}</text>`
      : "",
    `<text x="${LEFT_W}" y="${y + 19}" text-anchor="end" font-family="${MONO}" font-size="12" fill="${hot ? color : MUTED}"${fw}>${p.frame}</text>`,
    `<line x1="${x1}" y1="${ay}" x2="${x2 + dir * 8}" y2="${ay}" stroke="${line}" stroke-width="${hot ? 2.5 : 1.5}"/>`,
    `<polygon points="${head}" fill="${line}"/>`,
    `<text x="${(xa + xb) / 2}" y="${ay - 6}" text-anchor="middle" font-family="${MONO}" font-size="11.5" fill="${hot ? INK : "#4b5563"}"${fw}>${esc(label(p))}</text>`,
  );
  if (p.tags || note) {
    const n = note
      ? `<tspan fill="${INK}" font-style="italic" font-weight="600">${p.tags ? "  ·  " : ""}◀ ${esc(note)}</tspan>`
      : "";
    out.push(
      `<text x="${(xa + xb) / 2}" y="${ay + 13}" text-anchor="middle" font-size="10.5" fill="${color}"${fw}>${esc(p.tags)}${n}</text>`,
    );
  }
  out.push("</g>");
  return out.filter(Boolean);
}

function legend(kinds: PacketKind[], y: number): string {
  let x = 16;
  const parts = [
    `<g class="legend"><text x="${x}" y="${y + 4}" fill="${MUTED}" font-size="11">Highlighted evidence:</text>`,
  ];
  x += 130;
  for (const k of kinds) {
    const name = KIND_NAME[k];
    parts.push(
      `<rect x="${x}" y="${y - 6}" width="14" height="12" rx="2" fill="${KIND_COLOR[k]}" fill-opacity="0.85"/>`,
      `<text x="${x + 20}" y="${y + 4}" font-size="11" fill="${INK}">${esc(name)}</text>`,
    );
    x += 34 + name.length * 6.2;
  }
  parts.push("</g>");
  return parts.join("");
}
