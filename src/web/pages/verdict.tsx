/**
 * "What went wrong": the verdict in one line, then each finding, most serious first, with who is at
 * fault, the plain explanation, the next step and its evidence frames, which open the connection with
 * those packets highlighted.
 */
import { Fragment } from "preact";
import type { Analysis, DiagnosisReport, Finding } from "../api.js";
import { EvidenceFrames, FindingCard } from "../components/finding-card.js";
import { Link } from "../router.js";
import { findingTitle, flatFrames, formatDuration, plural, rankFindings, verdictWords } from "../words.js";

type CaptureAnalysis = Extract<Analysis, { kind: "capture" }>;

export function VerdictPage({ analysis }: { analysis: CaptureAnalysis }) {
  const findings = rankFindings(analysis.findings ?? []);
  const healthy = (analysis.findings ?? []).find((f) => f.id === "healthy");
  const conns = analysis.connections ?? [];
  return (
    <>
      <VerdictBanner analysis={analysis} findings={findings} />
      {findings.slice(0, MAX_CARDS).map((f, i) => (
        <FindingCard
          key={`${f.id}-${f.stream}-${i}`}
          finding={f}
          index={i}
          count={findings.length}
          analysisId={analysis.id}
          connection={conns.find((c) => c.stream === f.stream)}
        />
      ))}
      {findings.length > MAX_CARDS && (
        <MoreFindings findings={findings.slice(MAX_CARDS)} offset={MAX_CARDS} analysisId={analysis.id} />
      )}
      {findings.length === 0 && healthy && (
        <section class="card healthy">
          <h2>Nothing wrong in the TCP connections</h2>
          <p>{healthy.explanation}</p>
          <h3>Next step</h3>
          <p>{healthy.next}</p>
        </section>
      )}
      <Checked checked={analysis.checked ?? []} />
      {analysis.capture && <CaptureFacts capture={analysis.capture} id={analysis.id} />}
    </>
  );
}

function VerdictBanner({ analysis, findings }: { analysis: CaptureAnalysis; findings: Finding[] }) {
  const v = verdictWords(analysis.verdict);
  const cap = analysis.capture;
  const meta = [
    cap ? plural(cap.packets, "packet") : null,
    cap?.durationSec != null ? `${formatDuration(cap.durationSec)} long` : null,
    analysis.connections ? plural(analysis.connections.length, "TCP connection") : null,
    cap?.firstTs != null
      ? `taken ${new Date(cap.firstTs * 1000).toISOString().replace("T", " ").slice(0, 19)} UTC`
      : null,
  ].filter(Boolean);
  return (
    <section class={`card verdict tone-${v.tone}`} aria-labelledby="verdict-headline">
      <span class="label">
        {v.symbol} {v.label}
      </span>
      <h1 id="verdict-headline">{analysis.headline}</h1>
      <p class="meta">{meta.join(" · ")}</p>
      {findings.length > 0 && (
        <ol class="overview" aria-label="Findings, most serious first">
          {findings.slice(0, MAX_OVERVIEW).map((f, i) => (
            <li key={`${f.id}-${i}`} class={`tone-${f.severity}`}>
              <a
                href={`#finding-${i + 1}`}
                onClick={(e) => {
                  e.preventDefault();
                  const el = document.getElementById(i < MAX_CARDS ? `finding-${i + 1}` : "more-findings");
                  el?.scrollIntoView({ block: "start" });
                  el?.focus({ preventScroll: true });
                }}
              >
                {i + 1}. <FindingLabel f={f} />
              </a>
              {f.culprit && (
                <span class="who">
                  {f.severity === "info" ? "involves" : "at fault:"} <span class="mono">{f.culprit}</span>
                </span>
              )}
            </li>
          ))}
          {findings.length > MAX_OVERVIEW && (
            <li class="more">… and {findings.length - MAX_OVERVIEW} more, further down</li>
          )}
        </ol>
      )}
      {findings.length > 0 && (
        <p class="hint">
          Not sure where to start? Read the first finding: it is the most serious. Every number in blue is a
          packet (a “frame”, as Wireshark calls it) that you can open.
        </p>
      )}
    </section>
  );
}

/** A big capture can have hundreds of findings: the first ones get cards, the rest one table row each. */
const MAX_CARDS = 25;
const MAX_OVERVIEW = 12;

function MoreFindings({
  findings,
  offset,
  analysisId,
}: {
  findings: Finding[];
  offset: number;
  analysisId: string;
}) {
  return (
    <section class="card" id="more-findings" tabIndex={-1}>
      <h2>{plural(findings.length, "more finding")}</h2>
      <p class="hint">Shorter, to keep the page quick: open the evidence to see the packets.</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th class="num">#</th>
              <th>finding</th>
              <th>who is at fault</th>
              <th>what happened</th>
              <th>evidence (frames)</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f, k) => (
              <tr key={`${f.id}-${k}`} class={`tone-${f.severity}`}>
                <td class="num">{offset + k + 1}</td>
                <td>
                  <FindingLabel f={f} />
                </td>
                <td class="mono">{f.culprit ?? "–"}</td>
                <td>{f.summary}</td>
                <td>
                  <EvidenceFrames
                    group={{ frames: flatFrames(f).slice(0, 6), analysisId, stream: f.stream }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function FindingLabel({ f }: { f: Finding }) {
  return (
    <>
      <span class="badge">{f.severity === "info" ? "NOTE" : f.severity.toUpperCase()}</span>{" "}
      {findingTitle(f.id)}
    </>
  );
}

function Checked({ checked }: { checked: string[] }) {
  if (checked.length === 0) return null;
  return (
    <section class="card">
      <h2>What was checked</h2>
      <ul class="checked">
        {checked.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
    </section>
  );
}

function CaptureFacts({ capture, id }: { capture: DiagnosisReport["capture"]; id: string }) {
  const rows: [string, string][] = [
    ["File", `${capture.file} (${capture.format})`],
    [
      "Packets",
      `${capture.packets.toLocaleString("en-US")} (${capture.tcpPackets.toLocaleString("en-US")} TCP)`,
    ],
  ];
  const where: Record<string, string> = {
    client: "next to the client (the side that opened the connections)",
    server: "next to the server",
    middle: "somewhere in between (both sides' delays are visible)",
    unknown: "cannot be told",
  };
  rows.push(["Captured where", where[capture.vantage] ?? capture.vantage]);
  for (const s of capture.skipped)
    rows.push(["Not analysed", `${s.count.toLocaleString("en-US")} × ${s.reason}`]);
  for (const p of capture.problems) rows.push(["Problem with the file", p]);
  const t = capture.textInput;
  if (t) rows.push(["Read from text", `${t.format}, ${t.numbering} sequence numbers, ${t.linesRead} lines`]);
  return (
    <section class="card capture-facts">
      <h2>The capture</h2>
      <dl class="facts">
        {rows.map(([k, v], i) => (
          <Fragment key={`${i}-${k}`}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
      </dl>
      {t && t.caveats.length > 0 && (
        <>
          <h3>What the text cannot tell</h3>
          <ul>
            {t.caveats.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      )}
      <p class="hint">
        Want the details? <Link href={`/a/${encodeURIComponent(id)}/connections`}>See every connection</Link>.
      </p>
    </section>
  );
}
