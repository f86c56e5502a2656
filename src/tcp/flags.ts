/**
 * Analysis flag bits, one per `tcp.analysis.<name>` field that tshark can print, numbered in the
 * fixed output order of the oracle TSV (shared/corpus/ORACLE.md). The bitmask is what the per-frame
 * `flags` column holds.
 *
 * Output semantics, not Wireshark's internal ones: a fast or spurious retransmission also carries
 * RETRANSMISSION (tshark prints the generic `tcp.analysis.retransmission` item for all three), so a
 * filter on RETRANSMISSION matches exactly what `tcp.analysis.retransmission` matches. Use
 * `isPlainRetransmission` to tell the generic kind apart (the Info column does).
 */
export const Flag = {
  RETRANSMISSION: 1 << 0,
  FAST_RETRANSMISSION: 1 << 1,
  SPURIOUS_RETRANSMISSION: 1 << 2,
  OUT_OF_ORDER: 1 << 3,
  LOST_SEGMENT: 1 << 4,
  ACK_LOST_SEGMENT: 1 << 5,
  DUPLICATE_ACK: 1 << 6,
  WINDOW_UPDATE: 1 << 7,
  WINDOW_FULL: 1 << 8,
  ZERO_WINDOW: 1 << 9,
  ZERO_WINDOW_PROBE: 1 << 10,
  ZERO_WINDOW_PROBE_ACK: 1 << 11,
  KEEP_ALIVE: 1 << 12,
  KEEP_ALIVE_ACK: 1 << 13,
  REUSED_PORTS: 1 << 14,
  TFO_SYN: 1 << 15,
  TFO_ACK: 1 << 16,
  TFO_IGNORED: 1 << 17,
} as const;

/** All 18 analysis bits. */
export const ALL_FLAGS = (1 << 18) - 1;

/** Field names (`tcp.analysis.<name>`), index i ↔ bit 1 << i, in oracle output order. */
export const FLAG_NAMES: readonly string[] = [
  "retransmission",
  "fast_retransmission",
  "spurious_retransmission",
  "out_of_order",
  "lost_segment",
  "ack_lost_segment",
  "duplicate_ack",
  "window_update",
  "window_full",
  "zero_window",
  "zero_window_probe",
  "zero_window_probe_ack",
  "keep_alive",
  "keep_alive_ack",
  "reused_ports",
  "tfo_syn",
  "tfo_ack",
  "tfo_ignored",
];

/**
 * Bits above the 18 analysis flags, kept in the same per-frame word. They describe what tshark
 * would print for the frame rather than an anomaly.
 */
export const FrameBit = {
  /** The TCP segment length is known (tcp.len is printed) and sequence analysis ran on it. */
  HAS_SEGLEN: 1 << 24,
  /** Wireshark keeps an analysis record for the frame (the [SEQ/ACK analysis] tree exists). */
  HAS_TA: 1 << 25,
  /** The TCP header is quoted inside an ICMP/ICMPv6 error: stream assigned, no analysis. */
  IN_ICMP_ERROR: 1 << 26,
  /** Data offset >= 5: Wireshark goes on past the header checks (ack, window, flags are printed). */
  FULL_HEADER: 1 << 27,
  /**
   * tshark prints no tcp.analysis items for the frame although it analysed it: its option walk
   * stopped with an exception (cut header, empty SACK option; the TFO items, printed earlier, stay)
   * or the data offset is below 5 (nothing after the seq field is printed).
   */
  ANALYSIS_HIDDEN: 1 << 28,
  /**
   * For an ICMP-quoted header: tshark's second pass re-flagged it as a SYN-ACK with a new ISN and so
   * holds its analysis record; otherwise it looks the record up under seq + base, a key never
   * stored, and prints nothing.
   */
  ICMP_RECORD_HELD: 1 << 29,
} as const;

/** Whether tshark prints the frame's tcp.analysis items (see ANALYSIS_HIDDEN, ICMP_RECORD_HELD). */
export function analysisPrinted(bits: number): boolean {
  if ((bits & (FrameBit.ANALYSIS_HIDDEN | FrameBit.FULL_HEADER)) !== FrameBit.FULL_HEADER) return false;
  return (bits & FrameBit.IN_ICMP_ERROR) === 0 || (bits & FrameBit.ICMP_RECORD_HELD) !== 0;
}

/** Flags tshark still prints when ANALYSIS_HIDDEN is set. */
export const FLAGS_SHOWN_WHEN_HIDDEN = (1 << 15) | (1 << 16) | (1 << 17);

/** Comma-separated flag names in oracle order ("" when none). */
export function flagNames(mask: number): string {
  let out = "";
  for (let i = 0; i < FLAG_NAMES.length; i++) {
    if ((mask & (1 << i)) !== 0) out = out === "" ? FLAG_NAMES[i]! : `${out},${FLAG_NAMES[i]}`;
  }
  return out;
}

/** Parses the oracle's comma-separated flag list into a mask (unknown names are ignored). */
export function parseFlagNames(list: string): number {
  let mask = 0;
  if (list === "") return 0;
  for (const name of list.split(",")) {
    const i = FLAG_NAMES.indexOf(name.trim());
    if (i >= 0) mask |= 1 << i;
  }
  return mask;
}

/** A retransmission that is neither fast nor spurious (Info shows "[TCP Retransmission]"). */
export function isPlainRetransmission(mask: number): boolean {
  return (
    (mask & Flag.RETRANSMISSION) !== 0 &&
    (mask & (Flag.FAST_RETRANSMISSION | Flag.SPURIOUS_RETRANSMISSION)) === 0
  );
}
