/**
 * One connection: who talked to whom and how it ended, its findings, the ladder diagram (drawn by the
 * server as SVG and shown as an image, so nothing in it can run), the time-sequence graph and its
 * packets, opened at the evidence frames when the page was reached from a finding.
 */
import { useEffect, useState } from "preact/hooks";
import { type Analysis, analysisUrl, type ConnRow, getJson, type StreamInfo } from "../api.js";
import { EvidenceFrames } from "../components/finding-card.js";
import { PacketList } from "../components/packet-list.js";
import { TseqChart } from "../components/tseq-chart.js";
import { Link, markedFrames, navigate, streamHref } from "../router.js";
import { findingTitle, flatFrames, formatBytes, formatDuration, SEVERITY_WORD } from "../words.js";
import { STATE_WORDS } from "./connections.js";

type CaptureAnalysis = Extract<Analysis, { kind: "capture" }>;

export function StreamPage({
  analysis,
  stream,
  params,
}: {
  analysis: CaptureAnalysis;
  stream: number;
  params: URLSearchParams;
}) {
  const [info, setInfo] = useState<StreamInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<"ladder" | "graph">("ladder");
  const [streamPackets, setStreamPackets] = useState<number | null>(null);
  const [ladderState, setLadderState] = useState<"loading" | "ok" | "error">("loading");
  const frameParam = Number(params.get("frame") ?? "");
  const frame = Number.isInteger(frameParam) && frameParam > 0 ? frameParam : null;
  const marks = markedFrames(params);

  useEffect(() => {
    setInfo(null);
    getJson<StreamInfo>(analysisUrl(analysis.id, `/streams/${stream}`))
      .then((i) => {
        setInfo(i);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  }, [analysis.id, stream]);

  const c = info?.connection;
  const attempts = info?.attempts ?? [];
  const ladderMarks =
    marks.length > 0 ? marks : (info?.findings ?? []).flatMap((f) => flatFrames(f)).slice(0, 60);
  const ladderSrc = analysisUrl(
    analysis.id,
    `/streams/${stream}/ladder.svg${ladderMarks.length ? `?mark=${ladderMarks.join(",")}` : ""}`,
  );
  // Without marks in the address the diagram marks the findings' frames: wait for them, draw once.
  const ladderReady = marks.length > 0 || info !== null || error !== null;
  useEffect(() => setLadderState("loading"), [ladderSrc]);

  return (
    <>
      <section class="card conn-head">
        <p class="crumbs">
          <Link href={`/a/${encodeURIComponent(analysis.id)}/connections`}>← all connections</Link>
        </p>
        <h1>
          Connection #{stream}
          {c && (
            <>
              : <span class="mono">{c.client}</span> <span class="arrow">→</span>{" "}
              <span class="mono">{c.server}</span>
            </>
          )}
        </h1>
        {error && (
          <p class="error-text" role="alert">
            {error}
          </p>
        )}
        {c && (
          <dl class="facts inline">
            <dt>Client (opened it)</dt>
            <dd class="mono">{c.client}</dd>
            <dt>Server</dt>
            <dd class="mono">{c.server}</dd>
            <dt>How it went</dt>
            <dd>
              {STATE_WORDS[c.state] ?? c.state}{" "}
              <code title="Zeek conn_state and history">
                {c.state} {c.history}
              </code>
            </dd>
            <dt>Started / lasted</dt>
            <dd>
              {formatDuration(c.start)} into the capture · {formatDuration(c.duration)}
            </dd>
            <dt>Packets / data</dt>
            <dd>
              {attempts.length > 1 ? (
                <>
                  {attempts.length} connection attempts with the same addresses and ports ·{" "}
                  {sum(attempts, "packets").toLocaleString("en-US")} packets ·{" "}
                  {formatBytes(sum(attempts, "bytes"))}
                  {sum(attempts, "retransmissions") > 0 && ` · ${sum(attempts, "retransmissions")} retransmissions`}
                  <span class="hint">
                    {" "}
                    (the facts above are the first attempt's; Wireshark counts them all as one stream, and the
                    list below shows all {(streamPackets ?? sum(attempts, "packets")).toLocaleString("en-US")}{" "}
                    packets)
                  </span>
                </>
              ) : (
                <>
                  {c.packets.toLocaleString("en-US")} packets · {formatBytes(c.bytes)}
                  {c.retransmissions > 0 && ` · ${c.retransmissions} retransmissions`}
                </>
              )}
              {c.zeroWindowSec > 0 && ` · window full for ${formatDuration(c.zeroWindowSec)}`}
            </dd>
            <dt>In Wireshark</dt>
            <dd>
              <code>tcp.stream eq {stream}</code> <span class="hint">paste into the display filter bar</span>
            </dd>
          </dl>
        )}
        {info && info.findings.length > 0 && (
          <ul class="conn-findings">
            {info.findings.map((f, i) => (
              <li key={`${f.id}-${i}`} class={`tone-${f.severity}`}>
                <span class="badge">{SEVERITY_WORD[f.severity]}</span> <strong>{findingTitle(f.id)}</strong> —{" "}
                {f.summary} <span class="hint">Evidence (frames): </span>
                <EvidenceFrames group={{ frames: flatFrames(f), analysisId: analysis.id, stream }} />
              </li>
            ))}
          </ul>
        )}
        {info && info.findings.length === 0 && (
          <p class="hint">Nothing wrong was found in this connection.</p>
        )}
      </section>

      <section class="card">
        <div class="view-tabs" role="tablist" aria-label="Pictures of this connection">
          <button
            type="button"
            role="tab"
            aria-selected={tab === "ladder"}
            class={tab === "ladder" ? "active" : ""}
            onClick={() => setTab("ladder")}
          >
            Ladder diagram
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === "graph"}
            class={tab === "graph" ? "active" : ""}
            onClick={() => setTab("graph")}
          >
            Time-sequence graph
          </button>
        </div>
        {tab === "ladder" ? (
          <>
            <p class="hint">
              Who sent what, and when: time runs downwards, each arrow is a packet. Highlighted arrows are the
              evidence.
            </p>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must take focus to be scrolled with the keyboard */}
            <section class="ladder-scroll" tabIndex={0} aria-label="ladder diagram, scrollable">
              {ladderState !== "ok" && (
                <p class={ladderState === "error" ? "error-text pad" : "hint pad"}>
                  {ladderState === "error"
                    ? "The diagram could not be drawn."
                    : "Drawing the diagram… (for a connection without findings in a big capture, this takes a few seconds the first time)"}
                </p>
              )}
              {ladderReady && (
                <img
                  src={ladderSrc}
                  alt={`Ladder diagram of connection ${stream}`}
                  class="ladder"
                  onLoad={() => setLadderState("ok")}
                  onError={() => setLadderState("error")}
                />
              )}
            </section>
          </>
        ) : (
          <TseqChart
            analysisId={analysis.id}
            stream={stream}
            marks={marks}
            ends={c ? { a: c.client, b: c.server } : undefined}
            hasData={c ? c.bytes > 0 : undefined}
            onPickFrame={(no) =>
              navigate(streamHref(analysis.id, stream, [no, ...marks.filter((m) => m !== no)]), true)
            }
          />
        )}
      </section>

      <section class="card">
        <h2>The packets of this connection</h2>
        {marks.length > 0 && (
          <p class="hint">
            The rows marked ▶ are the evidence ({marks.length} {marks.length === 1 ? "frame" : "frames"}); the
            list opened at frame {frame ?? marks[0]}.
          </p>
        )}
        <PacketList
          analysisId={analysis.id}
          stream={stream}
          marks={marks}
          frame={frame ?? marks[0] ?? null}
          onTotal={setStreamPackets}
        />
      </section>
    </>
  );
}

/** Total of one numeric column over a stream's connections. */
function sum(rows: readonly ConnRow[], key: "packets" | "bytes" | "retransmissions"): number {
  return rows.reduce((n, r) => n + r[key], 0);
}
