/**
 * Rule: zero window.
 *
 * The packet advertises a raw window of 0 and has none of SYN, FIN, RST.
 */
import { Flag } from "../flags.js";
import { SYN_FIN_RST, type PacketContext } from "../context.js";

export function zeroWindow(c: PacketContext): void {
  if (c.window === 0 && (c.tcpFlags & SYN_FIN_RST) === 0) c.flag(Flag.ZERO_WINDOW);
}
