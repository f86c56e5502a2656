/**
 * Rule: retransmission (the fallback of the family) and its RTO.
 *
 * A segment that does not advance the sequence space and was neither spurious, fast nor
 * out-of-order. Its RTO is the time since the oldest segment of this direction still unacked
 * (rto_frame = that segment's frame); with none unacked, the time since the segment that last
 * advanced the next sequence number. (4.0: the oldest unacked segment overall, not the oldest at or
 * after this seq — so the RTO of a later retransmission is cumulative since the first loss.)
 */
import type { PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { NEXT_SEQ_FRAME, NEXT_SEQ_TIME } from "../flows.js";
import type { SegmentStore } from "../segments.js";

export function retransmission(
  c: PacketContext,
  st: Float64Array,
  segs: SegmentStore,
  notAdvanced: boolean,
): void {
  if (!notAdvanced) return;
  c.flag(Flag.RETRANSMISSION);
  const oldest = segs.oldest(c.fwd);
  if (oldest >= 0) {
    c.rtoNs = c.time - segs.timeOf(oldest);
    c.rtoFrame = segs.frameOf(oldest);
  } else {
    c.rtoNs = c.time - st[c.fb + NEXT_SEQ_TIME]!;
    c.rtoFrame = st[c.fb + NEXT_SEQ_FRAME]!;
  }
}
