/**
 * Rule: ACKed segment that wasn't captured (4.0 variant).
 *
 * The packet has the ACK bit and acknowledges beyond the highest contiguous sequence number seen
 * from the other direction (which must be known, non-zero): data the capture never saw was acked.
 * If the other direction has sent more (its next sequence number is beyond that point), the
 * contiguous mark jumps there and the packet is flagged. Otherwise (the peer is stalled with pure
 * ACKs) the packet is flagged only if the peer's dup-ACK counter is 0, and the counter is set to
 * −1 so the same gap is not reported again until the counter moves.
 */
import { seqGt, seqLt } from "../../util/seq.js";
import { ACK, type PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { DUP_ACK_NUM, MAX_SEQ_TO_BE_ACKED, NEXT_SEQ } from "../flows.js";

export function ackLostSegment(c: PacketContext, st: Float64Array): void {
  const rb = c.rb;
  const mark = st[rb + MAX_SEQ_TO_BE_ACKED]!;
  if (mark === 0 || (c.tcpFlags & ACK) === 0 || !seqGt(c.ack, mark)) return;
  c.hasTa = true;
  const peerNext = st[rb + NEXT_SEQ]!;
  if (seqLt(mark, peerNext)) {
    st[rb + MAX_SEQ_TO_BE_ACKED] = peerNext;
    c.flag(Flag.ACK_LOST_SEGMENT);
  } else {
    if (st[rb + DUP_ACK_NUM] === 0) c.flag(Flag.ACK_LOST_SEGMENT);
    st[rb + DUP_ACK_NUM] = -1;
  }
}
