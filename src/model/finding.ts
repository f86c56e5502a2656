/**
 * Findings: the contract of ../shared/FINDINGS.md. Diagnosis rules compute typed findings with their
 * facts; the words (summary, explanation, next step) are phrased from those facts by render/.
 * Ids are stable: never renamed, only deprecated.
 */

export const FINDING_IDS = [
  "handshake.synack-bad-ack",
  "handshake.challenge-ack",
  "handshake.no-response",
  "handshake.refused",
  "conn.stale-half-open",
  "conn.port-reuse",
  "data.receiver-silent",
  "conn.reset",
  "flow.zero-window",
  "path.loss",
  "capture.incomplete",
  "middlebox.injected",
  "middlebox.dropped",
  "middlebox.idle-timeout",
  "middlebox.suspicious-packet",
  "analysis.limit-reached",
  "healthy",
] as const;

export type FindingId = (typeof FINDING_IDS)[number];
export type Severity = "error" | "warning" | "info";

/** Frame evidence in one file (two-capture findings list one entry per file). */
export interface FileFrames {
  file: string;
  frames: number[];
}

/** A number, string, boolean or list of them: the facts a finding was computed from. */
export type FactValue = number | string | boolean | null | number[] | string[];

export interface Finding {
  id: FindingId;
  severity: Severity;
  /** `ip:port`, `ip`, `[v6]:port`, or null when it cannot be told. */
  culprit: string | null;
  /** Wireshark tcp.stream index where one applies. */
  stream: number | null;
  /** Evidence: 1-based Wireshark frame numbers, most telling first. */
  frames: number[] | FileFrames[];
  /** How sure the rule is: "high" (the packets prove it), "medium", "low" (a hint). */
  confidence: "high" | "medium" | "low";
  /** The numbers the finding rests on (counts, durations in seconds, intervals, addresses). */
  facts: Record<string, FactValue>;
  /** Optional short notes pinned to evidence frames in the diagrams, e.g. { frame: 4, text: "should be Ack=1" }. */
  annotations?: { frame: number; text: string }[];
  /** Phrased by render/ from the facts. */
  summary: string;
  explanation: string;
  next: string;
}
