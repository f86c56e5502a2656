/**
 * Rule: a new ack number ends a duplicate-ACK series.
 *
 * Whenever the packet's ack differs from the sender's previous ack, this frame becomes the
 * reference "last non-duplicate ACK" and the sender's dup-ACK counter restarts at 0. Runs for
 * every analysed packet, after the window/keep-alive/dup-ACK checks (also after a probe).
 */
import type { PacketContext } from "../context.js";
import { DUP_ACK_NUM, LAST_ACK, LAST_NON_DUP_ACK } from "../flows.js";

export function ackChanged(c: PacketContext, st: Float64Array): void {
  const fb = c.fb;
  if (c.ack !== st[fb + LAST_ACK]) {
    st[fb + LAST_NON_DUP_ACK] = c.frame;
    st[fb + DUP_ACK_NUM] = 0;
  }
}
