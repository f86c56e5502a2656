/**
 * The two-point correlation report: what `tcpsleuth correlate --json A B` prints (version 1), and the
 * options of the correlation. Plain data, JSON-serialisable; render/ reads these types with
 * `import type` and phrases the findings.
 *
 * Conventions: "A" is the first capture given, "B" the second. Times are seconds. The clock offset
 * is B's clock minus A's clock: a packet stamped t in A is stamped about t + clockOffsetSec (plus its
 * transit through the box, or minus it when it travels from B's side to A's side) in B.
 */
import type { Finding } from "../../model/finding.js";

export const CORRELATE_REPORT_VERSION = 1;

export interface CorrelateOptions {
  /** Largest believable one-way transit through the box plus clock-estimate error (s). Default 1. */
  maxTransitSec?: number;
  /** Known clock offset (B minus A, s): skips the estimate. */
  clockOffsetSec?: number;
  /** Shortest idle gap before a blocked packet that counts as an idle timeout (s). Default 2. */
  idleTimeoutMinSec?: number;
  /** Frames listed per file in an aggregated finding (the facts keep the counts). Default 2000. */
  maxFramesPerFinding?: number;
  /** Include `packetList`, one entry per TCP packet of both files (big). Default false. */
  packetList?: boolean;
  /** Findings that get a side-by-side ladder in `details` (default 6). */
  maxLadders?: number;
}

export interface CorrelateFileMeta {
  /** The file's base name as given (the `file` of FileFrames). */
  file: string;
  format: string;
  packets: number;
  tcpPackets: number;
  firstTs: number | null;
  lastTs: number | null;
  durationSec: number | null;
  skipped: { reason: string; count: number }[];
  problems: string[];
}

export interface DelayStats {
  packets: number;
  medianSec: number | null;
  p95Sec: number | null;
  maxSec: number | null;
}

/** One connection as both captures show it. */
export interface ConnectionMapping {
  streamA: number;
  streamB: number;
  /** "client" = the SYN sender; without a SYN in either file, the first sender in A. */
  clientA: string;
  serverA: string;
  clientB: string;
  serverB: string;
  /** Which endpoint sits on A's side of the box ("client" or "server"), and how that was told. */
  aSide: "client" | "server";
  aSideFrom: "ttl" | "timing" | "assumed";
  /** Constant added to A's sequence numbers to get B's (mod 2^32), per direction; null = not learnt. */
  seqOffset: { clientToServer: number | null; serverToClient: number | null };
  /** Addresses or ports the box rewrote. */
  nat: { client: boolean; server: boolean };
  packetsA: number;
  packetsB: number;
  bothSides: number;
  onlyA: number;
  onlyB: number;
}

export interface UnpairedConnection {
  stream: number;
  client: string;
  server: string;
  packets: number;
  /** "not-through-box" (it never needed the box), "blocked" (it should have crossed), "outside-overlap". */
  reason: string;
}

/** One packet in a side-by-side ladder. */
export interface CorrelateLadderPacket {
  frame: number;
  /** Seconds since the ladder's first row, on A's clock (B's times are corrected by the offset). */
  rel: number;
  /** "c2s" client → server, "s2c" server → client. */
  dir: "c2s" | "s2c";
  flags: string;
  /** Relative to the sender's first sequence number in that file (equal on both sides when matched). */
  seq: number;
  ack: number;
  len: number;
  ttl: number;
}

export interface CorrelateLadderRow {
  a: CorrelateLadderPacket | null;
  b: CorrelateLadderPacket | null;
  /** One-way transit of a packet seen on both sides (clock-corrected, s), else null. */
  transitSec: number | null;
  /** What this row shows: "crossed", "dropped", "injected", "blocked", "capture-loss", "other". */
  status: string;
  /** Part of the finding's evidence. */
  evidence: boolean;
  /** Idle time before this row, when it is long enough to mention (s). */
  gapBeforeSec?: number;
  /** Packets of the connection left out just before this row (the ladder jumps ahead). */
  skippedBefore?: number;
  /** A short remark, e.g. "resent" for the retransmission of a dropped packet. */
  note?: string;
}

export interface CorrelateLadder {
  /** Index of the finding in `findings`. */
  finding: number;
  /** When the ladder's time 0 is (A's clock, seconds since the Unix epoch): for device logs. */
  startTs: number;
  streamA: number | null;
  streamB: number | null;
  clientA: string;
  serverA: string;
  clientB: string;
  serverB: string;
  rows: CorrelateLadderRow[];
  /** Rows of this connection left out before and after the window shown. */
  omittedBefore: number;
  omittedAfter: number;
}

export interface CorrelationReport {
  version: typeof CORRELATE_REPORT_VERSION;
  tool: { name: "tcpsleuth"; version: string };
  files: [CorrelateFileMeta, CorrelateFileMeta];
  verdict: "healthy" | "error" | "warning" | "info";
  headline: string;
  /** B's clock minus A's clock (s); null when nothing could be matched. */
  clockOffsetSec: number | null;
  clockOffset: {
    method: "given" | "matched-packets" | "anchors" | "assumed-zero";
    /** Packets the estimate rests on. */
    samples: number;
    note: string;
  };
  /** The device in between as the captures show it. */
  box: { addresses: string[]; addressA: string | null; addressB: string | null; nat: boolean };
  mapping: ConnectionMapping[];
  unpaired: { a: UnpairedConnection[]; b: UnpairedConnection[] };
  findings: Finding[];
  packets: {
    bothSides: number;
    onlyA: number;
    onlyB: number;
    /** How the packets seen on one side only were classified. */
    classified: Record<string, number>;
  };
  transitDelay: { aToB: DelayStats; bToA: DelayStats; note: string };
  checked: string[];
  details: CorrelateLadder[];
  /** With the `packetList` option: [frameA or null, frameB or null, transit s or null, status]. */
  packetList?: [number | null, number | null, number | null, string][];
}
