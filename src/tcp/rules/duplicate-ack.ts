/**
 * Rule: duplicate ACK.
 *
 * A segment without data repeating the sender's previous raw window (non-zero), seq at the sender's
 * next expected sequence number and ack equal to its previous ack; none of SYN, FIN, RST. The
 * sender's dup-ACK counter goes up by one (from −1, left by an "ACKed unseen segment", it restarts
 * at 1); the packet records the count and the frame of the last ACK that moved the ack number,
 * shown as "[TCP Dup ACK <frame>#<count>]". (Wireshark skips this for MPTCP subflows whose MPTCP
 * operations changed; tcpsleuth does not track MPTCP operations.)
 */
import { SYN_FIN_RST, type PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { DUP_ACK_NUM, LAST_ACK, LAST_NON_DUP_ACK, NEXT_SEQ, WINDOW } from "../flows.js";

export function duplicateAck(c: PacketContext, st: Float64Array): void {
  const fb = c.fb;
  if (
    c.len === 0 &&
    c.window !== 0 &&
    c.window === st[fb + WINDOW] &&
    c.seq === st[fb + NEXT_SEQ] &&
    c.ack === st[fb + LAST_ACK] &&
    (c.tcpFlags & SYN_FIN_RST) === 0
  ) {
    const old = st[fb + DUP_ACK_NUM]!;
    const n = old === -1 ? 1 : old + 1;
    st[fb + DUP_ACK_NUM] = n;
    c.flag(Flag.DUPLICATE_ACK);
    c.dupAckNum = n;
    c.dupAckFrame = st[fb + LAST_NON_DUP_ACK]!;
  }
}
