/**
 * IPv4 (with options, AH, fragments, TSO) and ICMP errors that quote a packet. Rules follow Wireshark
 * 4.0's packet-ip.c / packet-icmp.c as observed with tshark.
 */
import { DecodeStatus, type DecodedPacket } from "../model/packet.js";
import { type Cursor, cutAddresses, ipProtoNext, Next, stop, u16 } from "./cursor.js";

const IP_PROTO_AH = 51;
const IP_PROTO_ESP = 50;
const IP_PROTO_TCP = 6;
const ICMP_REDIRECT = 5;
const REDIRECT_QUOTED_PAYLOAD = 8;
/** At most this many AH headers are skipped (a chain of them is already odd). */
const MAX_AH = 4;

// IPV4
// - Version 6 in an "IPv4" position (Ethernet 0x0800, PPP, NFLOG, IP-in-IP) is decoded as IPv6:
//   Wireshark's IPv4 dissector hands such packets to IPv6.
// - A header length < 20 or a total length < header length is bogus: no addresses, no payload.
//   A header cut short shows the source address if that much was captured.
// - Total length 0 means TCP segmentation offload: the length is what the frame reports.
// - The total length bounds everything after (Ethernet padding is not payload).
// - Inside an ICMP error the quoted header's addresses are not reported (Wireshark restores the
//   outer ones).
// - Fragments: Wireshark reassembles when the fragment's bytes were all captured, so no single frame
//   shows TCP (the reassembled one needs state we do not keep). When they were not all captured
//   (snaplen, ICMP quote), the first fragment is dissected as is and later ones are data.
export function ipv4(d: Uint8Array, cur: Cursor, out: DecodedPacket, vjUncompressed: boolean): number {
  const off = cur.off;
  if (off + 1 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "IP header truncated");
  const version = d[off]! >> 4;
  if (version === 6 && !vjUncompressed) {
    return Next.IPV6;
  }
  if (version !== 4) return stop(out, DecodeStatus.MALFORMED, "IP version is neither 4 nor 6");
  const hl = (d[off]! & 0x0f) << 2;
  if (hl < 20) return stop(out, DecodeStatus.MALFORMED, "IPv4 header length < 20");
  if (off + 4 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "IPv4 header truncated");
  let totalLen = u16(d, off + 2);
  if (totalLen === 0) totalLen = cur.repEnd - off;
  if (totalLen < hl) return stop(out, DecodeStatus.MALFORMED, "IPv4 total length < header length");
  if (off + 20 > cur.capEnd) {
    cutAddresses(cur, out, 4, off + 12, off + 16);
    return stop(out, DecodeStatus.TRUNCATED, "IPv4 header truncated");
  }
  cur.limit(off, totalLen);

  out.ipDepth++;
  if (!cur.inIcmpError) {
    out.ipVersion = 4;
    out.srcAddrOff = off + 12;
    out.dstAddrOff = off + 16;
  }
  out.ipOff = off;
  out.ipHeaderLen = hl;
  out.ipTotalLen = totalLen;
  out.ttl = d[off + 8]!;
  out.ipId = u16(d, off + 4);
  if (off + hl > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "IPv4 options truncated");
  if (cur.quotePayloadMax > 0) {
    cur.limit(off + hl, cur.quotePayloadMax);
    cur.quotePayloadMax = 0;
  }

  const frag = u16(d, off + 6);
  const fragOffset = frag & 0x1fff;
  if ((frag & 0x3fff) !== 0) {
    out.fragmented = true;
    // Reassembly is tried when the whole fragment was captured; else only offset 0 carries TCP.
    if ((totalLen > hl && off + totalLen <= cur.capEnd) || fragOffset !== 0) {
      return stop(out, DecodeStatus.FRAGMENT, "IPv4 fragment");
    }
  }

  let proto = vjUncompressed ? IP_PROTO_TCP : d[off + 9]!;
  let p = off + hl;
  // AUTHENTICATION HEADER: next header, length in 32-bit words minus 2; the payload follows it.
  for (let i = 0; proto === IP_PROTO_AH && i < MAX_AH; i++) {
    if (p + 2 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "AH header truncated");
    proto = d[p]!;
    p += (d[p + 1]! + 2) << 2;
    if (p > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "AH header truncated");
  }
  cur.off = p;
  const next = ipProtoNext(proto);
  if (next === Next.DONE) {
    return stop(
      out,
      DecodeStatus.NOT_TCP,
      proto === IP_PROTO_ESP ? "ESP (encrypted)" : "IP payload is not TCP",
    );
  }
  return next;
}

/** ICMP types whose body quotes the offending packet's IP header and first bytes. */
function isIcmpError(type: number): boolean {
  // destination unreachable, source quench, redirect, time exceeded, parameter problem
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

// ICMP ERRORS
// The quoted IP header and the first bytes of its payload follow the 8-byte ICMP header. Wireshark
// dissects the quoted TCP header (ports, flags, seq) but keeps the outer addresses as network source
// and destination, and does no sequence analysis: `inIcmpError` tells the analyser to skip it.
export function icmp(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 1 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "ICMP header truncated");
  const type = d[off]!;
  if (!isIcmpError(type)) return stop(out, DecodeStatus.NOT_TCP, "ICMP message");
  // Wireshark shows only 8 bytes after the IP header quoted by a redirect (for TCP: ports and seq).
  if (type === ICMP_REDIRECT) cur.quotePayloadMax = REDIRECT_QUOTED_PAYLOAD;
  if (off + 8 >= cur.repEnd) return stop(out, DecodeStatus.NOT_TCP, "ICMP error without quoted packet");
  cur.off = off + 8;
  cur.inIcmpError = true;
  out.inIcmpError = true;
  return Next.IPV4;
}
