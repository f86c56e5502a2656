/**
 * Rule: what this packet acknowledges (acks_frame, ack_rtt).
 *
 * The packet's raw ack field (whatever the ACK bit) is applied to the other direction's unacked
 * segments: a segment ending exactly at it is "acked by this frame" (the oldest such segment gives
 * acks_frame and ack_rtt = now − its time); segments ending before it are dropped without an RTT;
 * a segment it cuts in two is trimmed to start at it.
 */
import type { PacketContext } from "../context.js";
import type { SegmentStore } from "../segments.js";

export function ackSegments(c: PacketContext, segs: SegmentStore): void {
  segs.ack(c);
  if (segs.ackedFrame >= 0) {
    c.hasTa = true;
    c.acksFrame = segs.ackedFrame;
    c.ackRttNs = c.time - segs.ackedTime;
  }
}
