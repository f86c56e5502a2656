/**
 * Every TCP connection of the capture: filter by address or port, by how it went, or by finding;
 * sort by any column; open one to see its ladder, graph and packets.
 */
import { useCallback, useMemo, useState } from "preact/hooks";
import { type Analysis, analysisUrl, type ConnRow, getJson, query } from "../api.js";
import { PagedList } from "../components/paged-list.js";
import { navigate, streamHref } from "../router.js";
import { findingTitle, formatBytes, formatDuration } from "../words.js";

type CaptureAnalysis = Extract<Analysis, { kind: "capture" }>;

/** Zeek's conn_state in words (the originator is the side that sent the first SYN: the client). */
export const STATE_WORDS: Record<string, string> = {
  SF: "closed normally",
  S0: "no answer",
  S1: "still open at the end",
  REJ: "refused",
  S2: "client closed, server silent",
  S3: "server closed, client silent",
  RSTO: "reset by the client",
  RSTR: "reset by the server",
  RSTOS0: "client gave up (SYN, then RST)",
  RSTRH: "server reset (client's SYN not seen)",
  SH: "client gave up (SYN, then FIN)",
  SHR: "server closed (client's SYN not seen)",
  OTH: "started before the capture",
};

const COLUMNS: { key: keyof ConnRow; label: string; cls: string; title?: string }[] = [
  { key: "stream", label: "#", cls: "k-stream num" },
  { key: "client", label: "Client → server", cls: "k-ends" },
  { key: "state", label: "How it went", cls: "k-state" },
  {
    key: "start",
    label: "Start (s)",
    cls: "k-start num",
    title: "seconds after the first packet of the capture",
  },
  { key: "duration", label: "Lasted", cls: "k-dur num" },
  { key: "packets", label: "Packets", cls: "k-pk num" },
  { key: "bytes", label: "Data", cls: "k-bytes num" },
  { key: "retransmissions", label: "Resent", cls: "k-rt num", title: "retransmissions" },
  { key: "zeroWindowSec", label: "Window full", cls: "k-zw num", title: "time with a zero window" },
  { key: "findings", label: "Findings", cls: "k-find" },
];

