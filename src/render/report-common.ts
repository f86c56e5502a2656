/**
 * Pieces every diagnosis renderer (text, Markdown, HTML, SVG) shares: ordering of findings, the short
 * title of each finding id, verdict wording, packet classification for highlighting, and number
 * formatting. Pure functions over src/model data.
 */
import type { FileFrames, Finding, FindingId, Severity } from "../model/finding.js";
import type { ConnectionDetail, DiagnosisReport, PacketView } from "../model/report.js";
import { formatUtc } from "../util/time.js";

/**
 * A short heading per finding id. A Record over every id on purpose: adding an id to FINDING_IDS
 * without a title here fails the type check, so no report ever shows a bare id as its heading.
 */
export const FINDING_TITLES: Record<FindingId, string> = {
  "handshake.synack-bad-ack": "SYN-ACK with a wrong acknowledgement number",
  "handshake.challenge-ack": "New connection answered with an ACK for an old one",
  "handshake.no-response": "Connection attempt got no answer",
  "handshake.refused": "Connection refused",
  "conn.stale-half-open": "A stale half-open connection blocks new ones",
  "conn.port-reuse": "Source port reused before the old connection ended",
  "data.receiver-silent": "Receiver stopped acknowledging data",
  "conn.reset": "Connection ended by a reset (RST)",
  "flow.zero-window": "Receiver's buffer full (zero window)",
  "path.loss": "Packet loss on the network path",
  "capture.incomplete": "The capture missed packets",
  "middlebox.injected": "A device in between injected packets",
  "middlebox.dropped": "A device in between dropped packets",
  "middlebox.idle-timeout": "A device in between cut an idle connection",
  "middlebox.suspicious-packet": "Suspicious packet from a device in between",
  "analysis.limit-reached": "Analysis limit reached: results are partial",
  healthy: "No problem found",
};

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Most important first: by severity, then in the order the rules gave (a stable sort keeps it). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity]);
}

/** A "healthy" finding is the verdict itself, not a problem to list with a ladder. */
export function problemFindings(r: DiagnosisReport): Finding[] {
  return sortFindings(r.findings.filter((f) => f.id !== "healthy"));
}

export interface VerdictWords {
  /** The glaring word(s): "HEALTHY", "PROBLEM FOUND", ... */
  label: string;
  tone: "ok" | Severity;
  /** A mark that reads without colour: ✔ healthy, ✖ problem, i notes only. */
  symbol: string;
}

export function verdictWords(r: Pick<DiagnosisReport, "verdict">): VerdictWords {
  switch (r.verdict) {
    case "healthy":
      return { label: "HEALTHY", tone: "ok", symbol: "✔" };
    case "error":
      return { label: "PROBLEM FOUND", tone: "error", symbol: "✖" };
    case "warning":
      return { label: "PROBLEM FOUND", tone: "warning", symbol: "✖" };
    case "info":
      // Only notes (e.g. the capture itself missed packets): nothing in the network is at fault.
      return { label: "NO PROBLEM FOUND (notes below)", tone: "info", symbol: "i" };
  }
}

function isFileFrames(frames: Finding["frames"]): frames is FileFrames[] {
  return frames.length > 0 && typeof frames[0] === "object";
}

/** Evidence frames of the single capture (two-capture findings: the frames of every file, merged). */
export function flatFrames(f: Finding): number[] {
  if (!isFileFrames(f.frames)) return f.frames as number[];
  return f.frames.flatMap((ff) => ff.frames);
}

/** "3, 4, 5 (+21 more)" or "outside.pcapng: 3, 4; inside.pcapng: none (absent there)". */
export function framesText(f: Finding, max = 12): string {
  const list = (xs: number[]): string =>
    xs.length === 0
      ? "none"
      : xs.slice(0, max).join(", ") + (xs.length > max ? ` (+${xs.length - max} more)` : "");
  if (!isFileFrames(f.frames)) return list(f.frames as number[]);
  return f.frames
    .map((ff) => `${ff.file}: ${list(ff.frames)}${ff.frames.length === 0 ? " (absent there)" : ""}`)
    .join("; ");
}

