/**
 * Rule: zero window probe ACK.
 *
 * A segment without data that repeats a zero raw window (the sender's previous window was 0 too),
 * with seq at the sender's next expected sequence number and ack equal to its previous ack (4.0:
 * exactly equal, not +1), right after the other direction's last packet was a zero window probe;
 * none of SYN, FIN, RST. When it fires the duplicate-ACK check is skipped.
 */
import { SYN_FIN_RST, type PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { LAST_ACK, LAST_SEGMENT_FLAGS, NEXT_SEQ, WINDOW } from "../flows.js";

export function zeroWindowProbeAck(c: PacketContext, st: Float64Array): boolean {
  const fb = c.fb;
  if (
    c.len === 0 &&
    c.window === 0 &&
    st[fb + WINDOW] === 0 &&
    c.seq === st[fb + NEXT_SEQ] &&
    c.ack === st[fb + LAST_ACK] &&
    (st[c.rb + LAST_SEGMENT_FLAGS]! & Flag.ZERO_WINDOW_PROBE) !== 0 &&
    (c.tcpFlags & SYN_FIN_RST) === 0
  ) {
    c.flag(Flag.ZERO_WINDOW_PROBE_ACK);
    return true;
  }
  return false;
}