export function ConnectionsPage({ analysis }: { analysis: CaptureAnalysis }) {
  const [q, setQ] = useState("");
  const [state, setState] = useState("");
  const [finding, setFinding] = useState("");
  const [sort, setSort] = useState<{ key: string; order: "asc" | "desc" }>({ key: "stream", order: "asc" });
  const [total, setTotal] = useState<number | null>(null);
  const [selected, setSelected] = useState<number | null>(null);

  const states = useMemo(
    () => Array.from(new Set((analysis.connections ?? []).map((c) => c.state))).sort(),
    [analysis.connections],
  );
  const findingIds = useMemo(
    () => Array.from(new Set((analysis.findings ?? []).filter((f) => f.id !== "healthy").map((f) => f.id))),
    [analysis.findings],
  );

  const listKey = JSON.stringify([analysis.id, q.trim(), state, finding, sort]);
  const fetchPage = useCallback(
    (offset: number, limit: number, signal: AbortSignal) =>
      getJson<{ total: number; rows: ConnRow[] }>(
        analysisUrl(
          analysis.id,
          `/connections${query({ q: q.trim(), state, finding, sort: sort.key, order: sort.order, offset, limit })}`,
        ),
        signal,
      ),
    [listKey],
  );

  const open = (row: ConnRow | undefined) => {
    if (row) navigate(streamHref(analysis.id, row.stream));
  };

  const header = (
    <div class="crow head">
      {COLUMNS.map((c) => {
        const active = sort.key === c.key;
        return (
          <span key={c.key} class={c.cls}>
            <button
              type="button"
              class="sort"
              title={c.title ? `Sort by ${c.title}` : `Sort by ${c.label.toLowerCase()}`}
              onClick={() =>
                setSort(
                  active
                    ? { key: c.key, order: sort.order === "asc" ? "desc" : "asc" }
                    : {
                        key: c.key,
                        order:
                          c.key === "stream" || c.key === "client" || c.key === "state" || c.key === "start"
                            ? "asc"
                            : "desc",
                      },
                )
              }
            >
              {c.label}
              {active ? (sort.order === "asc" ? " ▲" : " ▼") : ""}
              {active && (
                <span class="visually-hidden">
                  {sort.order === "asc" ? " (sorted, smallest first)" : " (sorted, largest first)"}
                </span>
              )}
            </button>
          </span>
        );
      })}
    </div>
  );

  const renderRow = (r: ConnRow | undefined, index: number, isSelected: boolean) => {
    if (!r)
      return (
        <div class="crow loading">
          <span class="k-stream num">…</span>
        </div>
      );
    return (
      <div
        class={`crow${r.findings.length ? " has-findings" : ""}${isSelected ? " selected" : ""}`}
        data-stream={r.stream}
        data-index={index}
      >
        <span class="k-stream num">
          <a href={streamHref(analysis.id, r.stream)} onClick={(e) => e.preventDefault()} tabIndex={-1}>
            {r.stream}
          </a>
        </span>
        <span class="k-ends mono" title={`${r.client} → ${r.server}`}>
          {r.client} <span class="arrow">→</span> {r.server}
        </span>
        <span class="k-state" title={`Zeek conn_state ${r.state}, history ${r.history}`}>
          {STATE_WORDS[r.state] ?? r.state}
        </span>
        <span class="k-start num">{r.start.toFixed(3)}</span>
        <span class="k-dur num">{formatDuration(r.duration)}</span>
        <span class="k-pk num">{r.packets.toLocaleString("en-US")}</span>
        <span class="k-bytes num">{formatBytes(r.bytes)}</span>
        <span class="k-rt num">{r.retransmissions || "–"}</span>
        <span class="k-zw num">{r.zeroWindowSec > 0 ? formatDuration(r.zeroWindowSec) : "–"}</span>
        <span class="k-find" title={r.findings.map(findingTitle).join("; ")}>
          {r.findings.map((id) => (
            <span key={id} class="tag">
              {findingTitle(id)}
            </span>
          ))}
        </span>
      </div>
    );
  };

  return (
    <section class="card">
      <h2>Connections</h2>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the connections">
        <label>
          Address or port{" "}
          <input
            type="search"
            placeholder="e.g. 192.168.1.11 or 9100"
            value={q}
            onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <label>
          How it went{" "}
          <select value={state} onChange={(e) => setState((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">any</option>
            {states.map((s) => (
              <option key={s} value={s}>
                {STATE_WORDS[s] ?? s} ({s})
              </option>
            ))}
          </select>
        </label>
        <label>
          Finding{" "}
          <select value={finding} onChange={(e) => setFinding((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">any</option>
            {findingIds.map((id) => (
              <option key={id} value={id}>
                {findingTitle(id)}
              </option>
            ))}
          </select>
        </label>
        <span class="hint count" aria-live="polite">
          {total === null
            ? ""
            : `${total.toLocaleString("en-US")} ${total === 1 ? "connection" : "connections"}`}
        </span>
      </form>
      <p class="hint">
        Click a connection (or select it with the arrow keys and press Enter) to see its packets. Tinted rows
        have findings.
      </p>
      <PagedList<ConnRow>
        listKey={listKey}
        fetchPage={fetchPage}
        rowHeight={30}
        pageRows={200}
        header={header}
        renderRow={renderRow}
        selected={selected}
        onSelect={(i) => setSelected(i)}
        onActivate={(_i, row) => open(row)}
        activateOnClick
        onTotal={setTotal}
        label="Connections"
        className="connections"
        emptyText="No connection matches these filters."
      />
    </section>
  );
}
