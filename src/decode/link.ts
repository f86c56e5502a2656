/**
 * Link layers and the shims between link and IP: Ethernet II / 802.3+LLC, VLAN tags, PPPoE, Linux
 * cooked capture v1/v2, BSD null and OpenBSD loop, PPP (serial, HDLC-like, with direction), Cisco HDLC,
 * OpenBSD pflog, Apple PKTAP, NFLOG and raw IP. Each function reads its header at `cur.off` and names what follows; the rules
 * follow what Wireshark 4.0 shows (checked with tshark on hand-built frames).
 */
import { DecodeStatus, type DecodedPacket } from "../model/packet.js";
import { type Cursor, Next, stop, u16, u32, u32le } from "./cursor.js";

/** Largest 802.3 length field; bigger values in the type position are EtherTypes. */
const IEEE_802_3_MAX_LEN = 1500;

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ_8021AD = 0x88a8;
const ETH_QINQ_OLD = 0x9100;
const ETH_PPPOE_SESSION = 0x8864;
const ETH_MPLS = 0x8847;
const ETH_MPLS_MULTICAST = 0x8848;
const ETH_PPP = 0x880b;
const ETH_TRANSPARENT_BRIDGING = 0x6558;

/** Linux ARPHRD_* values that change how cooked captures are read. */
const ARPHRD_IPGRE = 778;
const ARPHRD_NETLINK = 824;
/** Linux cooked "protocol" value for frames that carry an 802.2 LLC header. */
const LINUX_SLL_P_802_2 = 0x0004;

/** BSD address families for IPv6 (NetBSD/OpenBSD, FreeBSD, Darwin); 2 is AF_INET everywhere. */
const BSD_AF_INET = 2;
const BSD_AF_INET6_BSD = 24;
const BSD_AF_INET6_FREEBSD = 28;
const BSD_AF_INET6_DARWIN = 30;

/** PKTAP: the record holds a packet. */
const PTH_TYPE_PACKET = 1;

/** NFLOG attribute type holding the packet payload. */
const NFULA_PAYLOAD = 9;

/** PPP protocol numbers we follow. */
const PPP_IP = 0x21;
const PPP_IPV6 = 0x57;
const PPP_VJ_COMPRESSED = 0x2d;
const PPP_VJ_UNCOMPRESSED = 0x2f;
const PPP_MPLS_UNICAST = 0x281;
const PPP_MPLS_MULTICAST = 0x283;

// ETHERNET II / 802.3
// The type field is an EtherType above 1500, otherwise the 802.3 length of an LLC payload: that length
// bounds the frame (padding after it is not payload), like an IP total length.
export function ethernet(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 14 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "Ethernet header truncated");
  const type = u16(d, off + 12);
  cur.off = off + 14;
  if (type <= IEEE_802_3_MAX_LEN) {
    cur.limit(off + 14, type);
    return Next.LLC;
  }
  cur.etherType = type;
  return Next.ETHERTYPE;
}

// ETHERTYPE DISPATCH
// VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, old QinQ 0x9100) and PPPoE are thin enough to read inline;
// the first two VLAN IDs are kept (outermost first). Anything that is not a way to IP is not TCP.
export function etherType(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const type = cur.etherType;
  const off = cur.off;
  switch (type) {
    case ETH_IPV4:
      return Next.IPV4;
    case ETH_IPV6:
      return Next.IPV6;
    case ETH_VLAN:
    case ETH_QINQ_8021AD:
    case ETH_QINQ_OLD: {
      if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "VLAN tag truncated");
      const vid = u16(d, off) & 0x0fff;
      if (cur.vlanTags === 0) out.vlanOuter = vid;
      else if (cur.vlanTags === 1) out.vlanInner = vid;
      cur.vlanTags++;
      const inner = u16(d, off + 2);
      cur.off = off + 4;
      if (inner <= IEEE_802_3_MAX_LEN) {
        cur.limit(off + 4, inner);
        return Next.LLC;
      }
      cur.etherType = inner;
      return Next.ETHERTYPE;
    }
    case ETH_PPPOE_SESSION: {
      // ver/type, code, session id, payload length; the payload starts with a PPP protocol field.
      if (off + 6 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "PPPoE header truncated");
      cur.limit(off + 6, u16(d, off + 4));
      cur.off = off + 6;
      return Next.PPP_PROTO;
    }
    case ETH_MPLS:
    case ETH_MPLS_MULTICAST:
      return Next.MPLS;
    case ETH_PPP:
      return Next.PPP_HDLC;
    case ETH_TRANSPARENT_BRIDGING:
      return Next.ETHERNET;
    default:
      return stop(out, DecodeStatus.NOT_TCP, "EtherType is not IP");
  }
}

