/**
 * Rule: window scaling.
 *
 * A Window Scale option (on any packet) sets its direction's shift (values above 14 count as 14).
 * After a SYN or SYN-ACK has been read: if its direction still has no known shift (no option),
 * scaling is off for both directions ("no scaling", −2); if a SYN-ACK carries the option but the
 * SYN direction is already "no scaling", the SYN-ACK's direction becomes "no scaling" too. Without
 * a handshake the shift stays unknown (−1) and windows are shown raw. The check after a SYN does
 * not run when tshark's option walk stopped with an exception (see option-walk.ts).
 */
import { ACK, SYN, type PacketContext } from "../context.js";
import { WIN_SCALE, WSCALE_NONE, WSCALE_UNKNOWN } from "../flows.js";

export function windowScale(
  c: PacketContext,
  st: Float64Array,
  wscaleOption: number,
  optionsDone: boolean,
): void {
  const fb = c.fb;
  if (wscaleOption >= 0) st[fb + WIN_SCALE] = Math.min(wscaleOption, 14);
  if ((c.tcpFlags & SYN) === 0 || !optionsDone) return;
  if (st[fb + WIN_SCALE] === WSCALE_UNKNOWN) {
    st[fb + WIN_SCALE] = WSCALE_NONE;
    st[c.rb + WIN_SCALE] = WSCALE_NONE;
  } else if ((c.tcpFlags & ACK) !== 0 && st[c.rb + WIN_SCALE] === WSCALE_NONE) {
    st[fb + WIN_SCALE] = WSCALE_NONE;
  }
}
