/**
 * The terminal diagnosis report. Order follows what a worried reader needs: the verdict on the first
 * line, then each problem (most severe first) with who is at fault, the evidence frames, what it means,
 * what to do and a ladder of the packets; then the connections and what was checked, for trust.
 * Every capture-derived string goes through cleanText so a crafted file name or comment cannot send
 * escape sequences to the terminal.
 */
import pc from "picocolors";
import type { Finding } from "../model/finding.js";
import type { ConnectionRow, DiagnosisReport } from "../model/report.js";
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
  wrapText,
} from "./report-common.js";

export interface TextReportOptions {
  color: boolean;
  /** Line width to wrap prose and fit tables to (default 100). */
  width?: number;
  /** Connections listed in the table at most (default 20). */
  maxConnections?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

export function renderReportText(r: DiagnosisReport, opts: TextReportOptions): string {
  const c = pc.createColors(opts.color);
  const width = Math.max(60, opts.width ?? 100);
  const out: string[] = [];
  out.push(...verdictLines(r, c, width));
  const findings = problemFindings(r);
  findings.forEach((f, i) => {
    out.push("", c.dim("─".repeat(width)));
    out.push(...findingLines(r, f, i, findings.length, c, width));
  });
  if (findings.length === 0) {
    const healthy = r.findings.find((f) => f.id === "healthy");
    if (healthy) {
      out.push("");
      for (const s of [healthy.summary, healthy.explanation, healthy.next]) {
        if (s) out.push(...wrapText(cleanText(s), width - 2).map((l) => `  ${l}`));
      }
    }
  }
  out.push("", c.dim("─".repeat(width)));
  out.push(...connectionLines(r, c, width, opts.maxConnections ?? 20));
  out.push("", c.bold("What was checked"));
  for (const item of r.checked) out.push(...hanging(`  ${c.green("✓")} `, cleanText(item), width, 4));
  out.push("", ...captureLines(r, c, width));
  return `${out.join("\n")}\n`;
}

function verdictLines(r: DiagnosisReport, c: Colors, width: number): string[] {
  const v = verdictWords(r);
  const badge = ` ${v.symbol} ${v.label} `;
  const paint =
    v.tone === "ok"
      ? (s: string) => c.bold(c.bgGreen(c.black(s)))
      : v.tone === "error"
        ? (s: string) => c.bold(c.bgRed(c.white(s)))
        : v.tone === "warning"
          ? (s: string) => c.bold(c.bgYellow(c.black(s)))
          : (s: string) => c.bold(c.bgBlue(c.white(s)));
  const head = wrapText(cleanText(r.headline), width - badge.length - 2);
  const lines = [`${paint(badge)}  ${c.bold(head[0] ?? "")}`];
  for (const l of head.slice(1)) lines.push(`${" ".repeat(badge.length + 2)}${c.bold(l)}`);
  const cap = r.capture;
  const facts = [
    cleanText(cap.file),
    `${plural(cap.packets, "packet")} (${cap.tcpPackets} TCP)`,
    cap.durationSec !== null ? formatDuration(cap.durationSec) : null,
    plural(r.connections.length, "connection"),
    cap.textInput ? "from pasted text (what it cannot tell: see the end)" : null,
  ].filter((x): x is string => x !== null);
  lines.push(c.dim(`${" ".repeat(badge.length + 2)}${facts.join(" · ")}`));
  const problems = problemFindings(r);
  if (problems.length > 0) {
    lines.push(
      `${" ".repeat(badge.length + 2)}${plural(problems.length, "finding")}: ${severityCounts(problems)}`,
    );
  }
  return lines;
}

const SEVERITY_PAINT: Record<Finding["severity"], (c: Colors, s: string) => string> = {
  error: (c, s) => c.bold(c.red(s)),
  warning: (c, s) => c.bold(c.yellow(s)),
  info: (c, s) => c.bold(c.blue(s)),
};

function findingLines(
  r: DiagnosisReport,
  f: Finding,
  i: number,
  n: number,
  c: Colors,
  width: number,
): string[] {
  const lines: string[] = [];
  const sev = SEVERITY_PAINT[f.severity](c, f.severity.toUpperCase());
  lines.push(
    `${c.dim(`${i + 1}/${n}`)}  ${sev}  ${c.bold(FINDING_TITLES[f.id] ?? f.id)}  ${c.dim(`(${f.id})`)}`,
  );
  const detail = detailForFinding(r, f);
  const field = (k: string, v: string): string[] => hanging(`  ${c.dim(k.padEnd(14))}`, v, width, 16);
  const role = culpritRole(f);
  lines.push(
    ...field(role.label, f.culprit ? c.bold(cleanText(f.culprit)) : "cannot be told from this capture"),
  );
  if (f.stream !== null) {
    const ends = detail ? `: ${cleanText(detail.a)} → ${cleanText(detail.b)}` : "";
    lines.push(...field("Connection", `stream ${f.stream}${ends}`));
  }
  lines.push(
    ...field("Evidence", `frames ${cleanText(framesText(f))}  ${c.dim(`(confidence: ${f.confidence})`)}`),
  );
  const filter = wiresharkFilter(f, r.capture.textInput?.format);
  if (filter)
    lines.push(...field("In Wireshark", `${c.cyan(filter)}  ${c.dim("(paste as display filter)")}`));
  lines.push("");
  lines.push(...wrapText(cleanText(f.summary), width - 2).map((l) => `  ${c.bold(l)}`));
  for (const [title, body] of [
    ["What this means", f.explanation],
    ["What to do next", f.next],
  ] as const) {
    if (!body) continue;
    lines.push("", `  ${c.underline(title)}`);
    lines.push(...wrapText(cleanText(body), width - 4).map((l) => `    ${l}`));
  }
  if (detail) {
    lines.push(
      "",
      `  ${c.underline("The packets")} ${c.dim("(>> marks the evidence; time is since the connection's first packet)")}`,
      "",
    );
    lines.push(
      renderLadderAscii(detail, flatFrames(f), {
        color: c.isColorSupported,
        width,
        culprit: role.blame,
        indent: "  ",
        annotations: f.annotations,
      }),
    );
  }
  return lines;
}

/**
 * A display filter that shows the evidence in Wireshark: the stream, or the frames themselves. For
 * pasted text (`fromText`: its format) our stream numbers are not the user's, but Wireshark's frame
 * numbers are, unless the text was tcpdump's, which has none.
 */
export function wiresharkFilter(f: Finding, fromText?: string): string | null {
  // Frame numbers of two capture files do not make one filter: the reader opens each file.
  if (f.frames.length > 0 && typeof f.frames[0] === "object") return null;
  if (fromText === "tcpdump") return null;
  if (f.stream !== null && fromText === undefined) return `tcp.stream eq ${f.stream}`;
  const frames = flatFrames(f).slice(0, 20);
  return frames.length ? `frame.number in {${frames.join(" ")}}` : null;
}

/** `prefix` then `text` wrapped, continuation lines indented by `hang` spaces. */
function hanging(prefix: string, text: string, width: number, hang: number): string[] {
  const lines = wrapText(text, Math.max(20, width - hang));
  return lines.map((l, k) => (k === 0 ? prefix + l : " ".repeat(hang) + l));
}

function connectionLines(r: DiagnosisReport, c: Colors, width: number, max: number): string[] {
  const { rows, omitted, merged } = tableConnections(r, max);
  const lines = [c.bold(`Connections (${r.connections.length})`)];
  if (rows.length === 0) return [...lines, "  No TCP connections in this capture."];
  const head = ["#", "client", "server", "duration", "pkts", "bytes →/←", "retrans", "zero win", "close"];
  const body = rows.map((x) => connectionCells(x));
  // Columns that say "-" on every row carry no information: drop them to keep within the width.
  const keep = head.map((_, k) => k < 6 || k === 8 || body.some((b) => b[k] !== "-"));
  const pick = (cells: string[]): string[] => cells.filter((_, k) => keep[k]);
  const cols = pick(head);
  const cells = body.map(pick);
  const widths = cols.map((h, k) => Math.max(h.length, ...cells.map((b) => b[k]!.length)));
  const right = new Set(["#", "duration", "pkts", "bytes →/←", "retrans", "zero win"]);
  // The last column (close) takes what width is left; it is words, so it can be cut with an ellipsis.
  const fixed = widths.slice(0, -1).reduce((s, w) => s + w + 2, 2);
  widths[widths.length - 1] = Math.max(6, Math.min(widths.at(-1)!, width - fixed));
  const fmt = (row: string[]): string =>
    `  ${row
      .map((cell, k) => {
        const w = widths[k]!;
        const v = cell.length > w ? `${cell.slice(0, w - 1)}…` : cell;
        return right.has(cols[k]!) ? v.padStart(w) : v.padEnd(w);
      })
      .join("  ")}`.trimEnd();
  lines.push(c.dim(fmt(cols)));
  for (const [k, row] of cells.entries()) {
    const found = rows[k]!.findings;
    lines.push(found.length > 0 ? c.bold(fmt(row)) : fmt(row));
    if (found.length > 0) {
      const indent = " ".repeat(2 + widths[0]! + 2);
      lines.push(
        ...hanging(`${indent}${c.dim("↳ ")}`, cleanText(found.join(", ")), width, indent.length + 2),
      );
    }
  }
  if (omitted > 0)
    lines.push(c.dim(`  … and ${plural(omitted, "more connection")} without findings (see --json).`));
  lines.push(c.dim("  bytes →/← = payload sent client → server / server → client."));
  if (merged) lines.push(...wrapText(MERGED_ROWS_NOTE, Math.max(20, width - 2)).map((l) => c.dim(`  ${l}`)));
  return lines;
}

function connectionCells(x: ConnectionRow): string[] {
  return [
    x.stream === null ? "-" : String(x.stream),
    cleanText(x.client),
    cleanText(x.server),
    formatDuration(x.durationSec),
    String(x.packets),
    `${formatBytes(x.bytesClientToServer)} / ${formatBytes(x.bytesServerToClient)}`,
    x.retransmissions ? String(x.retransmissions) : "-",
    x.zeroWindowSec > 0 ? formatDuration(x.zeroWindowSec) : "-",
    cleanText(x.close),
  ];
}

function captureLines(r: DiagnosisReport, c: Colors, width: number): string[] {
  const cap = r.capture;
  const lines = [c.bold("Capture")];
  const kv = (k: string, v: string): void => {
    lines.push(`  ${c.dim(k.padEnd(14))}${v}`);
  };
  kv("File", `${cleanText(cap.file)} (${cleanText(cap.format)})`);
  kv("Packets", `${cap.packets} (${cap.tcpPackets} TCP)`);
  if (cap.firstTs !== null && cap.lastTs !== null) {
    kv("Time span", `${formatEpoch(cap.firstTs)} → ${formatEpoch(cap.lastTs)}`);
  }
  kv("Taken at", vantageText(cap.vantage));
  for (const s of cap.skipped) kv("Not analysed", `${s.count} × ${cleanText(s.reason)}`);
  for (const p of cap.problems) kv("Problem", cleanText(p));
  const t = cap.textInput;
  if (t) {
    // Pasted text: say how it was read and everything it could not carry, so no finding reads stronger than it is.
    kv("Read as", `${cleanText(t.format)} text, ${t.numbering} sequence numbers, ${plural(t.linesRead, "line")}`);
    const shown = new Set(cap.skipped.map((s) => s.reason));
    for (const s of t.linesSkipped) if (!shown.has(s.reason)) kv("Lines skipped", `${s.count} × ${cleanText(s.reason)}`);
    lines.push("", c.bold("What the text cannot tell"));
    for (const cv of t.caveats) lines.push(...hanging(`  ${c.yellow("!")} `, cleanText(cv), width, 4));
    lines.push("");
  }
  lines.push(c.dim(`  ${r.tool.name} ${cleanText(r.tool.version)}, report format v${r.version}`));
  return lines;
}

/** Where the capture was taken, in words; it decides what "missing" packets can mean. */
export function vantageText(v: string): string {
  switch (v) {
    case "client":
      return "the client side (near the machine that opened the connections)";
    case "server":
      return "the server side (near the machine that accepted the connections)";
    case "middle":
      return "somewhere in between (both ends' packets arrive with a delay)";
    default:
      return "unknown";
  }
}
