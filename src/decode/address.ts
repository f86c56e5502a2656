/**
 * Network addresses as Wireshark prints them in its %uns/%und columns. Formatting builds strings, so
 * it belongs to output, never to the per-frame decode.
 */
import type { DecodedPacket } from "../model/packet.js";

const words = new Uint16Array(8);

/** "192.0.2.1" for version 4; RFC 5952 text for version 6; "" for anything else or bytes not there. */
export function formatAddress(data: Uint8Array, off: number, ipVersion: number): string {
  if (ipVersion === 4) {
    if (off < 0 || off + 4 > data.length) return "";
    return `${data[off]}.${data[off + 1]}.${data[off + 2]}.${data[off + 3]}`;
  }
  if (ipVersion === 6) {
    if (off < 0 || off + 16 > data.length) return "";
    return formatIpv6(data, off);
  }
  return "";
}

// IPV6 TEXT (inet_ntop, which Wireshark's columns agree with)
// Lowercase hex without leading zeros; the longest run of two or more zero groups (the first one on a
// tie) becomes "::"; IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, but not ::1 nor
// ::0.0.x.y) addresses end in dotted quad.
function formatIpv6(d: Uint8Array, off: number): string {
  for (let i = 0; i < 8; i++) words[i] = (d[off + 2 * i]! << 8) | d[off + 2 * i + 1]!;
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;

  let s = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ":";
      continue;
    }
    if (i !== 0) s += ":";
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      s += `${d[off + 12]}.${d[off + 13]}.${d[off + 14]}.${d[off + 15]}`;
      return s;
    }
    s += words[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) s += ":";
  return s;
}

/** The reported network source of a decoded frame ("" when it has no IP header). */
export function netSrc(p: DecodedPacket, data: Uint8Array): string {
  return formatAddress(data, p.srcAddrOff, p.ipVersion);
}

/** The reported network destination of a decoded frame ("" when it has no IP header). */
export function netDst(p: DecodedPacket, data: Uint8Array): string {
  return formatAddress(data, p.dstAddrOff, p.ipVersion);
}
