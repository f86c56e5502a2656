/**
 * Rule: port numbers reused (SYN-ACK with a new ISN).
 *
 * A SYN-ACK whose sequence number differs from the base sequence number already known for its
 * direction overwrites that base (the conversation found may be an older one, Wireshark #16944)
 * and is flagged "TCP Port numbers reused" — in 4.0 without starting a new tcp.stream.
 * Wireshark runs this check again when it prints (second pass), against the base as it stands
 * then; TcpAnalyzer.finish() repeats it there.
 */
import { ACK, SYN, type PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { BASE, BASE_SEQ_SET, STATIC } from "../flows.js";

export function synAckNewIsn(c: PacketContext, st: Float64Array): void {
  if ((c.tcpFlags & (SYN | ACK)) !== (SYN | ACK)) return;
  const fb = c.fb;
  if ((st[fb + STATIC]! & BASE_SEQ_SET) !== 0 && c.seq !== st[fb + BASE]) {
    st[fb + BASE] = c.seq;
    c.flag(Flag.REUSED_PORTS);
  }
}
