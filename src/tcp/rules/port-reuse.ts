/**
 * Rule: port numbers reused (SYN with a new ISN).
 *
 * A SYN without ACK on a conversation whose sending direction already has a base sequence number:
 * if its sequence number differs from that base, a new conversation (new tcp.stream) starts on
 * the same addresses and ports and the SYN is flagged "TCP Port numbers reused". If it is the same
 * ISN it is a retransmitted SYN: the direction's next expected sequence number is pulled back to
 * the highest contiguous one (a RST may have carried seq = the received ack, Wireshark #17616),
 * so that the SYN is classified as a retransmission later. (4.0.17 does not flag this case reused.)
 *
 * Returns true when the caller must start a new conversation and re-select the flows.
 */
import { ACK, SYN, type PacketContext } from "../context.js";
import { BASE, BASE_SEQ_SET, MAX_SEQ_TO_BE_ACKED, NEXT_SEQ, STATIC } from "../flows.js";

export function synStartsNewConversation(c: PacketContext, st: Float64Array): boolean {
  if ((c.tcpFlags & (SYN | ACK)) !== SYN) return false;
  const fb = c.fb;
  if ((st[fb + STATIC]! & BASE_SEQ_SET) === 0) return false;
  if (c.seq !== st[fb + BASE]) return true;
  st[fb + NEXT_SEQ] = st[fb + MAX_SEQ_TO_BE_ACKED]!;
  c.hasTa = true;
  return false;
}
