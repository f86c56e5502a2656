/**
 * One analysis: while the server works on it, the progress; when done, its tabs (what went wrong,
 * connections, all packets) and the downloads. Two-capture analyses show their own single page.
 */
import { useEffect } from "preact/hooks";
import { type Analysis, analysisUrl } from "../api.js";
import { Link, location, type Route } from "../router.js";
import { useAnalysis } from "../use-analysis.js";
import { verdictWords } from "../words.js";
import { CompareView } from "./compare.js";
import { ConnectionsPage } from "./connections.js";
import { CorrelateView } from "./correlate.js";
import { PacketsPage } from "./packets.js";
import { StreamPage } from "./stream.js";
import { VerdictPage } from "./verdict.js";

type AnalysisRoute = Exclude<Route, { page: "home" } | { page: "missing" }>;

const PHASE_WORDS: Record<string, string> = {
  queued: "Waiting for the analyses before it to finish",
  starting: "Starting the analysis",
  finishing: "Finishing",
  "writing report": "Writing the report",
  "storing connections": "Storing the connections",
  "indexing packets": "Preparing the packet list",
  upload: "Receiving the file",
  reading: "Reading the packets",
  read: "Reading the packets",
  analysing: "Following every TCP connection",
  analyzing: "Following every TCP connection",
  diagnose: "Looking for problems",
  diagnosing: "Looking for problems",
  index: "Preparing the packet list",
  indexing: "Preparing the packet list",
  writing: "Preparing the packet list",
  compare: "Comparing the two captures",
  correlate: "Matching the packets of the two captures",
};

export function AnalysisPage({ route }: { route: AnalysisRoute }) {
  const { analysis, error } = useAnalysis(route.id);
  useEffect(() => {
    if (analysis) document.title = `${analysis.name} · tcpsleuth`;
  }, [analysis?.name]);

  if (!analysis) {
    return (
      <section class="card">
        {error ? (
          <>
            <h1>This analysis cannot be shown</h1>
            <p class="error-text" role="alert">
              {error}
            </p>
            <p>
              <Link href="/">Back to the list of analyses</Link>
            </p>
          </>
        ) : (
          <p class="hint">Loading…</p>
        )}
      </section>
    );
  }
  if (analysis.status === "failed") {
    return (
      <section class="card verdict tone-error">
        <span class="label">✖ COULD NOT ANALYSE</span>
        <h1 class="mono-name">{analysis.name}</h1>
        <p class="error-text" role="alert">
          {analysis.error ?? "The analysis stopped with an error."}
        </p>
        <p>
          <Link href="/">Back to the list, to try another file</Link>
        </p>
      </section>
    );
  }
  if (analysis.status !== "done") return <Working analysis={analysis} />;

  if (analysis.kind === "compare") return <CompareView analysis={analysis} />;
  if (analysis.kind === "correlate") return <CorrelateView analysis={analysis} />;
  return (
    <>
      <AnalysisHeader analysis={analysis} route={route} />
      {route.page === "analysis" && <VerdictPage analysis={analysis} />}
      {route.page === "connections" && <ConnectionsPage analysis={analysis} />}
      {route.page === "packets" && <PacketsPage analysis={analysis} params={location.value.params} />}
      {route.page === "stream" && (
        <StreamPage analysis={analysis} stream={route.stream} params={location.value.params} />
      )}
    </>
  );
}

function Working({ analysis }: { analysis: Analysis }) {
  const fraction = analysis.progress?.fraction ?? 0;
  const phase = analysis.status === "queued" ? "queued" : (analysis.progress?.phase ?? "analysing");
  return (
    <section class="card working" aria-live="polite" aria-busy="true">
      <span class="label neutral">ANALYSING</span>
      <h1 class="mono-name">{analysis.name}</h1>
      <p>{PHASE_WORDS[phase] ?? phase} …</p>
      <div class="progress-row">
        <progress max={1} value={fraction} aria-label="analysis progress" />
        <span class="num">{Math.round(fraction * 100)} %</span>
      </div>
      <p class="hint">
        This page updates by itself. You can leave it: the result stays in the list of analyses.
      </p>
    </section>
  );
}

export function Downloads({ id }: { id: string }) {
  return (
    <span class="downloads">
      <a href={analysisUrl(id, "/report.html")} download>
        ⬇ Report for e-mail (HTML)
      </a>
      <a href={analysisUrl(id, "/report.json")} download>
        ⬇ Data (JSON)
      </a>
    </span>
  );
}

function AnalysisHeader({ analysis, route }: { analysis: Analysis; route: AnalysisRoute }) {
  const id = analysis.id;
  const base = `/a/${encodeURIComponent(id)}`;
  const v = verdictWords(analysis.verdict);
  const tabs: [string, string, boolean][] = [
    [base, analysis.verdict === "healthy" ? "Result" : "What went wrong", route.page === "analysis"],
    [`${base}/connections`, "Connections", route.page === "connections" || route.page === "stream"],
    [`${base}/packets`, "All packets", route.page === "packets"],
  ];
  return (
    <div class="analysis-head">
      <div class="title-line">
        <span class={`pill tone-${v.tone}`}>
          {v.label === "PROBLEM FOUND" ? "PROBLEM" : v.label.split(" (")[0]}
        </span>
        <span class="mono file" title={analysis.name}>
          {analysis.name}
        </span>
        <Downloads id={id} />
      </div>
      <nav class="tabs" aria-label="Views of this analysis">
        {tabs.map(([href, label, active]) => (
          <Link
            key={href}
            href={href}
            class={active ? "active" : ""}
            aria-current={active ? "page" : undefined}
          >
            {label}
          </Link>
        ))}
      </nav>
    </div>
  );
}
