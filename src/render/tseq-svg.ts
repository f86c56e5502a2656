/**
 * A time-sequence (Stevens / tcptrace) graph as self-contained SVG: time across, the sender's
 * relative sequence number up. Data segments are vertical bars; the receiver's ACK is a step line and
 * its window edge (Ack + Win) a dashed one above it: when the two meet the receiver is full (zero
 * window, shaded), when bars repeat below the ACK line they are retransmissions. Each mark kind has
 * its own colour AND shape so the graph survives greyscale printing.
 */
import type { ConnectionDetail } from "../model/report.js";
import { cleanText, escapeHtml } from "../util/html.js";
import { FAINT, INK, KIND_COLOR, MUTED, SANS } from "./palette.js";
import { formatBytes, plural } from "./report-common.js";
import { dataDirection, type Mark, type TseqSeries, tseqSeries } from "./tseq-data.js";

export interface TseqOptions {
  /** Which sender's data to plot; "auto" picks the side that sent the most bytes. */
  direction?: "a" | "b" | "auto";
  width?: number;
  height?: number;
  /** Frames to ring (a finding's evidence). */
  highlightFrames?: number[];
  /** Upper bound on drawn marks before dense regions are merged (default 3000). */
  maxMarks?: number;
  id?: string;
  title?: string;
}

const esc = (s: string): string => escapeHtml(cleanText(s));
const ACK_COLOR = "#15803d";
const WIN_COLOR = "#2563eb";
const M = { left: 84, right: 24, top: 46, bottom: 92 };

export function renderTseqSvg(detail: ConnectionDetail, opts: TseqOptions = {}): string {
  const width = opts.width ?? 880;
  const height = opts.height ?? 400;
  const sender = !opts.direction || opts.direction === "auto" ? dataDirection(detail) : opts.direction;
  const s = tseqSeries(detail, sender, opts.maxMarks ?? 3000);
  const [from, to] = sender === "a" ? [detail.a, detail.b] : [detail.b, detail.a];
  const title = opts.title ?? `Time-sequence graph, connection ${detail.stream}: data ${from} → ${to}`;
  const pw = width - M.left - M.right;
  const ph = height - M.top - M.bottom;
  const x = (t: number): number => M.left + ((t - s.tMin) / (s.tMax - s.tMin)) * pw;
  const y = (v: number): number =>
    M.top + ph - ((Math.min(v, s.yMax) - s.yMin) / (s.yMax - s.yMin || 1)) * ph;
  const f1 = (n: number): string => n.toFixed(1);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="tseq"${opts.id ? ` id="${esc(opts.id)}"` : ""} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}" font-family="${SANS}" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="18" font-size="13" font-weight="600" fill="${INK}">Data sent by ${esc(from)} → ${esc(to)}</text>`,
    `<text x="${M.left}" y="34" fill="${MUTED}">${esc(subtitle(s))}</text>`,
  ];
  for (const z of s.zeroSpans) {
    const x0 = x(z.t0);
    out.push(
      `<rect x="${f1(x0)}" y="${M.top}" width="${f1(Math.max(2, x(z.t1) - x0))}" height="${ph}" fill="${KIND_COLOR.zerowin}" fill-opacity="0.10"/>`,
    );
  }
  out.push(...axes(s, x, y, pw, ph));

  if (s.dataBytes === 0) {
    out.push(
      `<text x="${M.left + pw / 2}" y="${M.top + ph / 2}" text-anchor="middle" font-size="13" fill="${MUTED}">No data was sent in this direction: the connection never carried any payload.</text>`,
    );
  }
  out.push(stepPath(s.windowEdge, x, y, WIN_COLOR, "5 3"), stepPath(s.acks, x, y, ACK_COLOR, ""));

  // Data first, retransmissions over them so they are never hidden under a dense run.
  const bars: string[] = [];
  const rtx: string[] = [];
  const caps = s.segments.length < 400;
  for (const g of s.segments) {
    const xx = f1(x(g.t));
    const y0 = y(g.lo);
    const y1 = Math.min(y(g.hi), y0 - 1);
    const col = g.retrans ? KIND_COLOR.retrans : INK;
    const cap = caps ? `M${f1(+xx - 2)} ${f1(y1)}h4M${f1(+xx - 2)} ${f1(y0)}h4` : "";
    const d = `M${xx} ${f1(y0)}V${f1(y1)}${cap}`;
    if (g.retrans) {
      rtx.push(`<path d="${d}" stroke="${col}" stroke-width="2.5"/>`, diamond(+xx, y1 - 5, 4, col));
    } else bars.push(d);
  }
  if (bars.length)
    out.push(`<path class="segments" d="${bars.join("")}" stroke="${INK}" stroke-width="1.3" fill="none"/>`);
  out.push(...rtx);
  for (const m of s.marks) out.push(markShape(m, x(m.t), y(m.y), x(m.t) > width - M.right - 40));

  const hl = new Set(opts.highlightFrames ?? []);
  if (hl.size) out.push(...highlightRings(s, hl, x, y));
  out.push(...legend(s, width, height));
  out.push("</svg>");
  return out.join("\n");
}

