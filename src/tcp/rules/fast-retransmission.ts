/**
 * Rule: fast retransmission (4.0: duplicate-ACK based only).
 *
 * A segment that does not advance the sequence space, starting exactly at the other direction's
 * last ack after at least two duplicate ACKs from it, sent less than the fast-retransmit window
 * (20 ms) after the other direction's last packet. The time difference is compared as an unsigned
 * 64-bit number, so a packet timestamped before that packet never qualifies. The dup-ACK counter
 * is unsigned in Wireshark, so the −1 left by an "ACKed unseen segment" also counts as ≥ 2. Also
 * counts as a retransmission.
 */
import type { PacketContext, Thresholds } from "../context.js";
import { Flag } from "../flags.js";
import { DUP_ACK_NUM, LAST_ACK, LAST_ACK_TIME } from "../flows.js";
import { lessAsUnsigned64 } from "../time.js";

export function fastRetransmission(
  c: PacketContext,
  st: Float64Array,
  t: Thresholds,
  notAdvanced: boolean,
): boolean {
  const rb = c.rb;
  const dups = st[rb + DUP_ACK_NUM]!;
  if (
    notAdvanced &&
    (dups >= 2 || dups === -1) &&
    st[rb + LAST_ACK] === c.seq &&
    lessAsUnsigned64(c.time - st[rb + LAST_ACK_TIME]!, t.fastRetransmitWindowNs)
  ) {
    c.flag(Flag.FAST_RETRANSMISSION | Flag.RETRANSMISSION);
    return true;
  }
  return false;
}
