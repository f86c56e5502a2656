/**
 * Rule: remember what this direction sent.
 *
 * A segment with data, SYN or FIN joins the direction's unacked list ([seq, seq + len (+1 for
 * SYN/FIN))) unless the list already holds the maximum (then it is counted as a cap hit and — as in
 * Wireshark — the SYN/FIN byte is not counted in the end used below). The direction's next sequence
 * number moves to the segment end if that is beyond it (or it was unknown), and its highest
 * contiguous sequence number moves along when the segment starts exactly there (or it was
 * unknown) — neither for a zero window probe. Finally the packet's raw window, ack, time and
 * analysis flags become the direction's "last" values.
 */
import { seqAdd, seqGt } from "../../util/seq.js";
import { FIN, SYN, type PacketContext, type TcpState } from "../context.js";
import { Flag } from "../flags.js";
import {
  LAST_ACK,
  LAST_ACK_TIME,
  LAST_SEGMENT_FLAGS,
  MAX_SEQ_TO_BE_ACKED,
  NEXT_SEQ,
  NEXT_SEQ_FRAME,
  NEXT_SEQ_TIME,
  WINDOW,
} from "../flows.js";

export function recordSegment(c: PacketContext, st: Float64Array, s: TcpState): void {
  const fb = c.fb;
  let end = seqAdd(c.seq, c.len);
  const synFin = (c.tcpFlags & (SYN | FIN)) !== 0;
  if (c.len !== 0 || synFin) {
    if (s.segs.count(c.fwd) < s.t.maxUnacked) {
      if (synFin) end = seqAdd(end, 1);
      s.segs.add(c, synFin ? 1 : 0);
    } else {
      s.unackedCapHits++;
    }
  }
  if ((c.aflags & Flag.ZERO_WINDOW_PROBE) === 0) {
    const next = st[fb + NEXT_SEQ]!;
    if (next === 0 || seqGt(end, next)) {
      st[fb + NEXT_SEQ] = end;
      st[fb + NEXT_SEQ_FRAME] = c.frame;
      st[fb + NEXT_SEQ_TIME] = c.time;
    }
    const mark = st[fb + MAX_SEQ_TO_BE_ACKED]!;
    if (mark === 0 || c.seq === mark) st[fb + MAX_SEQ_TO_BE_ACKED] = st[fb + NEXT_SEQ]!;
  }
  st[fb + WINDOW] = c.window;
  st[fb + LAST_ACK] = c.ack;
  st[fb + LAST_ACK_TIME] = c.time;
  st[fb + LAST_SEGMENT_FLAGS] = c.aflags;
}
