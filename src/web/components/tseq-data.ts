/**
 * The time-sequence data as uPlot wants it: one shared x array (the union of both directions' times)
 * and one column per line, null where a line has no sample; and the merge of a zoomed range's finer
 * samples into what is already plotted.
 */
import type uPlot from "uplot";
import type { TseqData, TseqEvent, TseqSeries } from "../api.js";

/** Rows of the timeline drawn for a connection that carried no data (top to bottom). */
export const TIMELINE_ROWS = ["syn", "rst", "fin", "retransmission", "dup_ack", "zero_window"];

export function timelineY(kind: string): number {
  const i = TIMELINE_ROWS.indexOf(kind);
  return (TIMELINE_ROWS.length - (i < 0 ? TIMELINE_ROWS.length : i)) / (TIMELINE_ROWS.length + 1);
}

export interface Plotted {
  data: uPlot.AlignedData;
  events: TseqEvent[];
  sender: string;
  receiver: string;
}

function seqSpan(s: TseqSeries | undefined): number {
  if (!s || s.seq.length === 0) return 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of s.seq) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}

/**
 * uPlot wants one shared x array: the union of both directions' times, each series null where it has
 * no sample (the lines span the gaps).
 */
export function toPlot(d: TseqData, senderKey?: string): Plotted {
  const keys = Object.keys(d.series);
  const sender =
    senderKey && d.series[senderKey]
      ? senderKey
      : (keys.sort((x, y) => seqSpan(d.series[y]) - seqSpan(d.series[x]))[0] ?? "a→b");
  const receiver = keys.find((k) => k !== sender) ?? "";
  const s = d.series[sender] ?? { t: [], seq: [], ack: [], win: [] };
  const r = d.series[receiver] ?? { t: [], seq: [], ack: [], win: [] };
  // Times are seconds since the connection's first packet (t0), as docs/web-api.md says.
  const st = s.t;
  const rt = r.t;
  const xs = Array.from(new Set([...st, ...rt])).sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const seq: (number | null)[] = new Array(xs.length).fill(null);
  const ack: (number | null)[] = new Array(xs.length).fill(null);
  const edge: (number | null)[] = new Array(xs.length).fill(null);
  st.forEach((t, i) => {
    seq[at.get(t)!] = s.seq[i] ?? null;
  });
  rt.forEach((t, i) => {
    const k = at.get(t)!;
    ack[k] = r.ack[i] ?? null;
    edge[k] = (r.ack[i] ?? 0) + (r.win[i] ?? 0);
  });
  return { data: [xs, seq, ack, edge], events: d.events, sender, receiver };
}

export function mergeEvents(a: TseqEvent[], b: TseqEvent[]): TseqEvent[] {
  const seen = new Set(a.map((e) => `${e.no}/${e.kind}`));
  return [...a, ...b.filter((e) => !seen.has(`${e.no}/${e.kind}`))];
}

/** Adds the zoomed range's finer samples to what is plotted (same x means same packet: keep one). */
export function mergeData(old: uPlot.AlignedData, add: uPlot.AlignedData): uPlot.AlignedData {
  const rows = new Map<number, (number | null | undefined)[]>();
  const put = (d: uPlot.AlignedData) => {
    const xs = d[0];
    for (let i = 0; i < xs.length; i++) {
      const prev = rows.get(xs[i]!);
      const next = d.slice(1).map((s) => (s as (number | null | undefined)[])[i]);
      rows.set(xs[i]!, prev ? prev.map((v, k) => next[k] ?? v) : next);
    }
  };
  put(old);
  put(add);
  const xs = Array.from(rows.keys()).sort((x, y) => x - y);
  const cols = old.length - 1;
  const out: (number | null)[][] = Array.from({ length: cols }, () => []);
  for (const x of xs) {
    const r = rows.get(x)!;
    for (let k = 0; k < cols; k++) out[k]!.push(r[k] ?? null);
  }
  return [xs, ...out] as uPlot.AlignedData;
}