function subtitle(s: TseqSeries): string {
  const parts = [`${formatBytes(s.dataBytes)} in ${plural(s.segmentCount, "segment")}`];
  if (s.decimated) parts.push("dense runs merged for drawing");
  if (s.offScaleAcks) parts.push(`${plural(s.offScaleAcks, "ACK")} far outside the data not plotted`);
  if (s.windowClipped) parts.push("window edge cut at the top");
  return parts.join(" · ");
}

/** "Nice" tick steps (1, 2, 5 × 10^k) for about `n` ticks over [lo, hi]. */
export function niceTicks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo || 1;
  const raw = span / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((v) => v >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

function axes(
  s: TseqSeries,
  x: (t: number) => number,
  y: (v: number) => number,
  pw: number,
  ph: number,
): string[] {
  const out: string[] = [];
  const bottom = M.top + ph;
  const tSpan = s.tMax - s.tMin;
  const ms = tSpan < 1;
  for (const t of niceTicks(s.tMin, s.tMax, 8)) {
    const xx = x(t).toFixed(1);
    const label = ms ? `${Number((t * 1000).toPrecision(6))}` : `${Number(t.toPrecision(6))}`;
    out.push(
      `<line x1="${xx}" y1="${M.top}" x2="${xx}" y2="${bottom}" stroke="${FAINT}" stroke-width="0.6"/>`,
      `<text x="${xx}" y="${bottom + 16}" text-anchor="middle" fill="${MUTED}">${label}</text>`,
    );
  }
  // Binary units, as in the rest of the report (formatBytes), with ticks at round numbers of that unit.
  const unit =
    s.yMax >= 10 * 2 ** 30
      ? { d: 2 ** 30, n: "GiB" }
      : s.yMax >= 10 * 2 ** 20
        ? { d: 2 ** 20, n: "MiB" }
        : s.yMax >= 10 * 1024
          ? { d: 1024, n: "KiB" }
          : { d: 1, n: "B" };
  for (const v of niceTicks(s.yMin / unit.d, s.yMax / unit.d, 6)) {
    const yy = y(v * unit.d).toFixed(1);
    out.push(
      `<line x1="${M.left}" y1="${yy}" x2="${M.left + pw}" y2="${yy}" stroke="${FAINT}" stroke-width="0.6"/>`,
      `<text x="${M.left - 6}" y="${+yy + 4}" text-anchor="end" fill="${MUTED}">${Number(v.toPrecision(6))} ${unit.n}</text>`,
    );
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${M.left + pw / 2}" y="${bottom + 34}" text-anchor="middle" fill="${INK}">Time since the connection's first packet (${ms ? "ms" : "s"})</text>`,
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="${INK}">Relative sequence number (bytes)</text>`,
  );
  return out;
}

function stepPath(
  pts: { t: number; y: number }[],
  x: (t: number) => number,
  y: (v: number) => number,
  color: string,
  dash: string,
): string {
  if (pts.length === 0) return "";
  let d = `M${x(pts[0]!.t).toFixed(1)} ${y(pts[0]!.y).toFixed(1)}`;
  for (const p of pts.slice(1)) d += `H${x(p.t).toFixed(1)}V${y(p.y).toFixed(1)}`;
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;
}

function diamond(cx: number, cy: number, r: number, color: string): string {
  return `<path d="M${cx.toFixed(1)} ${(cy - r).toFixed(1)}l${r} ${r}l${-r} ${r}l${-r} ${-r}z" fill="${color}"/>`;
}

/** Shapes: zero window ▼, probe ■, dup ACK ×, RST ✕ with label, FIN/SYN flags with a letter. */
function markShape(m: Mark, cx: number, cy: number, flip: boolean): string {
  const X = cx.toFixed(1);
  const Y = cy.toFixed(1);
  // Labels sit right of the mark, or left of it near the right edge so they are not cut off.
  const lx = (flip ? cx - 8 : cx + 8).toFixed(1);
  const anchor = flip ? ' text-anchor="end"' : "";
  const tip = `<title>${esc(`Frame ${m.frame}: ${m.kind} at ${m.t.toFixed(6)} s`)}</title>`;
  switch (m.kind) {
    case "zerowin":
      return `<path d="M${(cx - 5).toFixed(1)} ${(cy - 9).toFixed(1)}h10l-5 8z" fill="${KIND_COLOR.zerowin}">${tip}</path>`;
    case "probe":
      return `<rect x="${(cx - 3).toFixed(1)}" y="${(cy - 3).toFixed(1)}" width="6" height="6" fill="${KIND_COLOR.zerowin}" fill-opacity="0.6">${tip}</rect>`;
    case "dupack":
      return `<path d="M${cx - 3} ${cy + 3}l6 6m0 -6l-6 6" transform="translate(0 -6)" stroke="${KIND_COLOR.dupack}" stroke-width="1.6">${tip}</path>`;
    case "rst":
      return `<g>${tip}<path d="M${cx - 6} ${cy - 6}l12 12m0 -12l-12 12" stroke="${KIND_COLOR.rst}" stroke-width="2.6"/><text x="${lx}" y="${(cy - 6).toFixed(1)}"${anchor} fill="${KIND_COLOR.rst}" font-weight="700">RST</text></g>`;
    case "syn":
      // No text label: the SYN sits at the origin, where evidence rings and early marks crowd.
      return `<circle cx="${X}" cy="${Y}" r="4" fill="#ffffff" stroke="${KIND_COLOR.syn}" stroke-width="2">${tip}</circle>`;
    case "fin": {
      const col = KIND_COLOR.fin;
      return `<g>${tip}<circle cx="${X}" cy="${Y}" r="5" fill="#ffffff" stroke="${col}" stroke-width="2"/><text x="${lx}" y="${(cy - 6).toFixed(1)}"${anchor} fill="${col}" font-weight="700">${m.kind.toUpperCase()}</text></g>`;
    }
  }
}

/** A ring around each highlighted frame's mark, wherever that frame is drawn. */
function highlightRings(
  s: TseqSeries,
  hl: Set<number>,
  x: (t: number) => number,
  y: (v: number) => number,
): string[] {
  const pos = new Map<number, [number, number]>();
  for (const g of s.segments) if (hl.has(g.frame)) pos.set(g.frame, [x(g.t), (y(g.lo) + y(g.hi)) / 2]);
  for (const m of s.marks) if (hl.has(m.frame) && !pos.has(m.frame)) pos.set(m.frame, [x(m.t), y(m.y)]);
  return [...pos.entries()].map(
    ([frame, [cx, cy]]) =>
      `<circle class="evidence" cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="9" fill="none" stroke="${INK}" stroke-width="1.5" stroke-dasharray="3 2"><title>Evidence frame ${frame}</title></circle>`,
  );
}

function legend(s: TseqSeries, width: number, height: number): string[] {
  const kinds = new Set(s.marks.map((m) => m.kind));
  const items: [string, string][] = [
    [`<path d="M0 -6V6M-2 -6h4M-2 6h4" stroke="${INK}" stroke-width="1.5"/>`, "data segment"],
    [`<path d="M-8 3H0V-3H8" fill="none" stroke="${ACK_COLOR}" stroke-width="1.6"/>`, "ACKed so far"],
    [
      `<path d="M-8 0H8" stroke="${WIN_COLOR}" stroke-width="1.6" stroke-dasharray="5 3"/>`,
      "window edge (Ack+Win)",
    ],
  ];
  if (s.segments.some((g) => g.retrans))
    items.push([diamond(0, -1, 4, KIND_COLOR.retrans), "retransmission"]);
  if (s.zeroSpans.length || kinds.has("zerowin")) {
    items.push([
      `<path d="M-5 -5h10l-5 8z" fill="${KIND_COLOR.zerowin}"/>`,
      "zero window (shaded while it lasts)",
    ]);
  }
  if (kinds.has("probe"))
    items.push([
      `<rect x="-3" y="-3" width="6" height="6" fill="${KIND_COLOR.zerowin}" fill-opacity="0.6"/>`,
      "window probe",
    ]);
  if (kinds.has("dupack"))
    items.push([
      `<path d="M-3 -3l6 6m0 -6l-6 6" stroke="${KIND_COLOR.dupack}" stroke-width="1.6"/>`,
      "duplicate ACK",
    ]);
  if (kinds.has("rst"))
    items.push([
      `<path d="M-5 -5l10 10m0 -10l-10 10" stroke="${KIND_COLOR.rst}" stroke-width="2.4"/>`,
      "reset",
    ]);
  if (kinds.has("syn"))
    items.push([`<circle r="4" fill="#ffffff" stroke="${KIND_COLOR.syn}" stroke-width="2"/>`, "SYN"]);
  if (kinds.has("fin"))
    items.push([`<circle r="5" fill="#ffffff" stroke="${KIND_COLOR.fin}" stroke-width="2"/>`, "FIN"]);
  const out = [`<g class="legend" transform="translate(${M.left} ${height - 32})">`];
  let lx = 8;
  let ly = 0;
  for (const [shape, name] of items) {
    const w = 30 + name.length * 6.1;
    if (lx + w > width - M.left - M.right) {
      lx = 8;
      ly += 18;
    }
    out.push(
      `<g transform="translate(${lx.toFixed(1)} ${ly})">${shape}<text x="14" y="4" fill="${INK}">${esc(name)}</text></g>`,
    );
    lx += w;
  }
  out.push("</g>");
  return out;
}
