/**
 * Wireshark's packet list: the same columns, the same colouring rules (so a row looks here as it does
 * in Wireshark), the [TCP …] tags in Info, and the evidence frames of a finding highlighted. Below it,
 * the selected packet in words.
 */
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { type ApiError, analysisUrl, getJson, type PacketPage, type PacketRow, query } from "../api.js";
import { ANALYSIS_WORDS, COLOR_WORDS, formatBytes } from "../words.js";
import { PagedList } from "./paged-list.js";

const ROW_PX = 22;
const TCP_FLAG_NAMES: [number, string][] = [
  [0x02, "SYN"],
  [0x10, "ACK"],
  [0x08, "PSH"],
  [0x01, "FIN"],
  [0x04, "RST"],
  [0x20, "URG"],
  [0x40, "ECE"],
  [0x80, "CWR"],
];

export function flagNames(bits: number): string {
  return TCP_FLAG_NAMES.filter(([b]) => bits & b)
    .map(([, n]) => n)
    .join(", ");
}

/** Wireshark's rule names, with RST split out of "bad" as Wireshark's own "TCP RST" rule does. */
export function colorClass(r: PacketRow): string {
  if (r.color === "bad") return r.flags & 0x04 ? "c-rst" : "c-bad";
  if (r.color === "syn") return "c-syn";
  if (r.color === "tcp") return "c-tcp";
  return "c-other";
}

function formatTime(t: number): string {
  return Number.isFinite(t) ? t.toFixed(6) : "";
}

export interface PacketListProps {
  analysisId: string;
  stream?: number | null;
  /** Evidence frames: highlighted. */
  marks?: readonly number[];
  /** Open the list at this frame (selected). */
  frame?: number | null;
  height?: string;
  onTotal?: (total: number) => void;
}