/** The packets to draw for a finding: its stream's detail, else the detail holding its evidence. */
export function detailForFinding(r: DiagnosisReport, f: Finding): ConnectionDetail | undefined {
  if (f.stream !== null) {
    const d = r.details.find((x) => x.stream === f.stream);
    if (d) return d;
  }
  const frames = new Set(flatFrames(f));
  return r.details.find((d) => d.packets.some((p) => frames.has(p.frame)));
}

/**
 * How to name a finding's culprit. For a note (info) the endpoint is only involved, not to blame
 * (e.g. the client that correctly reset a bogus SYN-ACK), so it is not called "at fault".
 */
export function culpritRole(f: Finding): { label: string; blame: string | null } {
  return f.severity === "info" ? { label: "Endpoint", blame: null } : { label: "At fault", blame: f.culprit };
}

/** "198.18.1.20:9100" → "198.18.1.20"; "[fd00::1]:80" → "fd00::1"; bare addresses unchanged. */
export function hostOf(endpoint: string): string {
  if (endpoint.startsWith("[")) return endpoint.slice(1, endpoint.indexOf("]"));
  const colons = endpoint.split(":").length - 1;
  return colons === 1 ? endpoint.slice(0, endpoint.indexOf(":")) : endpoint;
}

/** Which lifeline the culprit is ("ip:port" or just "ip"), so diagrams can mark the side at fault. */
export function culpritSide(d: ConnectionDetail, culprit: string | null | undefined): "a" | "b" | null {
  if (!culprit) return null;
  if (culprit === d.a) return "a";
  if (culprit === d.b) return "b";
  const a = hostOf(d.a) === culprit;
  const b = hostOf(d.b) === culprit;
  return a && !b ? "a" : b && !a ? "b" : null;
}

export type PacketKind =
  | "rst"
  | "zerowin"
  | "retrans"
  | "dupack"
  | "anomaly"
  | "winupdate"
  | "syn"
  | "fin"
  | "data"
  | "ack";

/** What a packet is, for colour: the most alarming property wins. */
export function packetKind(p: PacketView): PacketKind {
  const flags = p.flags.toUpperCase();
  const tags = p.tags.toLowerCase();
  if (/\bRST\b/.test(flags)) return "rst";
  if (tags.includes("zerowindow") || tags.includes("zero window")) return "zerowin";
  if (tags.includes("retransmission")) return "retrans";
  if (tags.includes("dup ack")) return "dupack";
  if (tags.includes("unseen") || tags.includes("not captured") || tags.includes("out-of-order"))
    return "anomaly";
  if (tags.includes("window update")) return "winupdate";
  if (/\bSYN\b/.test(flags)) return "syn";
  if (/\bFIN\b/.test(flags)) return "fin";
  return p.len > 0 ? "data" : "ack";
}

export function hasAckFlag(p: PacketView): boolean {
  return /\bACK\b/i.test(p.flags);
}

/** "[SYN, ACK] Seq=0 Ack=2231665395 Win=8760 Len=0": Wireshark's Info column wording. */
export function packetLabel(p: PacketView): string {
  const ack = hasAckFlag(p) ? ` Ack=${p.ack}` : "";
  return `[${p.flags || "<None>"}] Seq=${p.seq}${ack} Win=${p.win} Len=${p.len}`;
}

