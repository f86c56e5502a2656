/**
 * Rule: previous segment not captured.
 *
 * The sender's next expected sequence number is known (non-zero) and this packet starts beyond it
 * (wrap-aware), and it is not a RST: some earlier segment of this direction is missing from the
 * capture. Bytes in flight stop being reported for this direction until the peer sends an ACK.
 */
import { seqGt } from "../../util/seq.js";
import { RST, type PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { NEXT_SEQ, VALID_BIF } from "../flows.js";

export function lostSegment(c: PacketContext, st: Float64Array): void {
  const next = st[c.fb + NEXT_SEQ]!;
  if (next !== 0 && seqGt(c.seq, next) && (c.tcpFlags & RST) === 0) {
    c.flag(Flag.LOST_SEGMENT);
    st[c.fb + VALID_BIF] = 0;
  }
}
