/**
 * The diagnosis as ONE self-contained HTML file: a verdict banner, then each finding with its
 * explanation, next step, an SVG ladder of the evidence and a time-sequence graph of the connection,
 * then the connections, what was checked and the capture. It opens offline and can be mailed to a
 * vendor: inline CSS and SVG only, no script at all (a Content-Security-Policy forbids any), and
 * every string from the capture or the report is escaped, so nothing in a capture is ever markup.
 */
import type { Finding } from "../model/finding.js";
import type { CaptureMeta, DiagnosisReport } from "../model/report.js";
import { e, renderHtmlPage, safeId } from "./html-page.js";
import { renderLadderAscii } from "./ladder-ascii.js";
import { renderLadderSvg } from "./ladder-svg.js";
import {
  culpritRole,
  detailForFinding,
  FINDING_TITLES,
  flatFrames,
  formatBytes,
  formatDuration,
  formatEpoch,
  framesText,
  plural,
  problemFindings,
  severityCounts,
  MERGED_ROWS_NOTE,
  tableConnections,
  verdictWords,
} from "./report-common.js";
import { vantageText, wiresharkFilter } from "./report-text.js";
import { renderTseqSvg } from "./tseq-svg.js";

export { safeId };

export interface HtmlReportOptions {
  /** Findings drawn with diagrams at most; the rest are listed in a table (default 25). */
  maxDiagrams?: number;
  /** Connections listed at most (default 200). */
  maxConnections?: number;
}

export function renderReportHtml(r: DiagnosisReport, opts: HtmlReportOptions = {}): string {
  const findings = problemFindings(r);
  const maxDiagrams = opts.maxDiagrams ?? 25;
  const graphed = new Map<number, number>();
  const body: string[] = [verdictBanner(r, findings)];
  for (const [i, f] of findings.slice(0, maxDiagrams).entries())
    body.push(findingCard(r, f, i, findings.length, graphed));
  if (findings.length > maxDiagrams) body.push(moreFindings(findings.slice(maxDiagrams), maxDiagrams));
  if (findings.length === 0) body.push(healthyCard(r));
  body.push(
    connectionsCard(r, findings.slice(0, maxDiagrams), opts.maxConnections ?? 200),
    checkedCard(r),
    captureCard(r),
  );
  const v = verdictWords(r);
  return renderHtmlPage({
    title: `${v.label}: ${r.capture.file}`,
    generator: `${r.tool.name} ${r.tool.version}`,
    body: body.join("\n"),
    footer: `Report by ${e(r.tool.name)} ${e(r.tool.version)} (format v${r.version}).`,
  });
}

function verdictBanner(r: DiagnosisReport, findings: Finding[]): string {
  const v = verdictWords(r);
  const cap = r.capture;
  const meta = [
    `<span class="mono">${e(cap.file)}</span>`,
    e(plural(cap.packets, "packet")),
    cap.durationSec !== null ? e(formatDuration(cap.durationSec)) : "",
    e(plural(r.connections.length, "TCP connection")),
    cap.firstTs !== null ? e(formatEpoch(cap.firstTs)) : "",
    cap.textInput ? '<a href="#capture">from pasted text: see what it cannot tell</a>' : "",
  ].filter(Boolean);
  const list = findingOverview(findings, (f) =>
    f.culprit ? `${culpritRole(f).label.toLowerCase()}: ${f.culprit}` : "",
  );
  return verdictSection(v.tone, `${v.symbol} ${v.label}`, r.headline, meta, list);
}

/** The banner every report opens with: the verdict word, the headline, facts (markup) and a list (markup). */
export function verdictSection(
  tone: string,
  label: string,
  headline: string,
  meta: string[],
  list: string,
): string {
  return `<section class="card verdict tone-${tone}" id="verdict">
<span class="label">${e(label)}</span>
<h1>${e(headline)}</h1>
<p class="meta">${meta.join(" · ")}</p>
${list}
</section>`;
}