// 802.2 LLC
// Wireshark follows SNAP with OUI 00-00-00 (the PID is an EtherType) and the IP SAP 0x06; every other
// LLC payload (STP, NetBIOS, IPX, ...) is not TCP.
export function llc(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 3 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "LLC header truncated");
  const dsap = d[off]!;
  const ssap = d[off + 1]!;
  // U-format control fields are one byte, I/S-format two.
  const ctlLen = (d[off + 2]! & 3) === 3 ? 1 : 2;
  if (dsap === 0xaa && ssap === 0xaa) {
    if (off + 2 + ctlLen + 5 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "SNAP header truncated");
    const oui = off + 2 + ctlLen;
    if (d[oui] !== 0 || d[oui + 1] !== 0 || d[oui + 2] !== 0) {
      return stop(out, DecodeStatus.NOT_TCP, "SNAP with a vendor OUI");
    }
    cur.etherType = u16(d, oui + 3);
    cur.off = oui + 5;
    return Next.ETHERTYPE;
  }
  if (dsap === 0x06 && ssap === 0x06) {
    cur.off = off + 2 + ctlLen;
    return Next.IPV4;
  }
  return stop(out, DecodeStatus.NOT_TCP, "LLC payload is not IP");
}

// LINUX COOKED CAPTURE (SLL v1: 16 bytes, protocol last; SLL v2: 20 bytes, protocol first)
// The protocol is an EtherType, except for netlink captures, and small values that name 802.2 LLC
// (0x0004) or non-IP framings. On IP-over-GRE devices it is a GRE protocol type: same numbers for IP.
export function linuxSll(d: Uint8Array, cur: Cursor, out: DecodedPacket, v2: boolean): number {
  const off = cur.off;
  const hdr = v2 ? 20 : 16;
  if (off + hdr > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "Linux cooked header truncated");
  const hatype = v2 ? u16(d, off + 8) : u16(d, off + 2);
  const proto = v2 ? u16(d, off) : u16(d, off + 14);
  cur.off = off + hdr;
  if (hatype === ARPHRD_NETLINK) return stop(out, DecodeStatus.NOT_TCP, "netlink message");
  if (hatype !== ARPHRD_IPGRE && proto <= IEEE_802_3_MAX_LEN) {
    if (proto === LINUX_SLL_P_802_2) {
      return Next.LLC;
    }
    return stop(out, DecodeStatus.NOT_TCP, "Linux cooked frame is not IP");
  }
  cur.etherType = proto;
  return Next.ETHERTYPE;
}

// BSD NULL / LOOPBACK (linktype 0)
// A 4-byte address family in the capturing host's byte order: a value with bits above 16 is read
// swapped. Values above 1500 are EtherTypes (some systems wrote those). AF_INET6 differs per BSD.
// Frames starting 0xff03 are PPP in HDLC-like framing.
export function bsdNull(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 2 <= cur.capEnd && d[off] === 0xff && d[off + 1] === 0x03) return Next.PPP_HDLC;
  if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "loopback header truncated");
  let family = u32le(d, off);
  if (family > 0xffff) {
    family = ((family >>> 24) | ((family >>> 8) & 0xff00) | ((family & 0xff00) << 8) | (family << 24)) >>> 0;
  }
  cur.off = off + 4;
  if (family > IEEE_802_3_MAX_LEN) {
    cur.etherType = family;
    return Next.ETHERTYPE;
  }
  return addressFamily(family, out);
}

