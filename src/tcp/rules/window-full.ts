/**
 * Rule: window full.
 *
 * A data segment (none of SYN, FIN, RST) whose end (seq + len) lands exactly on the right edge of
 * the receiver's last advertised window: receiver's last ack + (receiver's raw window << shift),
 * all in 32-bit arithmetic. The shift is the receiver's window scale, 0 while the receiver has not
 * yet sent its first ACK after its SYN or when no scaling was negotiated. Only when the scaling is
 * known from a handshake (never for an "unknown" scale); overshooting the edge is not flagged.
 */
import { seqAdd } from "../../util/seq.js";
import { SYN_FIN_RST, type PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { IS_FIRST_ACK, LAST_ACK, WIN_SCALE, WINDOW, WSCALE_NONE, WSCALE_UNKNOWN } from "../flows.js";

export function windowFull(c: PacketContext, st: Float64Array): void {
  if (c.len === 0 || (c.tcpFlags & SYN_FIN_RST) !== 0) return;
  const rb = c.rb;
  const scale = st[rb + WIN_SCALE]!;
  if (scale === WSCALE_UNKNOWN) return;
  const shift = st[rb + IS_FIRST_ACK] !== 0 || scale === WSCALE_NONE ? 0 : scale;
  const edge = seqAdd(st[rb + LAST_ACK]!, (st[rb + WINDOW]! << shift) >>> 0);
  if (seqAdd(c.seq, c.len) === edge) c.flag(Flag.WINDOW_FULL);
}
