/**
 * Rule group: which kind of retransmission (if any) a segment is.
 *
 * Only segments with data, SYN or FIN are examined, and never a keep-alive. A segment "does not
 * advance" when this direction's next sequence number is known and the segment starts before it —
 * except a segment of more than one byte starting exactly one byte before it (new data following
 * a zero-window probe byte). Spurious is checked first (see its rule), then fast retransmission and
 * out-of-order in the order the options say (fast first by default), then plain retransmission.
 */
import { seqLt, seqSub } from "../../util/seq.js";
import { FIN, SYN, type PacketContext, type TcpState } from "../context.js";
import { Flag } from "../flags.js";
import { NEXT_SEQ } from "../flows.js";
import { fastRetransmission } from "./fast-retransmission.js";
import { outOfOrder } from "./out-of-order.js";
import { retransmission } from "./retransmission.js";
import { spuriousRetransmission } from "./spurious-retransmission.js";

export function classifyRetransmission(c: PacketContext, st: Float64Array, s: TcpState): void {
  if (c.len === 0 && (c.tcpFlags & (SYN | FIN)) === 0) return;
  if ((c.aflags & Flag.KEEP_ALIVE) !== 0) return;
  const next = st[c.fb + NEXT_SEQ]!;
  let notAdvanced = next !== 0 && seqLt(c.seq, next);
  if (c.len > 1 && seqSub(next, 1) === c.seq) notAdvanced = false;
  if (spuriousRetransmission(c, st)) return;
  const t = s.t;
  const irtt = s.firstRtt[c.conv]!;
  if (t.fastFirst) {
    if (fastRetransmission(c, st, t, notAdvanced)) return;
    if (outOfOrder(c, st, t, irtt, notAdvanced)) return;
  } else {
    if (outOfOrder(c, st, t, irtt, notAdvanced)) return;
    if (fastRetransmission(c, st, t, notAdvanced)) return;
  }
  retransmission(c, st, s.segs, notAdvanced);
}
