/**
 * Rule: SACK blocks remembered for bytes in flight.
 *
 * At each packet its direction forgets the SACK blocks of its previous packet; after the analysis,
 * the sizes (right − left, 32-bit) of the first three blocks of the packet's last SACK option are
 * summed and kept for the next bytes-in-flight computation of the other direction.
 */
import type { DecodedPacket } from "../../model/packet.js";
import type { PacketContext } from "../context.js";
import { SACK_DELIVERED } from "../flows.js";

export function rememberSack(c: PacketContext, st: Float64Array, pkt: DecodedPacket): void {
  let sum = 0;
  const n = Math.min(pkt.sackCount, 3);
  for (let i = 0; i < n; i++) {
    sum = (sum + ((pkt.sackBlocks[2 * i + 1]! - pkt.sackBlocks[2 * i]!) >>> 0)) >>> 0;
  }
  st[c.fb + SACK_DELIVERED] = sum;
}

/** Same, from an already summed value (option-walk.ts). */
export function rememberSackSum(c: PacketContext, st: Float64Array, sum: number): void {
  st[c.fb + SACK_DELIVERED] = sum;
}
