/**
 * Rule: keep-alive.
 *
 * A segment carrying 0 or 1 byte that starts one byte before the sender's next expected sequence
 * number (nextseq − 1, 32-bit wrap), with none of SYN, FIN, RST. A keep-alive is never also
 * classified as a retransmission.
 */
import { seqSub } from "../../util/seq.js";
import { SYN_FIN_RST, type PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { NEXT_SEQ } from "../flows.js";

export function keepAlive(c: PacketContext, st: Float64Array): void {
  if (
    (c.len === 0 || c.len === 1) &&
    c.seq === seqSub(st[c.fb + NEXT_SEQ]!, 1) &&
    (c.tcpFlags & SYN_FIN_RST) === 0
  ) {
    c.flag(Flag.KEEP_ALIVE);
  }
}
