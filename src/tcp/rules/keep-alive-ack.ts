/**
 * Rule: keep-alive ACK.
 *
 * A segment without data repeating the sender's previous raw window (non-zero), seq at the
 * sender's next expected sequence number and ack equal to its previous ack, right after the other
 * direction's last packet was a keep-alive; none of SYN, FIN, RST. When it fires, the zero-window-
 * probe-ACK and duplicate-ACK checks are skipped.
 */
import { SYN_FIN_RST, type PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { LAST_ACK, LAST_SEGMENT_FLAGS, NEXT_SEQ, WINDOW } from "../flows.js";

export function keepAliveAck(c: PacketContext, st: Float64Array): boolean {
  const fb = c.fb;
  if (
    c.len === 0 &&
    c.window !== 0 &&
    c.window === st[fb + WINDOW] &&
    c.seq === st[fb + NEXT_SEQ] &&
    c.ack === st[fb + LAST_ACK] &&
    (st[c.rb + LAST_SEGMENT_FLAGS]! & Flag.KEEP_ALIVE) !== 0 &&
    (c.tcpFlags & SYN_FIN_RST) === 0
  ) {
    c.flag(Flag.KEEP_ALIVE_ACK);
    return true;
  }
  return false;
}
