/**
 * The time-sequence graph (Stevens / tcptrace style) with uPlot: where the sender's data was over
 * time, what the receiver acknowledged, and how far its window let the sender go; retransmissions,
 * duplicate ACKs, zero windows and resets marked. Drag to zoom in (the server sends finer data for
 * the zoomed range), double-click or "Show all" to zoom out, click a mark to open that packet.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import { analysisUrl, getJson, query, type TseqData, type TseqEvent } from "../api.js";
import { mergeData, mergeEvents, type Plotted, TIMELINE_ROWS, timelineY, toPlot } from "./tseq-data.js";

export const EVENT_STYLE: Record<string, { color: string; label: string }> = {
  retransmission: { color: "#e65100", label: "retransmission" },
  dup_ack: { color: "#b7791f", label: "duplicate ACK" },
  zero_window: { color: "#7b1fa2", label: "zero window" },
  rst: { color: "#c62828", label: "reset (RST)" },
  syn: { color: "#1d4ed8", label: "SYN" },
  fin: { color: "#047857", label: "FIN" },
};

export function TseqChart({
  analysisId,
  stream,
  marks = [],
  onPickFrame,
  ends,
  hasData,
}: {
  analysisId: string;
  stream: number;
  marks?: readonly number[];
  /** The client ("a") and server ("b") addresses, for labels in words. */
  ends?: { a: string; b: string };
  /**
   * Whether the connection carried data. Without data (failed handshakes) sequence numbers tell
   * nothing (a bogus ACK or RST can be billions away), so the graph becomes a timeline of attempts.
   */
  hasData?: boolean;
  onPickFrame?: (frame: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const plotted = useRef<Plotted | null>(null);
  const [senderKey, setSenderKey] = useState<string | undefined>(undefined);
  const [keys, setKeys] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [zoomed, setZoomed] = useState(false);
  const pickRef = useRef(onPickFrame);
  pickRef.current = onPickFrame;
  const endsRef = useRef(ends);
  endsRef.current = ends;
  /** "a→b" in words: "the client (10.1.0.10:40000)". */
  const side = (k: string, which: "from" | "to") => {
    const [from, to] = k.split("→") as [string, string | undefined];
    const x = which === "from" ? from : (to ?? "");
    const e = endsRef.current;
    if (x === "a") return e ? `the client (${e.a})` : "the client";
    if (x === "b") return e ? `the server (${e.b})` : "the server";
    return x;
  };
  const markSet = useRef(new Set<number>());
  markSet.current = new Set(marks);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let stopped = false;
    let refetch: number | undefined;
    const timeline = hasData === false;
    const width = () => Math.max(320, el.clientWidth);
    const url = (from?: number, to?: number) =>
      analysisUrl(analysisId, `/streams/${stream}/tseq${query({ from, to, px: width() })}`);

    const drawEvents = (u: uPlot) => {
      const p = plotted.current;
      if (!p) return;
      const ctx = u.ctx;
      const { left, top, width: w, height: h } = u.bbox;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, w, h);
      ctx.clip();
      for (const e of p.events) {
        const style = EVENT_STYLE[e.kind];
        if (!style) continue;
        const x = u.valToPos(e.t, "x", true);
        if (x < left || x > left + w) continue;
        const evidence = markSet.current.has(e.no);
        if (timeline) {
          const y = u.valToPos(timelineY(e.kind), "y", true);
          ctx.fillStyle = style.color;
          ctx.strokeStyle = evidence ? "#111827" : "#ffffff";
          ctx.lineWidth = (evidence ? 2 : 1) * devicePixelRatio;
          ctx.beginPath();
          ctx.arc(x, y, (evidence ? 6 : 5) * devicePixelRatio, 0, 2 * Math.PI);
          ctx.fill();
          ctx.stroke();
          continue;
        }
        ctx.strokeStyle = style.color;
        ctx.globalAlpha = evidence ? 0.9 : 0.35;
        ctx.lineWidth = (evidence ? 2 : 1) * devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + h);
        ctx.stroke();
        ctx.globalAlpha = 1;
        ctx.fillStyle = style.color;
        const r = (evidence ? 5 : 3.5) * devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(x - r, top);
        ctx.lineTo(x + r, top);
        ctx.lineTo(x, top + 1.6 * r);
        ctx.closePath();
        ctx.fill();
        // A resent segment also gets a ring where it sits in the sequence space (often on the ACK line).
        const seq = e.kind === "retransmission" && e.dir === p.sender ? seqAt(u, e.t) : null;
        if (seq !== null) {
          ctx.strokeStyle = style.color;
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.beginPath();
          ctx.arc(x, u.valToPos(seq, "y", true), (evidence ? 6 : 4.5) * devicePixelRatio, 0, 2 * Math.PI);
          ctx.stroke();
        }
      }
      ctx.restore();
    };

    const build = (p: Plotted) => {
      plot.current?.destroy();
      const yAxis: uPlot.Axis = timeline
        ? {
            stroke: "#374151",
            grid: { stroke: "#eef0f3" },
            size: 120,
            splits: () => TIMELINE_ROWS.map(timelineY),
            values: (_u, splits) =>
              splits.map(
                (v) => EVENT_STYLE[TIMELINE_ROWS.find((k) => timelineY(k) === v) ?? ""]?.label ?? "",
              ),
          }
        : {
            label: "bytes (relative sequence number)",
            stroke: "#374151",
            grid: { stroke: "#eef0f3" },
            // Wide enough for the longest tick label ("2,500,000,000" needs more than the default).
            size: (_u, values) =>
              Math.max(60, 26 + 7.5 * Math.max(0, ...(values ?? []).map((v) => String(v).length))),
          };
      const opts: uPlot.Options = {
        width: width(),
        height: 360,
        cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 6 } },
        scales: {
          // A little room on both sides, so the first and last packets are not drawn on the frame.
          x: {
            time: false,
            range: (_u, lo, hi) => [lo - (hi - lo) * 0.02 - 1e-6, hi + (hi - lo) * 0.02 + 1e-6],
          },
          ...(timeline ? { y: { range: [0, 1] as uPlot.Range.MinMax } } : {}),
        },
        legend: { show: !timeline, live: true },
        axes: [
          { label: "seconds since the connection started", stroke: "#374151", grid: { stroke: "#eef0f3" } },
          yAxis,
        ],
        series: [
          { label: "time (s)", value: (_u, v) => (v == null ? "–" : v.toFixed(6)) },
          {
            label: `data sent by ${side(p.sender, "from")}`,
            stroke: "#1f2937",
            width: 0,
            paths: () => null,
            points: { show: true, size: 4, stroke: "#1f2937", fill: "#1f2937" },
            spanGaps: true,
            show: !timeline,
          },
          {
            label: `acknowledged by ${side(p.sender, "to")}`,
            stroke: "#15803d",
            width: 1.5,
            spanGaps: true,
            paths: uPlot.paths.stepped?.({ align: 1 }),
            points: { show: false },
            show: !timeline,
          },
          {
            label: "receiver's window limit",
            stroke: "#1d4ed8",
            width: 1,
            dash: [6, 4],
            spanGaps: true,
            paths: uPlot.paths.stepped?.({ align: 1 }),
            points: { show: false },
            show: !timeline,
          },
        ],
        hooks: {
          draw: [drawEvents],
          setSelect: [],
          setScale: [
            (u, key) => {
              if (key !== "x") return;
              const xs = u.data[0];
              const lo = u.scales.x?.min ?? 0;
              const hi = u.scales.x?.max ?? 0;
              const full = xs.length > 0 && lo <= xs[0]! + 1e-9 && hi >= xs[xs.length - 1]! - 1e-9;
              setZoomed(!full);
              if (full) return;
              // Zoomed in: ask for the finer data of just this range (never more than ~2 × width points).
              window.clearTimeout(refetch);
              refetch = window.setTimeout(async () => {
                try {
                  const d = await getJson<TseqData>(url(lo, hi));
                  if (stopped || !plot.current) return;
                  const next = toPlot(d, p.sender);
                  if (next.data[0].length === 0) return;
                  plotted.current = {
                    ...next,
                    events: mergeEvents(plotted.current?.events ?? [], next.events),
                  };
                  plot.current.setData(mergeData(plot.current.data, next.data), false);
                } catch {
                  // The coarse data stays on screen.
                }
              }, 250);
            },
          ],
        },
      };
      plot.current = new uPlot(opts, p.data, el);
      // A drag (to zoom) ends with a click event too: only a click that did not move picks a packet.
      let downAt = -1;
      plot.current.over.addEventListener("mousedown", (ev) => {
        downAt = ev.offsetX;
      });
      plot.current.over.addEventListener("click", (ev) => {
        const u = plot.current;
        const pp = plotted.current;
        if (!u || !pp || Math.abs(ev.offsetX - downAt) > 3) return;
        const x = ev.offsetX;
        let best: TseqEvent | null = null;
        let bestDx = 8;
        for (const e of pp.events) {
          const dx = Math.abs(u.valToPos(e.t, "x") - x);
          if (dx < bestDx) {
            bestDx = dx;
            best = e;
          }
        }
        if (best) pickRef.current?.(best.no);
      });
    };

    (async () => {
      try {
        const d = await getJson<TseqData>(url());
        if (stopped) return;
        const p = toPlot(d, senderKey);
        plotted.current = p;
        setKeys(Object.keys(d.series));
        const c: Record<string, number> = {};
        for (const e of d.events) c[e.kind] = (c[e.kind] ?? 0) + 1;
        setCounts(c);
        build(p);
        setError(null);
      } catch (e) {
        if (!stopped) setError((e as Error).message);
      }
    })();

    const ro = new ResizeObserver(() => {
      if (plot.current) plot.current.setSize({ width: width(), height: 360 });
    });
    ro.observe(el);
    return () => {
      stopped = true;
      window.clearTimeout(refetch);
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [analysisId, stream, senderKey, hasData]);

  const showAll = () => {
    const u = plot.current;
    if (!u) return;
    const xs = u.data[0];
    if (xs.length) u.setScale("x", { min: xs[0]!, max: xs[xs.length - 1]! });
  };

  return (
    <div class="tseq">
      <div class="chart-tools">
        {keys.length > 1 && hasData !== false && (
          <label>
            Data sent by{" "}
            <select
              value={senderKey ?? plotted.current?.sender ?? ""}
              onChange={(e) => setSenderKey((e.currentTarget as HTMLSelectElement).value)}
            >
              {keys.map((k) => (
                <option key={k} value={k}>
                  {side(k, "from")}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={showAll} disabled={!zoomed}>
          Show all
        </button>
        <span class="legend">
          {Object.entries(EVENT_STYLE).map(([k, s]) => (
            <span key={k} class="legend-item">
              <span class="swatch" style={{ background: s.color }} aria-hidden="true" />
              {s.label} ({counts[k] ?? 0})
            </span>
          ))}
        </span>
      </div>
      <div ref={box} class="tseq-plot" aria-label="time-sequence graph" role="img" />
      {error && (
        <p class="error-text" role="alert">
          The graph could not be loaded: {error}
        </p>
      )}
      {hasData === false ? (
        <p class="hint">
          This connection never carried any data, so the graph shows only when each packet that matters
          happened (connection attempts, resets, retransmissions), one row per kind: the rhythm of the retries
          is visible. Evidence frames have a dark ring. Drag across to zoom in; click a dot to open that
          packet below.
        </p>
      ) : (
        <p class="hint">
          Dots are packets of data, by position in the stream; the green line is how much the receiver has
          acknowledged, the dashed blue line how far its window lets the sender go. Flat stretches are waits;
          where the dots touch the blue line, the receiver is full. Drag across the graph to zoom in; click a
          mark at the top to open that packet below.
        </p>
      )}
    </div>
  );
}

/** The sender's sequence number plotted at time t (null when no sample is there). */
function seqAt(u: uPlot, t: number): number | null {
  const xs = u.data[0];
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  const v = xs[lo] === t ? u.data[1]?.[lo] : null;
  return v ?? null;
}