/** A card's header: badge, title, id, "i of n". */
export function cardHeader(badge: string, title: string, id: string, i: number, n: number): string {
  return `<header><span class="badge">${e(badge)}</span><h2>${e(title)}</h2><code class="id">${e(id)}</code><span class="count">${i + 1} of ${n}</span></header>`;
}

/** The verdict banner's list of findings, each linking to its card (#finding-N); `who` is plain text. */
export function findingOverview(findings: readonly Finding[], who: (f: Finding) => string): string {
  if (findings.length === 0) return "";
  const items = findings
    .slice(0, 12)
    .map(
      (f, i) =>
        `<li class="tone-${f.severity}"><span class="badge">${e(f.severity.toUpperCase())}</span><a href="#finding-${i + 1}">${e(FINDING_TITLES[f.id] ?? f.id)}</a><span class="who">${e(who(f))}</span></li>`,
    )
    .join("");
  return `<p class="meta">${e(plural(findings.length, "finding"))}: ${e(severityCounts(findings))}</p><ul class="overview">${items}</ul>`;
}

/** "What this means" and "What to do next", side by side. */
export function explainBlock(explanation: string, next: string): string {
  return `<div class="explain"><section class="meaning"><h3>What this means</h3><p>${e(explanation)}</p></section><section class="next"><h3>What to do next</h3><p>${e(next)}</p></section></div>`;
}

/** A finding's facts as a folded table. */
export function factsDetails(f: Finding): string {
  const rows = Object.entries(f.facts);
  if (rows.length === 0) return "";
  return `<details><summary>The numbers behind this finding</summary><table><tbody>${rows
    .map(
      ([k, v]) =>
        `<tr><th>${e(k)}</th><td class="mono">${e(Array.isArray(v) ? v.join(", ") : String(v))}</td></tr>`,
    )
    .join("")}</tbody></table></details>`;
}

function findingCard(
  r: DiagnosisReport,
  f: Finding,
  i: number,
  n: number,
  graphed: Map<number, number>,
): string {
  const detail = detailForFinding(r, f);
  const filter = wiresharkFilter(f, r.capture.textInput?.format);
  const role = culpritRole(f);
  const who = f.culprit
    ? `<span class="${role.blame ? "culprit" : "mono"}">${e(f.culprit)}</span>`
    : "cannot be told from this capture";
  const facts: [string, string][] = [[role.label, who]];
  if (f.stream !== null) {
    facts.push(["Connection", `stream ${f.stream}${detail ? `: ${e(detail.a)} → ${e(detail.b)}` : ""}`]);
  }
  facts.push(["Evidence frames", e(framesText(f, 40))], ["Confidence", e(f.confidence)]);
  if (filter)
    facts.push([
      "In Wireshark",
      `<code>${e(filter)}</code> <span class="hint">paste into the display filter bar</span>`,
    ]);
  const parts = findingCardHead(f, i, n, facts);
  if (!detail) {
    parts.push(
      `<p class="hint">The report holds no packets for this finding's connection, so there is no diagram.</p>`,
    );
  } else {
    const frames = flatFrames(f);
    parts.push(
      `<h3>The packets</h3><p class="hint">Highlighted rows are the evidence. Times are seconds since the connection's first packet; hover a row for its absolute time.</p>`,
      `<div class="scroll">${renderLadderSvg(detail, frames, { culprit: role.blame, maxEvidence: 12, annotations: f.annotations, id: safeId(`ladder-${i + 1}`) })}</div>`,
    );
    const seen = graphed.get(detail.stream);
    if (seen !== undefined) {
      parts.push(
        `<p class="hint">The time-sequence graph of this connection is shown under <a href="#finding-${seen}">finding ${seen}</a>.</p>`,
      );
    } else {
      graphed.set(detail.stream, i + 1);
      parts.push(
        `<h3>Time-sequence graph</h3><p class="hint">${
          detail.packets.some((p) => p.len > 0)
            ? "How the data moved over time: each bar is a packet of data, the green line is how much the receiver has acknowledged, the dashed blue line how far it allows the sender to go. Flat stretches are waits; where the two lines meet the receiver is full."
            : "This connection never carried any data: the graph shows only when each attempt (SYN, reset) happened, so the rhythm of the retries is visible."
        }</p>`,
        `<div class="scroll">${renderTseqSvg(detail, { highlightFrames: frames, id: safeId(`tseq-${i + 1}`) })}</div>`,
      );
    }
    parts.push(
      `<details><summary>Plain-text version (for an e-mail or a ticket)</summary><pre>${e(renderLadderAscii(detail, frames, { color: false, width: 110, culprit: role.blame, annotations: f.annotations }))}</pre></details>`,
    );
  }
  parts.push(factsDetails(f), "</section>");
  return parts.join("\n");
}