// OPENBSD LOOP (linktype 108)
// The same 4-byte family, but always big-endian and never an EtherType.
export function openbsdLoop(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "loopback header truncated");
  cur.off = off + 4;
  return addressFamily(u32(d, off), out);
}

function addressFamily(family: number, out: DecodedPacket): number {
  if (family === BSD_AF_INET) return Next.IPV4;
  if (family === BSD_AF_INET6_BSD || family === BSD_AF_INET6_FREEBSD || family === BSD_AF_INET6_DARWIN) {
    return Next.IPV6;
  }
  return stop(out, DecodeStatus.NOT_TCP, "loopback address family is not IP");
}

// OPENBSD PFLOG (linktype 117)
// The first byte is the header length (61 today), padded to 4 bytes; the second the address family.
export function pflog(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 2 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "pflog header truncated");
  const len = (d[off]! + 3) & ~3;
  if (off + len > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "pflog header truncated");
  cur.off = off + len;
  return addressFamily(d[off + 1]!, out);
}

// CISCO HDLC (linktype 104): address, control, then an EtherType (SLARP and CDP are not TCP).
export function ciscoHdlc(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "Cisco HDLC header truncated");
  cur.etherType = u16(d, off + 2);
  cur.off = off + 4;
  return Next.ETHERTYPE;
}

// APPLE PKTAP (linktype 258)
// A little-endian header: its length, the type of what follows (1 = a packet) and that packet's DLT.
export function pktap(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 12 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "PKTAP header truncated");
  const len = u32le(d, off);
  if (u32le(d, off + 4) !== PTH_TYPE_PACKET)
    return stop(out, DecodeStatus.NOT_TCP, "PKTAP record is not a packet");
  if (len < 12) return stop(out, DecodeStatus.MALFORMED, "PKTAP length < 12");
  cur.linkType = u32le(d, off + 8);
  cur.off = off + len;
  return Next.LINK;
}

// RAW IP (linktypes 12, 14, 101)
// No header: the version nibble decides; 0xff03 would be PPP in HDLC-like framing.
export function rawIp(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 1 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "empty frame");
  if (off + 2 <= cur.capEnd && d[off] === 0xff && d[off + 1] === 0x03) return Next.PPP_HDLC;
  const version = d[off]! >> 4;
  if (version === 4) return Next.IPV4;
  if (version === 6) return Next.IPV6;
  return stop(out, DecodeStatus.NOT_TCP, "raw frame is not IPv4 or IPv6");
}

// PPP IN HDLC-LIKE FRAMING (linktypes 9, 50, 204 after its direction byte; PPP in GRE)
// The address/control bytes 0xff 0x03 are optional (address-and-control-field compression); a first
// byte 0x0f or 0x8f is Cisco HDLC (address, control, EtherType) which Wireshark accepts here too.
export function pppHdlc(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 1 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "PPP header truncated");
  const b0 = d[off]!;
  if (b0 === 0xff) {
    if (off + 2 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "PPP header truncated");
    cur.off = off + 2;
    return Next.PPP_PROTO;
  }
  if (b0 === 0x0f || b0 === 0x8f) {
    if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "Cisco HDLC header truncated");
    cur.etherType = u16(d, off + 2);
    cur.off = off + 4;
    return Next.ETHERTYPE;
  }
  return Next.PPP_PROTO;
}

