/**
 * UDP tunnels that Wireshark decodes by default on their registered ports and that can carry TCP:
 * VXLAN (4789), Geneve (6081), Teredo (3544) and GTP-U (2152). Other UDP is not TCP.
 */
import { DecodeStatus, type DecodedPacket } from "../model/packet.js";
import { type Cursor, Next, stop, u16 } from "./cursor.js";

const PORT_VXLAN = 4789;
const PORT_GENEVE = 6081;
const PORT_TEREDO = 3544;
const PORT_GTPU = 2152;
/** Below this, Wireshark has a dissector for almost every port, and it tries the lower port first. */
const FIRST_UNREGISTERED_PORT = 1024;

const GTP_TPDU = 0xff;

/** The port itself when it is a tunnel port we follow, else 0. */
function tunnelOnPort(port: number): number {
  switch (port) {
    case PORT_VXLAN:
    case PORT_GENEVE:
    case PORT_TEREDO:
    case PORT_GTPU:
      return port;
    default:
      return 0;
  }
}

// UDP PORT DISPATCH
// Wireshark tries the lower port's dissector, then the higher one's. We know only the tunnel ports;
// a lower port under 1024 is assumed to belong to some other protocol (DNS, NTP, ...), as it
// nearly always does in Wireshark's port table. The UDP length bounds the datagram.
export function udp(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 8 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "UDP header truncated");
  const a = u16(d, off);
  const b = u16(d, off + 2);
  const len = u16(d, off + 4);
  if (len < 8) return stop(out, DecodeStatus.NOT_TCP, "UDP length < 8");
  cur.limit(off, len);
  cur.off = off + 8;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  let tunnel = tunnelOnPort(lo);
  if (tunnel === 0 && lo >= FIRST_UNREGISTERED_PORT) tunnel = tunnelOnPort(hi);
  switch (tunnel) {
    case PORT_VXLAN:
      return vxlan(cur, out);
    case PORT_GENEVE:
      return geneve(d, cur, out);
    case PORT_TEREDO:
      return teredo(d, cur, out);
    case PORT_GTPU:
      return gtpu(d, cur, out);
    default:
      return stop(out, DecodeStatus.NOT_TCP, "UDP");
  }
}

// VXLAN: 8-byte header (flags, VNI), then an Ethernet frame. Wireshark ignores the flag bits.
function vxlan(cur: Cursor, out: DecodedPacket): number {
  if (cur.off + 8 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "VXLAN header truncated");
  cur.off += 8;
  return Next.ETHERNET;
}

// GENEVE: 8 bytes plus options (length in 4-byte words in the first byte's low 6 bits); the protocol
// type is an EtherType (0x6558 for Ethernet).
function geneve(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 8 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "Geneve header truncated");
  const len = 8 + ((d[off]! & 0x3f) << 2);
  if (off + len > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "Geneve options truncated");
  cur.etherType = u16(d, off + 2);
  cur.off = off + len;
  return Next.ETHERTYPE;
}

// TEREDO (RFC 4380): optional authentication (0x0001, id and auth lengths, 8-byte nonce, 1-byte
// confirmation) and origin indication (0x0000, 8 bytes) headers, then IPv6.
function teredo(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  let off = cur.off;
  if (off + 2 <= cur.capEnd && u16(d, off) === 0x0001) {
    if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "Teredo header truncated");
    off += 4 + d[off + 2]! + d[off + 3]! + 9;
  }
  if (off + 2 <= cur.capEnd && u16(d, off) === 0x0000) off += 8;
  if (off >= cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "Teredo header truncated");
  if (d[off]! >> 4 !== 6) return stop(out, DecodeStatus.NOT_TCP, "Teredo payload is not IPv6");
  cur.off = off;
  return Next.IPV6;
}

// GTP-U (3GPP TS 29.281): version 1, T-PDU messages only. An 8-byte header whose length field
// bounds the payload; 4 more bytes when any of the E/S/PN flags is set; extension headers (length in
// 4-byte words, next type in their last byte) when E is set. The payload's first byte decides.
function gtpu(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 8 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "GTP header truncated");
  const flags = d[off]!;
  if (flags >> 5 !== 1 || d[off + 1] !== GTP_TPDU)
    return stop(out, DecodeStatus.NOT_TCP, "GTP message is not a T-PDU");
  cur.limit(off + 8, u16(d, off + 2));
  let p = off + 8;
  if ((flags & 0x07) !== 0) {
    if (p + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "GTP header truncated");
    let nextType = (flags & 0x04) !== 0 ? d[p + 3]! : 0;
    p += 4;
    while (nextType !== 0) {
      if (p + 1 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "GTP extension truncated");
      const len = d[p]! << 2;
      if (len === 0) return stop(out, DecodeStatus.MALFORMED, "GTP extension of length 0");
      if (p + len > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "GTP extension truncated");
      nextType = d[p + len - 1]!;
      p += len;
    }
  }
  if (p >= cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "GTP payload truncated");
  cur.off = p;
  // Wireshark's guess: 0x45..0x4e is IPv4 (0x4f is rather compressed PPP), 0x6X IPv6.
  const first = d[p]!;
  if (first >= 0x45 && first <= 0x4e) return Next.IPV4;
  if (first >> 4 === 6) return Next.IPV6;
  return stop(out, DecodeStatus.NOT_TCP, "GTP payload is not IP");
}
