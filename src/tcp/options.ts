/**
 * Tunables of the per-packet analysis. Defaults reproduce tshark 4.0.17 with default preferences;
 * every threshold carries its unit in its name.
 */
export interface AnalysisOptions {
  /**
   * A segment that repeats data counts as a fast retransmission only when it follows the last
   * packet of the other direction by less than this (Wireshark: 20 ms, fixed).
   */
  fastRetransmitWindowMs: number;
  /**
   * Out-of-order threshold when the conversation has no initial RTT (no SYN → ACK seen).
   * With an iRTT, the iRTT itself is the threshold (Wireshark: 3 ms).
   */
  outOfOrderDefaultMs: number;
  /**
   * Unacknowledged segments remembered per direction; beyond this new segments are not tracked
   * (Wireshark's TCP_MAX_UNACKED_SEGMENTS = 10 000). Bounds memory on one-sided captures.
   */
  maxUnackedSegmentsPerFlow: number;
  /** Test fast retransmission before out-of-order (pref tcp.fastrt_supersedes_ooo, default true). */
  fastRetransmitSupersedesOutOfOrder: boolean;
  /** Compute bytes in flight (pref tcp.track_bytes_in_flight, default true). */
  trackBytesInFlight: boolean;
}

export const DEFAULT_ANALYSIS_OPTIONS: Readonly<AnalysisOptions> = Object.freeze({
  fastRetransmitWindowMs: 20,
  outOfOrderDefaultMs: 3,
  maxUnackedSegmentsPerFlow: 10_000,
  fastRetransmitSupersedesOutOfOrder: true,
  trackBytesInFlight: true,
});

export function resolveOptions(partial: Partial<AnalysisOptions> = {}): AnalysisOptions {
  const o = { ...DEFAULT_ANALYSIS_OPTIONS, ...partial };
  if (!(o.fastRetransmitWindowMs >= 0)) throw new RangeError("fastRetransmitWindowMs must be >= 0");
  if (!(o.outOfOrderDefaultMs >= 0)) throw new RangeError("outOfOrderDefaultMs must be >= 0");
  if (!Number.isInteger(o.maxUnackedSegmentsPerFlow) || o.maxUnackedSegmentsPerFlow < 0) {
    throw new RangeError("maxUnackedSegmentsPerFlow must be a non-negative integer");
  }
  return o;
}
