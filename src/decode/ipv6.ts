/**
 * IPv6 with its extension headers, and ICMPv6 errors that quote a packet. Rules follow Wireshark
 * 4.0's packet-ipv6.c / packet-icmpv6.c as observed with tshark.
 */
import { DecodeStatus, type DecodedPacket } from "../model/packet.js";
import { type Cursor, cutAddresses, ipProtoNext, Next, stop, u16 } from "./cursor.js";

const NH_HOP_BY_HOP = 0;
const NH_ROUTING = 43;
const NH_FRAGMENT = 44;
const NH_ESP = 50;
const NH_AH = 51;
const NH_NONE = 59;
const NH_DEST_OPTS = 60;
const ROUTING_SRH = 4;

// IPV6
// - The version must be 6 (an IPv4 packet behind EtherType 0x86dd is not decoded, as in Wireshark).
// - A header cut short shows the source address if that much was captured.
// - The payload length bounds everything after the 40-byte header.
// - Inside an ICMPv6 error the quoted addresses are not reported (the outer ones stay).
// - Extension headers are skipped: hop-by-hop, routing, destination options ((len+1)*8 bytes), AH
//   ((len+2)*4 bytes) and the 8-byte fragment header. Routing headers do not change the reported
//   destination. A fragment header with offset 0 and M=0 (atomic) is transparent; any real fragment
//   carries no TCP that Wireshark shows (it reassembles, or shows the first fragment as data).
export function ipv6(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 1 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "IPv6 header truncated");
  if (d[off]! >> 4 !== 6) return stop(out, DecodeStatus.MALFORMED, "IPv6 header with another version");
  if (off + 40 > cur.capEnd) {
    cutAddresses(cur, out, 6, off + 8, off + 24);
    return stop(out, DecodeStatus.TRUNCATED, "IPv6 header truncated");
  }
  const payloadLen = u16(d, off + 4);
  cur.limit(off + 40, payloadLen);

  out.ipDepth++;
  if (!cur.inIcmpError) {
    out.ipVersion = 6;
    out.srcAddrOff = off + 8;
    out.dstAddrOff = off + 24;
  }
  out.ipOff = off;
  out.ipHeaderLen = 40;
  out.ipTotalLen = payloadLen + 40;
  out.ttl = d[off + 7]!;
  out.ipId = 0;

  let nh = d[off + 6]!;
  let p = off + 40;
  // Every extension header is at least 8 bytes, so this loop ends within the captured bytes.
  for (;;) {
    if (nh === NH_HOP_BY_HOP || nh === NH_ROUTING || nh === NH_DEST_OPTS || nh === NH_AH) {
      if (p + 2 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "IPv6 extension header truncated");
      const len = nh === NH_AH ? (d[p + 1]! + 2) << 2 : (d[p + 1]! + 1) << 3;
      // A segment routing header lists last-entry+1 addresses; Wireshark stops if they do not fit
      // (except in an ICMPv6 quote, where it goes on).
      if (
        nh === NH_ROUTING &&
        !cur.inIcmpError &&
        p + 5 <= cur.capEnd &&
        d[p + 2] === ROUTING_SRH &&
        8 + ((d[p + 4]! + 1) << 4) > len
      ) {
        return stop(out, DecodeStatus.MALFORMED, "IPv6 segment routing header too short");
      }
      nh = d[p]!;
      p += len;
      if (p > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "IPv6 extension header truncated");
    } else if (nh === NH_FRAGMENT) {
      if (p + 8 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "IPv6 fragment header truncated");
      const fragOffset = u16(d, p + 2) & 0xfff8;
      const more = d[p + 3]! & 1;
      nh = d[p]!;
      p += 8;
      out.ipHeaderLen = p - off;
      if (fragOffset !== 0 || more !== 0) {
        out.fragmented = true;
        out.ipId = ((d[p - 4]! << 24) | (d[p - 3]! << 16) | (d[p - 2]! << 8) | d[p - 1]!) >>> 0;
        return stop(out, DecodeStatus.FRAGMENT, "IPv6 fragment");
      }
    } else {
      break;
    }
  }
  out.ipHeaderLen = p - off;
  cur.off = p;
  const next = ipProtoNext(nh);
  if (next === Next.DONE) {
    const reason =
      nh === NH_ESP ? "ESP (encrypted)" : nh === NH_NONE ? "IPv6 no next header" : "IP payload is not TCP";
    return stop(out, DecodeStatus.NOT_TCP, reason);
  }
  return next;
}

// ICMPV6 ERRORS
// Types 1-4 (destination unreachable, packet too big, time exceeded, parameter problem) quote the
// offending IPv6 packet after the 8-byte header; same treatment as ICMP errors.
export function icmpv6(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 1 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "ICMPv6 header truncated");
  const type = d[off]!;
  if (type < 1 || type > 4) return stop(out, DecodeStatus.NOT_TCP, "ICMPv6 message");
  if (off + 8 >= cur.repEnd) return stop(out, DecodeStatus.NOT_TCP, "ICMPv6 error without quoted packet");
  cur.off = off + 8;
  cur.inIcmpError = true;
  out.inIcmpError = true;
  return Next.IPV6;
}