export function PacketList({ analysisId, stream, marks = [], frame, height, onTotal }: PacketListProps) {
  const [selected, setSelected] = useState<{ index: number; row?: PacketRow } | null>(null);
  const [focus, setFocus] = useState<{ index: number; nonce: number } | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [goto, setGoto] = useState("");
  const [gotoError, setGotoError] = useState<string | null>(null);
  const markSet = useMemo(() => new Set(marks), [marks.join(",")]);
  const listKey = `${analysisId}/${stream ?? "all"}`;

  const fetchPage = useCallback(
    (offset: number, limit: number, signal: AbortSignal) =>
      getJson<PacketPage>(analysisUrl(analysisId, `/packets${query({ offset, limit, stream })}`), signal),
    [analysisId, stream],
  );

  const jumpTo = useCallback(
    async (no: number) => {
      setGotoError(null);
      try {
        const r = await getJson<{ offset: number | null }>(
          analysisUrl(analysisId, `/packets/index${query({ no, stream })}`),
        );
        if (r.offset === null || r.offset === undefined || r.offset < 0) {
          setGotoError(`Frame ${no} is not in this list.`);
          return;
        }
        setSelected({ index: r.offset });
        setFocus((f) => ({ index: r.offset as number, nonce: (f?.nonce ?? 0) + 1 }));
      } catch (e) {
        setGotoError(
          (e as ApiError).status === 404
            ? `Frame ${no} is not in this list${stream != null ? " (it belongs to another connection: try All packets)" : ""}.`
            : (e as Error).message,
        );
      }
    },
    [analysisId, stream],
  );

  useEffect(() => {
    if (frame) void jumpTo(frame);
  }, [frame, listKey]);

  const header = (
    <div class="prow head">
      <span class="c-no">No.</span>
      <span class="c-time">Time (s)</span>
      <span class="c-src">Source</span>
      <span class="c-dst">Destination</span>
      <span class="c-proto">Protocol</span>
      <span class="c-len">Length</span>
      <span class="c-info">Info</span>
    </div>
  );

  const renderRow = (r: PacketRow | undefined, index: number, isSelected: boolean) => {
    if (!r)
      return (
        <div class="prow loading" data-index={index}>
          <span class="c-no">…</span>
        </div>
      );
    const evidence = markSet.has(r.no);
    return (
      <div
        class={`prow ${colorClass(r)}${evidence ? " evidence" : ""}${isSelected ? " selected" : ""}`}
        data-frame={r.no}
        data-index={index}
      >
        <span class="c-no">
          {evidence && (
            <span class="mark" title="evidence of the finding">
              ▶<span class="visually-hidden">evidence </span>
            </span>
          )}
          {r.no}
        </span>
        <span class="c-time">{formatTime(r.t)}</span>
        <span class="c-src" title={r.src}>
          {r.src}
        </span>
        <span class="c-dst" title={r.dst}>
          {r.dst}
        </span>
        <span class="c-proto">{r.proto}</span>
        <span class="c-len">{r.len}</span>
        <span class="c-info" title={r.info}>
          {r.info}
        </span>
      </div>
    );
  };

  return (
    <div class="packet-list" style={height ? { "--list-height": height } : undefined}>
      <div class="list-tools">
        <span class="legend" title="Row colours, as in Wireshark">
          {COLOR_WORDS.map((c) => (
            <span key={c.color} class="legend-item">
              <span class={`swatch c-${c.color}`} aria-hidden="true" />
              {c.label}
            </span>
          ))}
          {markSet.size > 0 && (
            <span class="legend-item">
              <span class="swatch evidence-swatch" aria-hidden="true" />
              evidence of the finding
            </span>
          )}
        </span>
        <form
          class="goto"
          onSubmit={(e) => {
            e.preventDefault();
            const n = Number(goto);
            if (Number.isInteger(n) && n > 0) void jumpTo(n);
            else setGotoError("Type a frame number, e.g. 42.");
          }}
        >
          <label>
            Go to frame{" "}
            <input
              type="number"
              min={1}
              inputMode="numeric"
              value={goto}
              onInput={(e) => setGoto((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">Go</button>
          {total !== null && <span class="hint count">{total.toLocaleString("en-US")} packets</span>}
        </form>
      </div>
      {gotoError && (
        <p class="error-text" role="alert">
          {gotoError}
        </p>
      )}
      <PagedList<PacketRow>
        listKey={listKey}
        fetchPage={fetchPage}
        rowHeight={ROW_PX}
        header={header}
        renderRow={renderRow}
        focus={focus}
        selected={selected?.index ?? null}
        onSelect={(index, row) => setSelected({ index, row })}
        onTotal={(n) => {
          setTotal(n);
          onTotal?.(n);
        }}
        label={stream != null ? `Packets of connection ${stream}` : "All packets"}
        className="packets"
        emptyText="No packets."
      />
      <PacketDetails row={selected?.row} evidence={selected?.row ? markSet.has(selected.row.no) : false} />
    </div>
  );
}

function PacketDetails({ row, evidence }: { row: PacketRow | undefined; evidence: boolean }) {
  if (!row)
    return (
      <p class="hint packet-details">
        Click a packet (or use the arrow keys in the list) to see it explained here.
      </p>
    );
  const tags = row.analysis ? row.analysis.split(",").filter(Boolean) : [];
  return (
    <div class="packet-details" aria-live="polite">
      <p>
        <strong>Frame {row.no}</strong>
        {evidence && <span class="pill tone-warning">evidence</span>} at {formatTime(row.t)} s:{" "}
        <span class="mono">{row.src || "?"}</span> → <span class="mono">{row.dst || "?"}</span>, {row.len}{" "}
        bytes on the wire
        {row.stream >= 0 && (
          <>
            {" "}
            · TCP connection #{row.stream} · flags <span class="mono">{flagNames(row.flags) || "none"}</span>{" "}
            · seq {row.seq ?? "–"} · ack {row.ack ?? "–"} · {formatBytes(row.tcpLen)} of data · window{" "}
            {row.win?.toLocaleString("en-US") ?? "–"}
          </>
        )}
        {row.stream < 0 && <> · not TCP ({row.proto || "other"}): shown, but not analysed</>}
      </p>
      {tags.length > 0 && (
        <ul class="analysis-words">
          {tags.map((t) => (
            <li key={t}>{ANALYSIS_WORDS[t.trim()] ?? t}</li>
          ))}
        </ul>
      )}
      {row.flags & 0x04 ? (
        <p class="hint">
          RST (reset): this side ended the connection at once, without the normal FIN goodbye.
        </p>
      ) : null}
    </div>
  );
}
