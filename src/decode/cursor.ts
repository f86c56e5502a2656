/**
 * The decoder's walking state and the byte readers every layer uses.
 *
 * Layers never call each other: each one reads its header at `cur.off`, narrows the frame's bounds, and
 * names the protocol that follows in `cur.next`; index.ts loops until a layer says DONE. So no layer
 * imports another, tunnels (IP in IP, GRE, ICMP quotes) need no recursion, and the loop is bounded.
 *
 * Two ends are tracked, as Wireshark's tvbuffs do:
 *  - `capEnd`: bytes actually captured (never beyond data.length): reading past it is "truncated";
 *  - `repEnd`: bytes the packet had on the wire, narrowed by every length field on the way (IP total
 *    length, IPv6 payload length, 802.3 length, ...). It may lie beyond data.length (snaplen), and it is
 *    what tcp.len is computed from, so Ethernet padding and trailers never count as payload.
 */

/** What comes next at `cur.off`. */
export const Next = {
  DONE: 0,
  ETHERNET: 1,
  /** `cur.etherType` holds an EtherType (or an 802.3 length, <= 1500) to dispatch on. */
  ETHERTYPE: 2,
  LLC: 3,
  /** An IP header whose version nibble decides (raw IP, NFLOG, PPP, MPLS payload...). */
  IP_ANY: 4,
  /** The IPv4 dissector: also takes IPv6 when the version nibble says 6 (as Wireshark's does). */
  IPV4: 5,
  IPV6: 6,
  /** PPP protocol field (1 or 2 bytes), no address/control. */
  PPP_PROTO: 7,
  /** PPP as framed on serial links: optional 0xff03, or Cisco HDLC. */
  PPP_HDLC: 8,
  MPLS: 9,
  GRE: 10,
  ICMP: 11,
  ICMPV6: 12,
  TCP: 13,
  /** IPv4 in a Van Jacobson "uncompressed TCP" frame: protocol byte holds a slot number; it is TCP. */
  IPV4_VJ: 14,
} as const;

export class Cursor {
  off = 0;
  capEnd = 0;
  repEnd = 0;
  next: number = Next.DONE;
  etherType = 0;
  /** Set once an ICMP error's quoted packet is being walked. */
  inIcmpError = false;

  init(dataLength: number, origLen: number): void {
    this.off = 0;
    this.capEnd = dataLength;
    // A frame's reported length is never shorter than what was captured.
    this.repEnd = origLen > dataLength ? origLen : dataLength;
    this.next = Next.DONE;
    this.etherType = 0;
    this.inIcmpError = false;
  }

  /** Narrows both ends to a length field: the layer is `len` bytes from `start` (only ever shrinks). */
  limit(start: number, len: number): void {
    const end = start + len;
    if (end < this.repEnd) this.repEnd = end;
    if (this.repEnd < this.capEnd) this.capEnd = this.repEnd;
  }
}

/** Big-endian 16-bit read; the caller has checked that i + 2 <= capEnd. */
export function u16(d: Uint8Array, i: number): number {
  return (d[i]! << 8) | d[i + 1]!;
}

/** Big-endian unsigned 32-bit read; the caller has checked that i + 4 <= capEnd. */
export function u32(d: Uint8Array, i: number): number {
  return ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
}

/** Little-endian unsigned 32-bit read. */
export function u32le(d: Uint8Array, i: number): number {
  return (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;
}
