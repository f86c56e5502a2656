/**
 * Rule: initial RTT (iRTT) and the "first ACK" window state.
 *
 * Every SYN without ACK records its time as the conversation's most recent SYN (a SYN exactly at
 * the epoch counts as no time, as in Wireshark) and marks its direction as not having ACKed yet
 * (its SYN window is unscaled); a SYN-ACK marks its direction the same way. The first packet of the
 * conversation with ACK and without SYN, after a SYN time is known, fixes iRTT = its time − that SYN
 * time (a zero result counts as unknown). Any packet with ACK and without SYN ends its direction's
 * "first ACK" state. Runs after the sequence analysis of the packet.
 */
import { ACK, SYN, type PacketContext, type TcpState } from "../context.js";
import { IS_FIRST_ACK } from "../flows.js";

export function initialRtt(c: PacketContext, st: Float64Array, s: TcpState): void {
  const synAck = c.tcpFlags & (SYN | ACK);
  if ((c.tcpFlags & SYN) !== 0) {
    if ((c.tcpFlags & ACK) === 0) s.mruSyn[c.conv] = c.timeIsZero ? Number.NaN : c.time;
    st[c.fb + IS_FIRST_ACK] = 1;
  } else if (synAck === ACK) {
    const syn = s.mruSyn[c.conv]!;
    if (!Number.isNaN(syn) && Number.isNaN(s.firstRtt[c.conv]!)) {
      const rtt = c.time - syn;
      if (rtt !== 0) s.firstRtt[c.conv] = rtt;
    }
    st[c.fb + IS_FIRST_ACK] = 0;
  }
}