// PPP PROTOCOL FIELD
// One byte when its low bit is set (protocol-field compression), else two. Van Jacobson compressed
// TCP (0x2d) carries only deltas against per-slot state: no TCP header Wireshark can show. VJ
// "uncompressed" TCP (0x2f) is a full IPv4+TCP header whose protocol byte holds the slot number.
export function pppProto(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 1 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "PPP protocol truncated");
  let proto = d[off]!;
  if ((proto & 1) === 1) {
    cur.off = off + 1;
  } else {
    if (off + 2 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "PPP protocol truncated");
    proto = u16(d, off);
    cur.off = off + 2;
  }
  switch (proto) {
    case PPP_IP:
      return Next.IPV4;
    case PPP_IPV6:
      return Next.IPV6;
    case PPP_VJ_UNCOMPRESSED:
      return Next.IPV4_VJ;
    case PPP_VJ_COMPRESSED:
      return stop(out, DecodeStatus.NOT_TCP, "Van Jacobson compressed TCP (no header)");
    case PPP_MPLS_UNICAST:
    case PPP_MPLS_MULTICAST:
      return Next.MPLS;
    default:
      return stop(out, DecodeStatus.NOT_TCP, "PPP protocol is not IP");
  }
}

// NFLOG (linktype 239)
// 4-byte header (family, version, resource id), then TLVs whose 16-bit length and type are in host
// (little-endian) order and padded to 4 bytes. Wireshark walks every TLV before it looks at the
// payload, so one cut short by the snaplen hides the packet. The packet is the payload TLV, handed to
// the IP dissector whatever the family says: the version nibble decides.
export function nflog(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  if (cur.off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "NFLOG header truncated");
  let payloadOff = -1;
  let payloadLen = 0;
  let off = cur.off + 4;
  // Wireshark stops quietly once the next TLV would start past the captured bytes, but reads (and
  // fails) when it starts exactly at their end while the frame reported more.
  while (off < cur.repEnd && off <= cur.capEnd) {
    if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "NFLOG attribute truncated");
    const len = d[off]! | (d[off + 1]! << 8);
    const type = (d[off + 2]! | (d[off + 3]! << 8)) & 0x7fff;
    if (len < 4) return stop(out, DecodeStatus.MALFORMED, "NFLOG attribute length < 4");
    if (off + len > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "NFLOG attribute truncated");
    if (type === NFULA_PAYLOAD) {
      payloadOff = off + 4;
      payloadLen = len - 4;
    }
    off += (len + 3) & ~3;
  }
  if (payloadOff < 0) return stop(out, DecodeStatus.NOT_TCP, "NFLOG record without payload");
  cur.limit(payloadOff, payloadLen);
  cur.off = payloadOff;
  return Next.IPV4;
}

// MPLS
// Labels until the bottom-of-stack bit; the payload's version nibble picks IPv4 or IPv6, the way
// Wireshark guesses by default. Anything else (pseudowire control word, Ethernet PW) is not followed.
export function mpls(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  let off = cur.off;
  for (;;) {
    if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "MPLS label truncated");
    const bottom = d[off + 2]! & 1;
    off += 4;
    if (bottom === 1) break;
  }
  cur.off = off;
  if (off >= cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "MPLS payload truncated");
  const version = d[off]! >> 4;
  if (version === 4) return Next.IPV4;
  if (version === 6) return Next.IPV6;
  return stop(out, DecodeStatus.NOT_TCP, "MPLS payload is not IP");
}

// GRE (RFC 2784/2890, and PPTP's enhanced GRE, version 1)
// Optional words follow the flags: checksum+offset (C or R), key (K; in v1 payload length + call id),
// sequence (S), and in v1 acknowledgement (A). Source routing (R) is obsolete and not followed.
// The protocol type is an EtherType: 0x0800, 0x86dd, 0x6558 (Ethernet), 0x880b (PPP), ...
export function gre(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "GRE header truncated");
  const flags = u16(d, off);
  if ((flags & 0x4000) !== 0) return stop(out, DecodeStatus.NOT_TCP, "GRE with source routing");
  let len = 4;
  if ((flags & 0x8000) !== 0) len += 4;
  if ((flags & 0x2000) !== 0) len += 4;
  if ((flags & 0x1000) !== 0) len += 4;
  if ((flags & 7) === 1 && (flags & 0x0080) !== 0) len += 4;
  if (off + len > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "GRE header truncated");
  cur.off = off + len;
  if (cur.off >= cur.repEnd) return stop(out, DecodeStatus.NOT_TCP, "GRE without payload");
  cur.etherType = u16(d, off + 2);
  return Next.ETHERTYPE;
}
