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

export class TtlWatch {
  private cap = 0;
  private aPort = new Int32Array(0);
  private aAddr = new Int32Array(0);
  /** Per stream and side (index stream*2 + side): the first TTL seen, how many packets had it, how many did not. */
  private ttl = new Int16Array(0);
  private same = new Int32Array(0);
  private differ = new Int32Array(0);
  private resets: { frame: number; stream: number; side: number; ttl: number }[] = [];
  /** RSTs remembered at most (the rest are counted). */
  constructor(private readonly maxResets = 10_000) {}
  resetsNotKept = 0;

  private ensure(stream: number): void {
    if (stream < this.cap) return;
    let n = Math.max(1024, this.cap * 2);
    while (n <= stream) n *= 2;
    const grow32 = (a: Int32Array, m: number, fill = 0) => {
      const b = new Int32Array(m).fill(fill);
      b.set(a);
      return b;
    };
    this.aPort = grow32(this.aPort, n, -1);
    this.aAddr = grow32(this.aAddr, n);
    const t = new Int16Array(2 * n).fill(-1);
    t.set(this.ttl);
    this.ttl = t;
    this.same = grow32(this.same, 2 * n);
    this.differ = grow32(this.differ, 2 * n);
    this.cap = n;
  }

  /** Call for every analysed TCP packet with its Wireshark stream. */
  observe(frame: number, data: Uint8Array, pkt: DecodedPacket, stream: number): void {
    if (stream < 0 || pkt.ipVersion === 0) return;
    this.ensure(stream);
    const o = pkt.srcAddrOff;
    const addrWord = (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]! | 0;
    if (this.aPort[stream] === -1) {
      this.aPort[stream] = pkt.srcPort;
      this.aAddr[stream] = addrWord;
    }
    const side = this.aPort[stream] === pkt.srcPort && this.aAddr[stream] === addrWord ? 0 : 1;
    const i = stream * 2 + side;
    if ((pkt.flags & RST) !== 0) {
      if (this.resets.length < this.maxResets) this.resets.push({ frame, stream, side, ttl: pkt.ttl });
      else this.resetsNotKept++;
      return;
    }
    if (this.ttl[i] === -1) this.ttl[i] = pkt.ttl;
    if (this.ttl[i] === pkt.ttl) this.same[i]!++;
    else this.differ[i]!++;
  }

  /** RSTs whose TTL differs from a steady TTL of the same sender on the same connection. */
  suspicious(minUsualPackets = 2): SuspiciousPacket[] {
    const out: SuspiciousPacket[] = [];
    for (const r of this.resets) {
      const i = r.stream * 2 + r.side;
      if (this.same[i]! < minUsualPackets || this.differ[i]! > 0) continue;
      if (this.ttl[i] === r.ttl) continue;
      out.push({
        frame: r.frame,
        stream: r.stream,
        ttl: r.ttl,
        usualTtl: this.ttl[i]!,
        usualCount: this.same[i]!,
      });
    }
    return out;
  }
}
