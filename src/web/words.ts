/**
 * The words and number formats the pages share. Finding titles come from the HTML report's
 * src/render/report-common.ts (pure data and functions, bundled by Vite), so the app and the reports
 * never name a finding differently.
 */
import type { Finding, Severity } from "../model/finding.js";
import {
  FINDING_TITLES,
  formatBytes as reportBytes,
  formatDuration as reportDuration,
  verdictWords as reportVerdictWords,
} from "../render/report-common.js";

export { FINDING_TITLES };

export function findingTitle(id: string): string {
  return (FINDING_TITLES as Record<string, string>)[id] ?? id;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Most important first; a stable sort keeps the rules' own order within a severity. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .filter((f) => f.id !== "healthy")
    .sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity]);
}

export type Tone = "ok" | Severity | "neutral";

/** The report's verdict wording, and "not analysed yet" while there is no verdict. */
export function verdictWords(verdict: string | undefined): { label: string; tone: Tone; symbol: string } {
  if (verdict === "healthy" || verdict === "error" || verdict === "warning" || verdict === "info")
    return reportVerdictWords({ verdict });
  return { label: "NOT ANALYSED YET", tone: "neutral", symbol: "…" };
}

export const SEVERITY_WORD: Record<Severity, string> = { error: "ERROR", warning: "WARNING", info: "NOTE" };

/** For a note the endpoint is only involved, not to blame (e.g. a client correctly resetting a bogus SYN-ACK). */
export function culpritLabel(f: Finding): string {
  return f.severity === "info" ? "Endpoint involved" : "Who is at fault";
}

export function flatFrames(f: Pick<Finding, "frames">): number[] {
  const fr = f.frames as (number | FileFramesLike)[];
  return fr.flatMap((x) => (typeof x === "number" ? [x] : x.frames));
}

interface FileFramesLike {
  file: string;
  frames: number[];
}

/** Frames per file for two-capture evidence ([] when the finding has plain frame numbers). */
export function fileFrames(f: Pick<Finding, "frames">): FileFramesLike[] {
  const fr = f.frames as (number | FileFramesLike)[];
  return fr.filter((x): x is FileFramesLike => typeof x === "object" && x !== null);
}

/** The report's duration wording ("12.3 ms", "2 min 5 s"); "–" when there is no value. */
export function formatDuration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return "–";
  return sec === 0 ? "0 s" : reportDuration(sec);
}

/** The report's byte wording ("1.4 KiB"); "–" when there is no value. */
export function formatBytes(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "–" : reportBytes(n);
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : n.toLocaleString("en-US");
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "3 min ago", "yesterday 14:05", or a date: when an analysis was made. */
export function formatWhen(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const s = (now - t) / 1000;
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const d = new Date(t);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** Plain meaning of Wireshark's tcp.analysis flag names, for the packet details line. */
export const ANALYSIS_WORDS: Record<string, string> = {
  retransmission:
    "Retransmission: this data was sent before and is sent again (the first copy was lost or not acknowledged in time).",
  fast_retransmission:
    "Fast retransmission: resent quickly because the receiver reported a gap with duplicate ACKs.",
  spurious_retransmission: "Spurious retransmission: data the receiver had already acknowledged, sent again.",
  out_of_order: "Out of order: arrived later than packets sent after it.",
  lost_segment:
    "Previous segment not captured: a gap in the sequence numbers; a packet before this one was lost or not captured.",
  ack_lost_segment: "ACKed unseen segment: acknowledges data the capture never saw.",
  duplicate_ack:
    "Duplicate ACK: the receiver repeats its last acknowledgement, usually because something is missing.",
  zero_window: "Zero window: the receiver says its buffer is full — the sender must stop.",
  zero_window_probe: "Zero window probe: the sender checks whether the receiver has room again.",
  zero_window_probe_ack: "Zero window probe ACK: the receiver answers a probe (still full, or not).",
  window_full: "Window full: the sender filled everything the receiver allowed; it has to wait.",
  window_update: "Window update: the receiver has room again.",
  keep_alive: "Keep-alive: an empty packet to check the other side is still there.",
  keep_alive_ack: "Keep-alive ACK: the answer to a keep-alive.",
  reused_ports: "Port numbers reused: a new connection with the same addresses and ports as an earlier one.",
};

export const COLOR_WORDS: { color: string; label: string }[] = [
  { color: "tcp", label: "normal TCP" },
  { color: "syn", label: "opening or closing (SYN / FIN)" },
  { color: "rst", label: "reset (RST)" },
  { color: "bad", label: "TCP problem (retransmission, duplicate ACK, zero window …)" },
];

/** Headings for compare's difference kinds, in words for someone who has not seen TCP before. */
export const DIFFERENCE_TITLES: Record<string, string> = {
  close: "How the connection ended",
  finding: "A problem found in only one capture",
  "zero-window": "Receiver's buffer full (zero window)",
  retransmissions: "Data sent twice (retransmissions)",
  "handshake-options": "Settings agreed when connecting",
  bytes: "How much data was sent",
  push: "PSH flags at the end",
  duration: "How long the connection lasted",
};