/** Seconds with a unit a person reads at a glance: "850 µs", "25.4 ms", "6.92 s", "3 h 12 min". */
export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return "?";
  const a = Math.abs(sec);
  if (a < 0.001) return `${Math.round(sec * 1e6)} µs`;
  if (a < 1) return `${(sec * 1000).toPrecision(3)} ms`;
  if (a < 120) return `${sec.toFixed(a < 10 ? 2 : 1)} s`;
  if (a < 7200) return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`;
  return `${Math.floor(sec / 3600)} h ${Math.round((sec % 3600) / 60)} min`;
}

/** Bytes in binary units, as people expect for buffers and transfers: "1.4 KiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Epoch seconds (float) as "2026-11-21 12:34:56.123456 UTC". */
export function formatEpoch(ts: number): string {
  const sec = Math.floor(ts);
  const nsec = Math.round((ts - sec) * 1e9);
  return `${formatUtc(sec, Math.min(nsec, 999_999_999), 6)} UTC`;
}

/** Length as the terminal shows it: colour codes take no columns. */
export function visibleLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, "").length;
}

/**
 * Greedy word wrap (existing newlines start new lines). Words longer than width stay whole. Colour
 * codes may be in the text: they stay attached to their words and are not counted.
 */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const word of para.split(/[ \t]+/).filter(Boolean)) {
      if (line && visibleLength(line) + 1 + visibleLength(word) > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "1 error, 2 warnings" for a findings list. */
export function severityCounts(findings: readonly Finding[]): string {
  const parts: string[] = [];
  for (const s of ["error", "warning", "info"] as const) {
    const n = findings.filter((f) => f.severity === s).length;
    if (n) parts.push(s === "info" ? `${n} note${n === 1 ? "" : "s"}` : plural(n, s));
  }
  return parts.join(", ");
}

/** The connections worth a table row: those with findings first, then the busiest; capped. */
export function tableConnections(
  r: DiagnosisReport,
  max: number,
): { rows: DiagnosisReport["connections"]; omitted: number; merged: boolean } {
  const merged = streamRows(r.connections);
  const sorted = [...merged].sort(
    (x, y) =>
      (y.findings.length > 0 ? 1 : 0) - (x.findings.length > 0 ? 1 : 0) ||
      y.packets - x.packets ||
      x.uid - y.uid,
  );
  const rows = sorted.slice(0, max).sort((x, y) => x.startTs - y.startTs || x.uid - y.uid);
  return { rows, omitted: Math.max(0, sorted.length - max), merged: merged.length < r.connections.length };
}

/** The note under a connections table whose rows merge several connections. */
export const MERGED_ROWS_NOTE =
  "One row per Wireshark stream: connections that reuse the same addresses and ports are added up in one row.";

type ConnRow = DiagnosisReport["connections"][number];

/**
 * One table row per Wireshark stream: Zeek's model (ours) starts a new connection for each retry of
 * the same addresses and ports (a client retrying after each reset, packets after a close), which
 * would list one stream many times over. Counts add up; the close says how many attempts there were.
 */
function streamRows(conns: readonly ConnRow[]): ConnRow[] {
  const out: ConnRow[] = [];
  const open = new Map<number, { row: ConnRow; n: number; end: number; last: ConnRow }>();
  for (const c of [...conns].sort((x, y) => x.uid - y.uid)) {
    const g = c.stream === null ? undefined : open.get(c.stream);
    if (g === undefined || g.row.client !== c.client || g.row.server !== c.server) {
      const row = { ...c, findings: [...c.findings] };
      out.push(row);
      if (c.stream !== null) open.set(c.stream, { row, n: 1, end: c.startTs + c.durationSec, last: c });
      continue;
    }
    const row = g.row;
    g.n++;
    g.last = c;
    g.end = Math.max(g.end, c.startTs + c.durationSec);
    row.durationSec = g.end - row.startTs;
    row.packets += c.packets;
    row.bytesClientToServer += c.bytesClientToServer;
    row.bytesServerToClient += c.bytesServerToClient;
    row.retransmissions += c.retransmissions;
    row.zeroWindowSec += c.zeroWindowSec;
    for (const f of c.findings) if (!row.findings.includes(f)) row.findings.push(f);
    row.close = `${c.close} (the last of ${g.n} on these ports)`;
  }
  return out;
}
