/**
 * Rule: window update.
 *
 * A segment without data whose raw window is non-zero and differs from the sender's previous raw
 * window, while its seq equals the sender's next expected sequence number and its ack equals the
 * sender's previous ack; none of SYN, FIN, RST.
 */
import { SYN_FIN_RST, type PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { LAST_ACK, NEXT_SEQ, WINDOW } from "../flows.js";

export function windowUpdate(c: PacketContext, st: Float64Array): void {
  const fb = c.fb;
  if (
    c.len === 0 &&
    c.window !== 0 &&
    c.window !== st[fb + WINDOW] &&
    c.seq === st[fb + NEXT_SEQ] &&
    c.ack === st[fb + LAST_ACK] &&
    (c.tcpFlags & SYN_FIN_RST) === 0
  ) {
    c.flag(Flag.WINDOW_UPDATE);
  }
}
