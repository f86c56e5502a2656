/**
 * The TCP analysis columns exactly as tshark prints them with `-T fields` (tcp.stream, tcp.seq,
 * tcp.ack, tcp.window_size and the comma-separated tcp.analysis flag list), for output layers and
 * the oracle comparison. Builds strings: call at output time, not per packet in a hot loop.
 */
import type { TcpAnalyzer } from "./analyzer.js";
import { flagNames, FrameBit } from "./flags.js";

export interface TcpFieldStrings {
  stream: string;
  seq: string;
  ack: string;
  windowSize: string;
  flags: string;
}

/**
 * Strings for one frame (after `finish()`). `ack` and `windowSize` are empty when Wireshark stops
 * before printing them (a data offset below 5).
 */
export function tcpFieldStrings(a: TcpAnalyzer, frame: number): TcpFieldStrings {
  const stream = a.stream(frame);
  if (stream < 0) return { stream: "", seq: "", ack: "", windowSize: "", flags: "" };
  const full = (a.bits(frame) & FrameBit.FULL_HEADER) !== 0;
  return {
    stream: String(stream),
    seq: String(a.seq(frame)),
    ack: full ? String(a.ack(frame)) : "",
    windowSize: full ? String(a.windowSize(frame)) : "",
    flags: flagNames(a.flags(frame)),
  };
}
