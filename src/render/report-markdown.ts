/**
 * The diagnosis as Markdown, for pasting into a ticket or a vendor's support portal. GitHub-flavoured:
 * tables, fenced code for the ladders. Capture strings are escaped so a crafted file name or address
 * can neither break the layout (| in a table, ``` in a fence) nor smuggle HTML into a renderer
 * that allows it.
 */
import type { Finding } from "../model/finding.js";
import type { DiagnosisReport } from "../model/report.js";
import { cleanText } from "../util/html.js";
import { renderLadderAscii } from "./ladder-ascii.js";
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

/** Escapes Markdown and HTML syntax in running text; newlines become spaces (one cell, one line). */
export function mdText(s: string): string {
  return (
    cleanText(s)
      .replace(/[\r\n]+/g, " ")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      // Only at the start of a line do these begin a heading, list or quote.
      .replace(/^(\s*)([#+=-])/, "$1\\$2")
      .replace(/^(\s*\d+)([.)])/, "$1\\$2")
  );
}

/** A code span that survives backticks in its content (CommonMark: a longer delimiter run). */
export function mdCode(s: string): string {
  const text = cleanText(s)
    .replace(/[\r\n]+/g, " ")
    .replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const tick = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${tick}${pad}${text}${pad}${tick}`;
}

/** A fenced block whose fence is longer than any backtick run inside, so content cannot close it. */
export function mdFence(body: string, info = "text"): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

export interface MarkdownOptions {
  /** Connections listed at most (default 30). */
  maxConnections?: number;
}

export function renderReportMarkdown(r: DiagnosisReport, opts: MarkdownOptions = {}): string {
  const v = verdictWords(r);
  const out: string[] = [];
  out.push(`# ${v.symbol} ${v.label}: ${mdText(r.headline)}`, "");
  const cap = r.capture;
  const meta = [
    `${mdCode(cap.file)} (${mdText(cap.format)})`,
    `${plural(cap.packets, "packet")} (${cap.tcpPackets} TCP)`,
    cap.durationSec !== null ? formatDuration(cap.durationSec) : null,
    cap.firstTs !== null ? `starting ${formatEpoch(cap.firstTs)}` : null,
    `taken at ${mdText(vantageText(cap.vantage))}`,
    cap.textInput ? "**from pasted text** (see *What the text cannot tell*)" : null,
  ].filter((x): x is string => x !== null);
  out.push(`**Capture:** ${meta.join(" · ")}  `);
  const findings = problemFindings(r);
  out.push(findings.length ? `**Findings:** ${severityCounts(findings)}` : "**Findings:** none", "");

  for (const [i, f] of findings.entries()) out.push(...findingBlock(r, f, i));
  if (findings.length === 0) {
    const healthy = r.findings.find((f) => f.id === "healthy");
    if (healthy)
      out.push(
        ...[healthy.summary, healthy.explanation, healthy.next].filter(Boolean).map((s) => `${mdText(s)}\n`),
      );
  }

  out.push(...connectionsTable(r, opts.maxConnections ?? 30));
  out.push("## What was checked", "", ...r.checked.map((c) => `- ${mdText(c)}`), "");
  if (cap.skipped.length || cap.problems.length) {
    out.push("## Not analysed", "");
    for (const s of cap.skipped) out.push(`- ${s.count} × ${mdText(s.reason)}`);
    for (const p of cap.problems) out.push(`- ${mdText(p)}`);
    out.push("");
  }
  const t = cap.textInput;
  if (t) {
    out.push("## What the text cannot tell", "");
    out.push(
      `Read as ${mdText(t.format)} text with ${mdText(t.numbering)} sequence numbers: ${plural(t.linesRead, "line")}` +
        (t.linesSkipped.length ? `, skipped ${t.linesSkipped.map((s) => `${s.count} × ${mdText(s.reason)}`).join(", ")}.` : "."),
      "",
      ...t.caveats.map((cv) => `- ${mdText(cv)}`),
      "",
    );
  }
  out.push(
    `<sub>Report by ${mdText(r.tool.name)} ${mdText(r.tool.version)} (format v${r.version}).</sub>`,
    "",
  );
  return out.join("\n");
}

function findingBlock(r: DiagnosisReport, f: Finding, i: number): string[] {
  const out: string[] = [];
  out.push(
    `## ${i + 1}. ${f.severity.toUpperCase()}: ${mdText(FINDING_TITLES[f.id] ?? f.id)} (${mdCode(f.id)})`,
    "",
  );
  const detail = detailForFinding(r, f);
  out.push("| | |", "|---|---|");
  const role = culpritRole(f);
  out.push(
    `| ${role.label} | ${f.culprit ? `**${mdText(f.culprit)}**` : "cannot be told from this capture"} |`,
  );
  if (f.stream !== null) {
    const ends = detail ? `: ${mdText(detail.a)} → ${mdText(detail.b)}` : "";
    out.push(`| Connection | stream ${f.stream}${ends} |`);
  }
  out.push(`| Evidence frames | ${mdText(framesText(f, 30))} |`);
  out.push(`| Confidence | ${mdText(f.confidence)} |`);
  const filter = wiresharkFilter(f, r.capture.textInput?.format);
  if (filter) out.push(`| Wireshark display filter | ${mdCode(filter)} |`);
  out.push("", `**${mdText(f.summary)}**`, "");
  if (f.explanation) out.push(`**What this means.** ${mdText(f.explanation)}`, "");
  if (f.next) out.push(`**What to do next.** ${mdText(f.next)}`, "");
  if (detail) {
    out.push(
      "The packets (`>>` marks the evidence; time in seconds since the connection's first packet):",
      "",
    );
    out.push(
      mdFence(
        renderLadderAscii(detail, flatFrames(f), {
          color: false,
          width: 110,
          culprit: role.blame,
          annotations: f.annotations,
        }),
      ),
      "",
    );
  }
  return out;
}

function connectionsTable(r: DiagnosisReport, max: number): string[] {
  const { rows, omitted, merged } = tableConnections(r, max);
  const out = [`## Connections (${r.connections.length})`, ""];
  if (rows.length === 0) return [...out, "No TCP connections in this capture.", ""];
  out.push(
    "| # | client | server | duration | packets | sent | received | retrans | zero window | close | findings |",
  );
  out.push("|--:|---|---|--:|--:|--:|--:|--:|--:|---|---|");
  for (const x of rows) {
    const cells = [
      x.stream === null ? "-" : String(x.stream),
      mdText(x.client),
      mdText(x.server),
      formatDuration(x.durationSec),
      String(x.packets),
      formatBytes(x.bytesClientToServer),
      formatBytes(x.bytesServerToClient),
      String(x.retransmissions),
      x.zeroWindowSec > 0 ? formatDuration(x.zeroWindowSec) : "-",
      mdText(x.close),
      x.findings.length ? x.findings.map(mdCode).join(", ") : "-",
    ];
    out.push(`| ${cells.join(" | ")} |`);
  }
  if (omitted > 0) out.push("", `… and ${plural(omitted, "more connection")} without findings.`);
  out.push("", "*sent* = bytes from client to server; *received* = server to client.", "");
  if (merged) out.push(MERGED_ROWS_NOTE, "");
  return out;
}
