/**
 * A plain-text ladder (sequence) diagram of one connection: the client's lifeline on the left, the
 * server's on the right, one arrow per packet. Used in the terminal report and, uncoloured, in the
 * Markdown report (inside a code fence), so it must read well without colour too: evidence rows
 * carry a ">>" marker, not only a colour.
 */
import pc from "picocolors";
import type { ConnectionDetail, PacketView } from "../model/report.js";
import { cleanText } from "../util/html.js";
import {
  annotationMap,
  gapText,
  type LadderOptions,
  type LadderRow,
  ladderNotes,
  selectLadderRows,
} from "./ladder-rows.js";
import { culpritSide, type PacketKind, packetKind, packetLabel } from "./report-common.js";

export interface AsciiLadderOptions extends LadderOptions {
  color?: boolean;
  /** Target line width; long labels may still exceed it rather than lose numbers (default 100). */
  width?: number;
  /** The finding's culprit: its lifeline is labelled "at fault". */
  culprit?: string | null;
  /** Prefix of every line (the report indents ladders under their finding). */
  indent?: string;
}

type Paint = (s: string) => string;

function kindPaint(c: ReturnType<typeof pc.createColors>, kind: PacketKind): Paint {
  switch (kind) {
    case "rst":
      return (s) => c.bold(c.red(s));
    case "retrans":
    case "dupack":
      return (s) => c.bold(c.yellow(s));
    case "zerowin":
      return (s) => c.bold(c.magenta(s));
    case "anomaly":
      return (s) => c.bold(c.cyan(s));
    case "winupdate":
      return (s) => c.bold(c.green(s));
    default:
      return (s) => c.bold(s);
  }
}

export function renderLadderAscii(
  detail: ConnectionDetail,
  frames: number[],
  opts: AsciiLadderOptions = {},
): string {
  const c = pc.createColors(opts.color ?? false);
  const width = opts.width ?? 100;
  const indent = opts.indent ?? "";
  const sel = selectLadderRows(detail, frames, opts);
  const packets = sel.rows.flatMap((r) => (r.kind === "packet" ? [r.p] : []));

  const fw = Math.max(5, ...packets.map((p) => String(p.frame).length));
  const times = new Map(packets.map((p) => [p.frame, p.rel.toFixed(6)]));
  const tw = Math.max(8, ...[...times.values()].map((t) => t.length));
  const labels = new Map(packets.map((p) => [p.frame, cleanText(packetLabel(p))]));
  const maxLabel = Math.max(0, ...[...labels.values()].map((l) => l.length));
  // Inner width between the lifelines: room for the longest label plus an arrow shaft.
  const inner = Math.max(36, maxLabel + 6);
  const prefixW = 3 + fw + 2 + tw + 2;
  const blank = " ".repeat(prefixW);
  // Tags go after the right lifeline when the line still fits the width, else on a line of their own.
  const tagRoom = width - (prefixW + inner + 3);

  const notes = annotationMap(opts);
  const lines: string[] = [];
  const side = culpritSide(detail, opts.culprit);
  const aName = cleanText(detail.a);
  const bName = cleanText(detail.b);
  const aRole = `client${side === "a" ? " · AT FAULT" : ""}`;
  const bRole = `server${side === "b" ? " · AT FAULT" : ""}`;
  const span = inner + 2;
  const paintRole = (role: string, fault: boolean): string => (fault ? c.bold(c.red(role)) : c.dim(role));
  lines.push(
    twoEnds(`${"frame".padStart(3 + fw)}  ${"time (s)".padStart(tw)}  `, aName, bName, span, c.bold),
  );
  lines.push(twoEnds(blank, aRole, bRole, span, (s) => paintRole(s, s.includes("AT FAULT"))));
  lines.push(`${blank}|${" ".repeat(inner)}|`);

  for (const row of sel.rows) {
    if (row.kind === "gap") {
      lines.push(gapLine(row, blank, inner, c.dim));
      continue;
    }
    lines.push(
      ...packetLines(row, {
        fw,
        tw,
        inner,
        blank,
        tagRoom,
        c,
        label: labels.get(row.p.frame)!,
        note: notes.get(row.p.frame),
      }),
    );
  }
  lines.push(`${blank}|${" ".repeat(inner)}|`);
  for (const note of ladderNotes(sel)) lines.push(c.dim(`${blank}${note}`));
  return lines.map((l) => (indent + l).trimEnd()).join("\n");
}

/** One line with `left` at the left lifeline and `right` ending at the right lifeline (or after, if they collide). */
function twoEnds(prefix: string, left: string, right: string, span: number, paint: Paint): string {
  const room = span - left.length - right.length;
  if (room >= 2) return `${prefix}${paint(left)}${" ".repeat(room)}${paint(right)}`;
  return `${prefix}${paint(left)}  ${paint(right)}`;
}

function gapLine(g: Extract<LadderRow, { kind: "gap" }>, blank: string, inner: number, dim: Paint): string {
  const text = gapText(g).replace(/^⋮ /, "");
  if (text.length + 4 <= inner) return dim(`${blank}⋮  ${text.padEnd(inner - 2)}⋮`);
  return dim(`${blank}⋮  ${text}`);
}

interface RowLayout {
  fw: number;
  tw: number;
  inner: number;
  blank: string;
  tagRoom: number;
  c: ReturnType<typeof pc.createColors>;
  label: string;
  note: string | undefined;
}

function packetLines(row: Extract<LadderRow, { kind: "packet" }>, L: RowLayout): string[] {
  const p: PacketView = row.p;
  const paint = row.evidence ? kindPaint(L.c, packetKind(p)) : L.c.dim;
  const marker = row.evidence ? L.c.bold(">> ") : "   ";
  const prefix = `${marker}${String(p.frame).padStart(L.fw)}  ${(L.c.dim as Paint)(p.rel.toFixed(6).padStart(L.tw))}  `;
  const shaft = Math.max(1, L.inner - 5 - L.label.length);
  const arrow =
    p.from === "a" ? `-- ${L.label} ${"-".repeat(shaft)}>` : `<${"-".repeat(shaft)} ${L.label} --`;
  const line = `${prefix}|${paint(arrow)}|`;
  const pieces = [cleanText(p.tags), L.note ? cleanText(`← ${L.note}`) : ""].filter(Boolean);
  const out = [line];
  let inline = false;
  for (const piece of pieces) {
    if (!inline && piece.length <= L.tagRoom) {
      out[0] += ` ${paint(piece)}`;
      inline = true;
    } else if (piece.length <= L.inner - 4) {
      // Just under the arrow, on the sender's side, between the lifelines.
      const under = p.from === "a" ? `   ${piece}`.padEnd(L.inner) : `${piece}   `.padStart(L.inner);
      out.push(`${L.blank}|${paint(under)}|`);
    } else out.push(`${L.blank}|${" ".repeat(L.inner)}| ${paint(piece)}`);
  }
  return out;
}
