/**
 * Rule: bytes in flight (default, payload-based method).
 *
 * For a packet with data, while bytes in flight are valid for its direction (no gap since the
 * peer's last ACK) and the direction has unacked segments: the span from the lowest start to the
 * highest end of those segments (as unsigned offsets from the direction's base), minus the bytes in
 * the first three SACK blocks of the peer's last packet, all 32-bit. Reported when it is between 1
 * and 2e9 − 1, less one for SYN/FIN.
 */
import { FIN, SYN, type PacketContext } from "../context.js";
import { BASE, SACK_DELIVERED, VALID_BIF } from "../flows.js";
import type { SegmentStore } from "../segments.js";

export function bytesInFlight(c: PacketContext, st: Float64Array, segs: SegmentStore): void {
  if (c.len === 0 || st[c.fb + VALID_BIF] === 0) return;
  const span = segs.span(c.fwd, st[c.fb + BASE]!);
  if (span < 0) return;
  c.hasTa = true;
  const inFlight = (span - st[c.rb + SACK_DELIVERED]!) >>> 0;
  if (inFlight > 0 && inFlight < 2_000_000_000) {
    c.bytesInFlight = (c.tcpFlags & (SYN | FIN)) !== 0 ? inFlight - 1 : inFlight;
  }
}