function moreFindings(rest: Finding[], offset: number): string {
  const rows = rest
    .map(
      (f, k) =>
        `<tr class="tone-${f.severity}"><td class="num">${offset + k + 1}</td><td><span class="badge">${e(f.severity.toUpperCase())}</span></td><td>${e(FINDING_TITLES[f.id] ?? f.id)}</td><td>${f.culprit ? e(f.culprit) : ""}</td><td class="num">${f.stream ?? ""}</td><td>${e(framesText(f, 8))}</td><td>${e(f.summary)}</td></tr>`,
    )
    .join("");
  return `<section class="card"><h2>${e(plural(rest.length, "more finding"))}</h2><p class="hint">Listed without diagrams to keep this file small.</p><div class="table-wrap"><table><thead><tr><th class="num">#</th><th>severity</th><th>finding</th><th>at fault</th><th class="num">stream</th><th>frames</th><th>summary</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** The "healthy" finding's words, for a report without problems. */
export function healthyCard(r: Pick<DiagnosisReport, "findings">): string {
  const h = r.findings.find((f) => f.id === "healthy");
  if (!h) return "";
  return `<section class="card healthy"><p class="summary">${e(h.summary)}</p><p>${e(h.explanation)}</p><p>${e(h.next)}</p></section>`;
}

function connectionsCard(r: DiagnosisReport, findings: Finding[], max: number): string {
  const { rows, omitted, merged } = tableConnections(r, max);
  const head = `<h2>Connections (${r.connections.length})</h2>`;
  if (rows.length === 0)
    return `<section class="card">${head}<p>No TCP connections in this capture.</p></section>`;
  // A row's findings link to their cards (same id on the same stream), when the card is drawn.
  const card = (id: string, stream: number | null): number =>
    findings.findIndex((f) => f.id === id && f.stream === stream) + 1;
  const tr = rows
    .map((x) => {
      const links = x.findings.map((id) => {
        const n = card(id, x.stream);
        return n > 0 ? `<a href="#finding-${n}"><code>${e(id)}</code></a>` : `<code>${e(id)}</code>`;
      });
      return [
        `<tr${x.findings.length ? ' class="has-findings"' : ""}>`,
        `<td class="num">${x.stream ?? "-"}</td>`,
        `<td class="mono">${e(x.client)}<br><span class="to">→ ${e(x.server)}</span></td>`,
        `<td class="num">${e(formatDuration(x.durationSec))}</td><td class="num">${x.packets}</td>`,
        `<td class="num">${e(formatBytes(x.bytesClientToServer))} / ${e(formatBytes(x.bytesServerToClient))}</td>`,
        `<td class="num">${x.retransmissions || "-"}</td>`,
        `<td class="num">${x.zeroWindowSec > 0 ? e(formatDuration(x.zeroWindowSec)) : "-"}</td>`,
        `<td>${e(x.close)}</td><td class="ids">${links.join("") || "-"}</td></tr>`,
      ].join("");
    })
    .join("\n");
  const more =
    omitted > 0
      ? `<p class="hint">… and ${e(plural(omitted, "more connection"))} without findings (see the JSON output).</p>`
      : "";
  const th =
    '<tr><th class="num">#</th><th>client → server</th><th class="num">duration</th><th class="num">packets</th><th class="num">bytes sent / received</th><th class="num">retrans.</th><th class="num">zero window</th><th>close</th><th>findings</th></tr>';
  return `<section class="card">${head}<p class="hint">Bytes sent = client to server, received = server to client. Rows with findings are tinted.${merged ? ` ${e(MERGED_ROWS_NOTE)}` : ""}</p><div class="table-wrap"><table><thead>${th}</thead><tbody>${tr}</tbody></table></div>${more}</section>`;
}

export function checkedCard(r: Pick<DiagnosisReport, "checked">): string {
  if (r.checked.length === 0) return "";
  return `<section class="card"><h2>What was checked</h2><ul class="checked">${r.checked.map((c) => `<li>${e(c)}</li>`).join("")}</ul></section>`;
}

/** A capture's facts as definition-list rows (markup): file, packets, time span, what was skipped. */
export function captureRows(
  cap: Pick<
    CaptureMeta,
    "file" | "format" | "packets" | "tcpPackets" | "firstTs" | "lastTs" | "skipped" | "problems"
  >,
): [string, string][] {
  const rows: [string, string][] = [
    ["File", `<span class="mono">${e(cap.file)}</span> (${e(cap.format)})`],
    ["Packets", `${cap.packets} (${cap.tcpPackets} TCP)`],
  ];
  if (cap.firstTs !== null && cap.lastTs !== null) {
    rows.push(["Time span", `${e(formatEpoch(cap.firstTs))} → ${e(formatEpoch(cap.lastTs))}`]);
  }
  return rows;
}

/** What a capture could not use: frames skipped by reason, and damage. */
export function captureProblemRows(cap: Pick<CaptureMeta, "skipped" | "problems">): [string, string][] {
  return [
    ...cap.skipped.map((s): [string, string] => ["Not analysed", `${s.count} × ${e(s.reason)}`]),
    ...cap.problems.map((p): [string, string] => ["Problem", e(p)]),
  ];
}

/** Definition-list markup from rows whose values are markup already. */
export function dlRows(rows: readonly [string, string][], cls?: string): string {
  return `<dl${cls ? ` class="${cls}"` : ""}>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>`;
}

function captureCard(r: DiagnosisReport): string {
  const cap = r.capture;
  const rows = captureRows(cap);
  rows.push(["Taken at", e(vantageText(cap.vantage))], ...captureProblemRows(cap));
  const t = cap.textInput;
  let text = "";
  if (t) {
    // Pasted text: how it was read and what it could not carry, next to the capture facts.
    rows.push([
      "Read as",
      `${e(t.format)} text, ${e(t.numbering)} sequence numbers, ${e(plural(t.linesRead, "line"))}`,
    ]);
    for (const s of t.linesSkipped) rows.push(["Lines skipped", `${s.count} × ${e(s.reason)}`]);
    text = `<h3>What the text cannot tell</h3><ul class="caveats">${t.caveats.map((c) => `<li>${e(c)}</li>`).join("")}</ul>`;
  }
  return `<section class="card capture" id="capture"><h2>Capture</h2>${dlRows(rows)}${text}</section>`;
}

/**
 * The opening of a finding's card, shared by the diagnose and correlate reports: the section, its
 * header, the facts, the summary and the explanation with the next step. The caller closes it.
 */
export function findingCardHead(f: Finding, i: number, n: number, facts: [string, string][]): string[] {
  return [
    `<section class="card finding tone-${f.severity}" id="finding-${i + 1}">`,
    cardHeader(f.severity.toUpperCase(), FINDING_TITLES[f.id] ?? f.id, f.id, i, n),
    dlRows(facts, "facts"),
    `<p class="summary">${e(f.summary)}</p>`,
    explainBlock(f.explanation, f.next),
  ];
}
