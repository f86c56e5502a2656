/**
 * Rule: zero window probe.
 *
 * A segment of exactly one byte starting at the sender's next expected sequence number while the
 * receiver's last advertised (raw) window is 0. Checked first; when it fires, every other check up
 * to the duplicate-ACK rule is skipped (the caller jumps to the ACK bookkeeping), and the probe
 * does not advance the sender's next sequence number.
 */
import type { PacketContext } from "../context.js";
import { Flag } from "../flags.js";
import { NEXT_SEQ, WINDOW } from "../flows.js";

export function zeroWindowProbe(c: PacketContext, st: Float64Array): boolean {
  if (c.len === 1 && c.seq === st[c.fb + NEXT_SEQ] && st[c.rb + WINDOW] === 0) {
    c.flag(Flag.ZERO_WINDOW_PROBE);
    return true;
  }
  return false;
}
