/**
 * The decoder's walking state and the byte readers every layer uses.
 *
 * Layers never call each other: each one reads its header at `cur.off`, narrows the frame's bounds, and
 * returns the protocol that follows (a `Next` code); index.ts loops until a layer says DONE. So no layer
 * imports another, tunnels (IP in IP, GRE, ICMP quotes) need no recursion, and the loop is bounded.
 *
 * Two ends are tracked, as Wireshark's tvbuffs do:
 *  - `capEnd`: bytes actually captured (never beyond data.length): reading past it is "truncated";
 *  - `repEnd`: bytes the packet had on the wire, narrowed by every length field on the way (IP total
 *    length, IPv6 payload length, 802.3 length, ...). It may lie beyond data.length (snaplen), and it is
 *    what tcp.len is computed from, so Ethernet padding and trailers never count as payload.
 */

import type { DecodedPacket, DecodeStatusCode } from "../model/packet.js";

/** What comes next at `cur.off`. */
export const Next = {
  DONE: 0,
  ETHERNET: 1,
  /** `cur.etherType` holds the EtherType to dispatch on. */
  ETHERTYPE: 2,
  LLC: 3,
  /** The IPv4 dissector: also takes IPv6 when the version nibble says 6 (as Wireshark's does). */
  IPV4: 4,
  IPV6: 5,
  /** PPP protocol field (1 or 2 bytes), no address/control. */
  PPP_PROTO: 6,
  /** PPP as framed on serial links: optional 0xff03, or Cisco HDLC. */
  PPP_HDLC: 7,
  MPLS: 8,
  GRE: 9,
  ICMP: 10,
  ICMPV6: 11,
  TCP: 12,
  /** IPv4 in a Van Jacobson "uncompressed TCP" frame: protocol byte holds a slot number; it is TCP. */
  IPV4_VJ: 13,
  /** UDP, for the tunnels Wireshark follows on their ports (VXLAN, Geneve, Teredo, GTP-U). */
  UDP: 14,
  /** An IEEE 802.11 frame (data frames lead to LLC). */
  IEEE80211: 15,
  /** A frame of link type `cur.linkType` at `cur.off` (the frame itself, or one inside PPI/PKTAP). */
  LINK: 16,
} as const;

export class Cursor {
  off = 0;
  capEnd = 0;
  repEnd = 0;
  etherType = 0;
  /** `Next.LINK` decodes this LINKTYPE_* value. */
  linkType = 0;
  /** VLAN tags seen so far. */
  vlanTags = 0;
  /** Radiotap said the 802.11 header is padded to a multiple of 4 bytes. */
  wlanDataPad = false;
  /** Set once an ICMP error's quoted packet is being walked. */
  inIcmpError = false;
  /** Bytes of payload the next IPv4 header may show, 0 = no limit (an ICMP redirect's quote: 8). */
  quotePayloadMax = 0;

  /** Starts on a frame of `capLen` captured bytes at `start` of the buffer. */
  init(linkType: number, start: number, capLen: number, origLen: number): void {
    this.linkType = linkType;
    this.off = start;
    this.capEnd = start + capLen;
    // A frame's reported length is never shorter than what was captured.
    this.repEnd = start + Math.max(origLen, capLen);
    this.etherType = 0;
    this.vlanTags = 0;
    this.wlanDataPad = false;
    this.inIcmpError = false;
    this.quotePayloadMax = 0;
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

/**
 * Maps an IP protocol number (IPv4 protocol / IPv6 next header) to the layer that decodes it. Inside an
 * ICMP error's quote everything is walked the same way, nested ICMP errors included, as Wireshark does.
 */
export function ipProtoNext(proto: number): number {
  switch (proto) {
    case 6:
      return Next.TCP;
    case 4:
      // IP in IP: Wireshark hands proto 4 to its IPv4 dissector, which also accepts version 6.
      return Next.IPV4;
    case 41:
      return Next.IPV6;
    case 47:
      return Next.GRE;
    case 17:
      return Next.UDP;
    case 1:
      return Next.ICMP;
    case 58:
      return Next.ICMPV6;
    default:
      return Next.DONE;
  }
}

/**
 * A first IP header cut short by the snaplen: Wireshark has already shown the source address if its
 * bytes were captured (the destination then formats as "", its bytes being absent). In a tunnel or an
 * ICMP quote the outer addresses stay.
 */
export function cutAddresses(
  cur: Cursor,
  out: DecodedPacket,
  version: number,
  src: number,
  dst: number,
): void {
  if (cur.inIcmpError || out.ipDepth !== 0 || src + (version === 4 ? 4 : 16) > cur.capEnd) return;
  out.ipVersion = version;
  out.srcAddrOff = src;
  out.dstAddrOff = dst;
}

/** Ends the walk with a status and a constant reason; returns Next.DONE for the caller to return. */
export function stop(out: DecodedPacket, status: DecodeStatusCode, reason: string): number {
  out.status = status;
  out.reason = reason;
  return Next.DONE;
}
