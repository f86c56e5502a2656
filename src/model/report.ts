/**
 * The diagnosis report: what `tcpsleuth diagnose --json` prints (schema version 1) and what every
 * renderer (terminal, Markdown, HTML) draws from. Plain data, JSON-serialisable.
 */
import type { Finding } from "./finding.js";

export const REPORT_VERSION = 1;

/** One packet as the evidence diagrams show it. */
export interface PacketView {
  frame: number;
  /** Seconds since the Unix epoch (float), and since the connection's first packet. */
  ts: number;
  rel: number;
  /** Sender: "a" is the connection's client (or first sender), "b" the other end. */
  from: "a" | "b";
  /** TCP flags as Wireshark lists them, e.g. "SYN, ACK". */
  flags: string;
  seq: number;
  ack: number;
  /** Absolute (raw) numbers. */
  seqRaw: number;
  ackRaw: number;
  len: number;
  /** Calculated window (scaled when the scale is known). */
  win: number;
  /** Wireshark's [TCP ...] tags for this frame, e.g. "[TCP Retransmission]". */
  tags: string;
}

/** A connection's packets for the ladder and time-sequence diagrams (bounded: see `truncated`). */
export interface ConnectionDetail {
  stream: number;
  a: string;
  b: string;
  packets: PacketView[];
  /** Packets of the connection left out of `packets` (the cap keeps the first and last ones). */
  truncated: number;
  /** Where they were left out: index in `packets` of the first packet after the cut (optional). */
  truncatedAt?: number;
}

export interface ConnectionRow {
  stream: number | null;
  uid: number;
  client: string;
  server: string;
  state: string;
  history: string;
  startTs: number;
  durationSec: number;
  packets: number;
  bytesClientToServer: number;
  bytesServerToClient: number;
  retransmissions: number;
  zeroWindowSec: number;
  close: string;
  findings: string[];
}

export interface CaptureMeta {
  file: string;
  format: string;
  packets: number;
  tcpPackets: number;
  firstTs: number | null;
  lastTs: number | null;
  durationSec: number | null;
  /** Frames not analysed, by reason (nothing is skipped silently). */
  skipped: { reason: string; count: number }[];
  problems: string[];
  /** Where the capture seems to have been taken: "client", "server", "middle" or "unknown", per connection majority. */
  vantage: string;
  /** Present when the input was text (a paste of Wireshark, tshark or tcpdump lines), not a capture file. */
  textInput?: TextInputInfo;
}

/**
 * What a report made from text could and could not know. Text is rebuilt into packets; what it does
 * not show (ISNs behind relative numbers, filtered-out traffic, IP IDs, TTLs, payload) is named in
 * `caveats`, together with the findings of this report that are weaker for it.
 */
export interface TextInputInfo {
  /** "tshark", "Wireshark packet list", "tcpdump", ... */
  format: string;
  /** How the text printed sequence numbers (as the report assumed them). */
  numbering: "relative" | "absolute" | "unknown";
  /** Non-blank lines in the text. */
  linesRead: number;
  /** Lines not used, by reason (other protocols, prose, column headers, ...). */
  linesSkipped: { reason: string; count: number }[];
  caveats: string[];
}

export interface DiagnosisReport {
  version: typeof REPORT_VERSION;
  tool: { name: "tcpsleuth"; version: string };
  capture: CaptureMeta;
  /** "healthy", or the most severe finding's severity. */
  verdict: "healthy" | "error" | "warning" | "info";
  /** One line: what is wrong and who is at fault, or that nothing is. */
  headline: string;
  findings: Finding[];
  /** What was checked (for a healthy verdict, and for trust). */
  checked: string[];
  connections: ConnectionRow[];
  /** Packets of the connections named by findings, for diagrams. */
  details: ConnectionDetail[];
}
