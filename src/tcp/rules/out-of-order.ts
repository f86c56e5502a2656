/**
 * Rule: out-of-order (4.0 variant).
 *
 * A segment that does not advance the sequence space, sent less than a threshold after the
 * segment that last advanced this direction's next sequence number, and that does not itself end
 * exactly at that next sequence number (seq + len, +1 for SYN/FIN). The threshold is the
 * conversation's initial RTT, or 3 ms without one. Times are compared as unsigned 64-bit numbers
 * (a negative difference never qualifies; a negative iRTT admits everything non-negative).
 */
import { seqAdd } from "../../util/seq.js";
import { FIN, SYN, type PacketContext, type Thresholds } from "../context.js";
import { Flag } from "../flags.js";
import { NEXT_SEQ, NEXT_SEQ_TIME } from "../flows.js";
import { lessAsUnsigned64 } from "../time.js";

export function outOfOrder(
  c: PacketContext,
  st: Float64Array,
  t: Thresholds,
  initialRttNs: number,
  notAdvanced: boolean,
): boolean {
  if (!notAdvanced) return false;
  const fb = c.fb;
  const threshold = Number.isNaN(initialRttNs) ? t.outOfOrderDefaultNs : initialRttNs;
  const end = seqAdd(c.seq, c.len + ((c.tcpFlags & (SYN | FIN)) !== 0 ? 1 : 0));
  if (lessAsUnsigned64(c.time - st[fb + NEXT_SEQ_TIME]!, threshold) && st[fb + NEXT_SEQ] !== end) {
    c.flag(Flag.OUT_OF_ORDER);
    return true;
  }
  return false;
}
