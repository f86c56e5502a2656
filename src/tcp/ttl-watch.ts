/**
 * Remembers each side's usual IP TTL (hop limit) per connection, and every RST with the TTL it
 * arrived with. A host sends all packets of a connection with the same initial TTL over the same
 * path, so a RST (or ACK) arriving with another TTL was most likely made by a device in between
 * (firewalls and NAT boxes forge resets with their own TTL). A hint, never a verdict.
 */
import type { DecodedPacket } from "../model/packet.js";

const RST = 0x004;

export interface SuspiciousPacket {
  frame: number;
  stream: number;
  /** TTL the RST arrived with, and the TTL the same sender used on the connection's other packets. */
  ttl: number;
  usualTtl: number;
  /** Packets of that sender with the usual TTL. */
  usualCount: number;
}

/** Int32 slots per stream: first sender's port (−1 none) and first address word, then per side
 * (0 = that sender, 1 = the other) the first TTL seen (−1 none), how many packets had it, how many did not. */
const STRIDE = 8;
const A_PORT = 0;
const A_ADDR = 1;
const TTL = 2;
const SAME = 4;
const DIFFER = 6;

export class TtlWatch {
  private cap = 0;
  /** STRIDE slots per stream, together so that a packet touches one cache line. */
  private s = new Int32Array(0);
  private resets: { frame: number; stream: number; side: number; ttl: number }[] = [];
  /** RSTs remembered at most (the rest are counted). */
  constructor(private readonly maxResets = 10_000) {}
  resetsNotKept = 0;

  private ensure(stream: number): void {
    let n = Math.max(1024, this.cap * 2);
    while (n <= stream) n *= 2;
    const b = new Int32Array(n * STRIDE);
    b.set(this.s);
    for (let i = this.cap; i < n; i++) {
      const o = i * STRIDE;
      b[o + A_PORT] = -1;
      b[o + TTL] = -1;
      b[o + TTL + 1] = -1;
    }
    this.s = b;
    this.cap = n;
  }

  /** Call for every analysed TCP packet with its Wireshark stream. */
  observe(frame: number, data: Uint8Array, pkt: DecodedPacket, stream: number): void {
    if (stream < 0 || pkt.ipVersion === 0) return;
    if (stream >= this.cap) this.ensure(stream);
    const s = this.s;
    const b = stream * STRIDE;
    const o = pkt.srcAddrOff;
    const addrWord = (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]! | 0;
    const port = pkt.srcPort;
    if (s[b + A_PORT] === -1) {
      s[b + A_PORT] = port;
      s[b + A_ADDR] = addrWord;
    }
    const side = s[b + A_PORT] === port && s[b + A_ADDR] === addrWord ? 0 : 1;
    if ((pkt.flags & RST) !== 0) {
      if (this.resets.length < this.maxResets) this.resets.push({ frame, stream, side, ttl: pkt.ttl });
      else this.resetsNotKept++;
      return;
    }
    const ttl = pkt.ttl;
    const ti = b + TTL + side;
    if (s[ti] === -1) s[ti] = ttl;
    if (s[ti] === ttl) s[b + SAME + side]!++;
    else s[b + DIFFER + side]!++;
  }

  /** RSTs whose TTL differs from a steady TTL of the same sender on the same connection. */
  suspicious(minUsualPackets = 2): SuspiciousPacket[] {
    const out: SuspiciousPacket[] = [];
    const s = this.s;
    for (const r of this.resets) {
      const b = r.stream * STRIDE;
      const same = s[b + SAME + r.side]!;
      const usual = s[b + TTL + r.side]!;
      if (same < minUsualPackets || s[b + DIFFER + r.side]! > 0) continue;
      if (usual === r.ttl) continue;
      out.push({
        frame: r.frame,
        stream: r.stream,
        ttl: r.ttl,
        usualTtl: usual,
        usualCount: same,
      });
    }
    return out;
  }
}
