/**
 * Rule: base sequence numbers (what relative numbers are relative to).
 *
 * The first packet a direction sends fixes its base: the SYN's own sequence number, or seq − 1 for
 * any other packet (so a mid-stream capture starts at relative 1). The other direction's base, if
 * still unknown, is taken from the first packet carrying the ACK bit as ack − 1. Only packets whose
 * segment length is known (not ICMP-quoted, not short) take part.
 */
import { seqSub } from "../../util/seq.js";
import { ACK, SYN, type PacketContext } from "../context.js";
import { BASE, BASE_SEQ_SET, SAW_SYN, SAW_SYNACK, STATIC } from "../flows.js";

export function initBaseSeq(c: PacketContext, st: Float64Array): void {
  const fb = c.fb;
  const fs = st[fb + STATIC]!;
  if ((fs & BASE_SEQ_SET) === 0) {
    let flags = BASE_SEQ_SET;
    if ((c.tcpFlags & SYN) !== 0) {
      st[fb + BASE] = c.seq;
      flags |= (c.tcpFlags & ACK) !== 0 ? SAW_SYNACK : SAW_SYN;
    } else {
      st[fb + BASE] = seqSub(c.seq, 1);
    }
    st[fb + STATIC] = fs | flags;
  }
  const rb = c.rb;
  const rs = st[rb + STATIC]!;
  if ((rs & BASE_SEQ_SET) === 0 && (c.tcpFlags & ACK) !== 0) {
    // Text with relative numbers may know the receiver's ISN although its SYN is not in the input.
    st[rb + BASE] = c.receiverIsn ?? seqSub(c.ack, 1);
    st[rb + STATIC] = rs | BASE_SEQ_SET;
  }
}
