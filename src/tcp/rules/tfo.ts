/**
 * Rule: TCP Fast Open.
 *
 * tfo_syn: a SYN without ACK carrying a TFO cookie (not a mere cookie request); if it also carries
 * data, the conversation remembers "SYN had TFO data". tfo_ack and tfo_ignored are decided when
 * tshark prints (display.ts): a SYN-ACK whose relative ack is above 1 acknowledges SYN data
 * (tfo_ack); otherwise, if the conversation saw a SYN with TFO data, that data was ignored.
 */
import { Flag } from "../flags.js";
import { ACK, SYN, type PacketContext, type TcpState } from "../context.js";

export function tfoSyn(
  c: PacketContext,
  s: TcpState,
  tfoCookieLen: number,
  hasTfo: boolean,
  hasSeglen: boolean,
): void {
  if ((c.tcpFlags & (SYN | ACK)) !== SYN || !hasTfo || tfoCookieLen <= 0) return;
  c.aflags |= Flag.TFO_SYN;
  if (hasSeglen && c.len > 0) s.tfoSynData[c.conv] = 1;
}

/** The SYN-ACK part, evaluated at display time with the relative ack tshark shows. */
export function tfoSynAckFlags(tcpFlags: number, shownAck: number, convHadTfoData: boolean): number {
  if ((tcpFlags & (SYN | ACK)) !== (SYN | ACK)) return 0;
  if (shownAck > 1) return Flag.TFO_ACK;
  return convHadTfoData ? Flag.TFO_IGNORED : 0;
}
