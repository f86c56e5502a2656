/**
 * The "[TCP ...]" tags tshark puts at the front of the Info column for a frame's analysis flags.
 *
 * Wireshark prints the flags in a fixed order — reused ports; retransmission, fast, spurious,
 * out-of-order; lost, ACKed-unseen; window update, window full; keep-alive, keep-alive ACK;
 * duplicate ACK; zero window probe, zero window, zero window probe ACK — and each tag is prepended,
 * so the Info column shows them in the reverse order, e.g.
 * "[TCP ZeroWindowProbeAck] [TCP ZeroWindow]" or "[TCP ACKed unseen segment] [TCP Previous segment
 * not captured]". The TFO flags are expert items only and add no tag.
 */
import type { TcpAnalyzer } from "./analyzer.js";
import { Flag, FrameBit, isPlainRetransmission } from "./flags.js";

/**
 * Tags for `mask` (flags.ts Flag bits) in Info-column order, joined by single spaces ("" if none).
 * `dupAckFrame`/`dupAckNum` fill "[TCP Dup ACK <frame>#<num>]".
 */
export function infoTags(mask: number, dupAckFrame = 0, dupAckNum = 0): string {
  // Print order, as Wireshark emits them; reversed below.
  const printed: string[] = [];
  if (mask & Flag.REUSED_PORTS) printed.push("[TCP Port numbers reused]");
  if (isPlainRetransmission(mask)) printed.push("[TCP Retransmission]");
  if (mask & Flag.FAST_RETRANSMISSION) printed.push("[TCP Fast Retransmission]");
  if (mask & Flag.SPURIOUS_RETRANSMISSION) printed.push("[TCP Spurious Retransmission]");
  if (mask & Flag.OUT_OF_ORDER) printed.push("[TCP Out-Of-Order]");
  if (mask & Flag.LOST_SEGMENT) printed.push("[TCP Previous segment not captured]");
  if (mask & Flag.ACK_LOST_SEGMENT) printed.push("[TCP ACKed unseen segment]");
  if (mask & Flag.WINDOW_UPDATE) printed.push("[TCP Window Update]");
  if (mask & Flag.WINDOW_FULL) printed.push("[TCP Window Full]");
  if (mask & Flag.KEEP_ALIVE) printed.push("[TCP Keep-Alive]");
  if (mask & Flag.KEEP_ALIVE_ACK) printed.push("[TCP Keep-Alive ACK]");
  if (mask & Flag.DUPLICATE_ACK && dupAckNum !== 0) printed.push(`[TCP Dup ACK ${dupAckFrame}#${dupAckNum}]`);
  if (mask & Flag.ZERO_WINDOW_PROBE) printed.push("[TCP ZeroWindowProbe]");
  if (mask & Flag.ZERO_WINDOW) printed.push("[TCP ZeroWindow]");
  if (mask & Flag.ZERO_WINDOW_PROBE_ACK) printed.push("[TCP ZeroWindowProbeAck]");
  return printed.reverse().join(" ");
}

/**
 * The tags tshark shows for a frame (after `finish()`): none for a TCP header quoted inside an ICMP
 * error, whose Info column belongs to the ICMP message.
 */
export function frameInfoTags(a: TcpAnalyzer, frame: number): string {
  if ((a.bits(frame) & FrameBit.IN_ICMP_ERROR) !== 0) return "";
  return infoTags(a.flags(frame), a.dupAckFrame(frame), a.dupAckNum(frame));
}
