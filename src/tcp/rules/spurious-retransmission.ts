/**
 * Rule: spurious retransmission.
 *
 * A data segment that ends at or before the other direction's last ack (raw, must be non-zero):
 * every byte of it was already acknowledged. Checked before fast retransmission and out-of-order,
 * and (unlike them) even when the segment seems to advance the sequence space. Also counts as a
 * retransmission (tcp.analysis.retransmission is printed too).
 */
import { seqAdd, seqLe } from "../../util/seq.js";
import type { PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { LAST_ACK } from "../flows.js";

export function spuriousRetransmission(c: PacketContext, st: Float64Array): boolean {
  const lastAck = st[c.rb + LAST_ACK]!;
  if (c.len > 0 && lastAck !== 0 && seqLe(seqAdd(c.seq, c.len), lastAck)) {
    c.flag(Flag.SPURIOUS_RETRANSMISSION | Flag.RETRANSMISSION);
    return true;
  }
  return false;
}
