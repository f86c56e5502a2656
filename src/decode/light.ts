/**
 * lightTcpKey: the common case of decodeFrame in a few dozen reads — Ethernet (up to 4 VLAN tags),
 * IPv4 without fragmentation or AH / IPv6 without extension headers, and a consistent TCP header —
 * for a thread that only needs to know whose packet a frame is (the flow key) and whether the
 * connection tracker takes it. It answers true only when decodeFrame would give exactly that: status
 * OK, not quoted in an ICMP error, a TCP header with data offset >= 5, ipVersion 4 or 6, and the same
 * addresses and ports. Everything else (other link types, tunnels, fragments, options cut short,
 * malformed headers, ICMP ...) answers false: decode the frame fully then.
 *
 * lightDecodeFrame: the same frames, recognised and decoded in one go — for a thread that decodes
 * every frame it looks at. (It repeats lightTcpKey's checks rather than sharing them: handing their
 * results over through an object cost a tenth of the one-thread pass.)
 * test/light-key.test.ts holds both to decodeFrame on every frame of the corpus.
 */
import { DecodeStatus, type DecodedPacket, TcpField } from "../model/packet.js";
import { flowHash4, flowHashV1 } from "../util/flow-hash.js";
import { parseTcpOptions } from "./tcp-options.js";

/** The key of the last frame lightTcpKey accepted (offsets into the frame's bytes). */
export class LightKey {
  /** flowHashV1 of the key as an int32 (`>>> 0` gives the unsigned value; util/flow-hash.ts). */
  hash = 0;
  ipVersion = 0;
  srcAddrOff = 0;
  dstAddrOff = 0;
  srcPort = 0;
  dstPort = 0;
}

const MAX_VLAN_TAGS = 4;

/**
 * See the file comment. The frame's captured bytes are d[start, start + capLen) (offsets in `out`
 * index `d`, as decodeFrameAt's do); `origLen` is its length on the wire. `withHash` false leaves
 * `out.hash` as it was (one thread has no use for the flow hash).
 */
export function lightTcpKey(
  linkType: number,
  d: Uint8Array,
  start: number,
  capLen: number,
  origLen: number,
  out: LightKey,
  withHash = true,
): boolean {
  if (linkType !== 1) return false;
  let capEnd = start + capLen;
  let repEnd = start + Math.max(origLen, capLen);
  if (start + 14 > capEnd) return false;
  let type = (d[start + 12]! << 8) | d[start + 13]!;
  let off = start + 14;
  for (let tags = 0; type === 0x8100 || type === 0x88a8 || type === 0x9100; tags++) {
    if (tags === MAX_VLAN_TAGS || off + 4 > capEnd) return false;
    type = (d[off + 2]! << 8) | d[off + 3]!;
    off += 4;
  }
  let tcpOff: number;
  if (type === 0x0800) {
    if (off + 20 > capEnd) return false;
    const b0 = d[off]!;
    if (b0 >> 4 !== 4) return false;
    const hl = (b0 & 0x0f) << 2;
    if (hl < 20) return false;
    const totalLen = (d[off + 2]! << 8) | d[off + 3]!;
    if (totalLen === 0 || totalLen < hl) return false;
    // cur.limit(off, totalLen)
    const end = off + totalLen;
    if (end < repEnd) repEnd = end;
    if (repEnd < capEnd) capEnd = repEnd;
    if (off + hl > capEnd) return false;
    if ((((d[off + 6]! << 8) | d[off + 7]!) & 0x3fff) !== 0) return false;
    if (d[off + 9] !== 6) return false;
    out.ipVersion = 4;
    out.srcAddrOff = off + 12;
    out.dstAddrOff = off + 16;
    tcpOff = off + hl;
  } else if (type === 0x86dd) {
    if (off + 40 > capEnd) return false;
    if (d[off]! >> 4 !== 6) return false;
    const payloadLen = (d[off + 4]! << 8) | d[off + 5]!;
    // cur.limit(off + 40, payloadLen)
    const end = off + 40 + payloadLen;
    if (end < repEnd) repEnd = end;
    if (repEnd < capEnd) capEnd = repEnd;
    if (d[off + 6] !== 6) return false;
    out.ipVersion = 6;
    out.srcAddrOff = off + 8;
    out.dstAddrOff = off + 24;
    tcpOff = off + 40;
  } else {
    return false;
  }
  // TCP: ports, seq, ack, offset and flags, window captured; a data offset >= 5 that fits the IP payload.
  const reported = repEnd - tcpOff;
  if (reported <= 0 || capEnd - tcpOff < 16) return false;
  const hlen = (d[tcpOff + 12]! >> 4) << 2;
  if (hlen < 20 || hlen > reported) return false;
  const sport = (d[tcpOff]! << 8) | d[tcpOff + 1]!;
  const dport = (d[tcpOff + 2]! << 8) | d[tcpOff + 3]!;
  out.srcPort = sport;
  out.dstPort = dport;
  if (!withHash) return true;
  const s = out.srcAddrOff;
  const t = out.dstAddrOff;
  out.hash =
    out.ipVersion === 4
      ? flowHash4(
          (d[s]! << 24) | (d[s + 1]! << 16) | (d[s + 2]! << 8) | d[s + 3]!,
          (d[t]! << 24) | (d[t + 1]! << 16) | (d[t + 2]! << 8) | d[t + 3]!,
          sport,
          dport,
        )
      : flowHashV1(d, 6, s, t, sport, dport) | 0;
  return true;
}

/**
 * What lightTcpKey promises, checked against a full decode of the same frame (tests): the tracker
 * takes the packet and its key is the light one.
 */
export function agreesWithDecode(k: LightKey, pkt: DecodedPacket): boolean {
  return (
    pkt.status === DecodeStatus.OK &&
    !pkt.inIcmpError &&
    (pkt.tcpFields & TcpField.HEADER) !== 0 &&
    pkt.tcpHeaderLen >= 20 &&
    pkt.ipVersion === k.ipVersion &&
    pkt.srcAddrOff === k.srcAddrOff &&
    pkt.dstAddrOff === k.dstAddrOff &&
    pkt.srcPort === k.srcPort &&
    pkt.dstPort === k.dstPort
  );
}

/**
 * lightTcpKey and lightDecode in one go, for a thread that decodes every frame it reads (one thread,
 * or the analysis thread of the pipeline): true, with `out` filled exactly as decodeFrameAt fills it,
 * when lightTcpKey would accept the frame; false otherwise (then `out` is partly written: decode the
 * frame fully). Writes every field of `out` itself instead of resetting it first.
 * test/light-key.test.ts holds it to decodeFrame on every frame of the corpus.
 */
export function lightDecodeFrame(
  linkType: number,
  d: Uint8Array,
  start: number,
  capLen: number,
  origLen: number,
  out: DecodedPacket,
): boolean {
  if (linkType !== 1) return false;
  let capEnd = start + capLen;
  let repEnd = start + Math.max(origLen, capLen);
  if (start + 14 > capEnd) return false;
  let type = (d[start + 12]! << 8) | d[start + 13]!;
  let off = start + 14;
  let vlanOuter = 0;
  let vlanInner = 0;
  for (let tags = 0; type === 0x8100 || type === 0x88a8 || type === 0x9100; tags++) {
    if (tags === MAX_VLAN_TAGS || off + 4 > capEnd) return false;
    const vid = ((d[off]! << 8) | d[off + 1]!) & 0x0fff;
    if (tags === 0) vlanOuter = vid;
    else if (tags === 1) vlanInner = vid;
    type = (d[off + 2]! << 8) | d[off + 3]!;
    off += 4;
  }
  const ip = off;
  let v: number;
  let hl: number;
  let totalLen: number;
  if (type === 0x0800) {
    if (off + 20 > capEnd) return false;
    const b0 = d[off]!;
    if (b0 >> 4 !== 4) return false;
    hl = (b0 & 0x0f) << 2;
    if (hl < 20) return false;
    totalLen = (d[off + 2]! << 8) | d[off + 3]!;
    if (totalLen === 0 || totalLen < hl) return false;
    const end = off + totalLen;
    if (end < repEnd) repEnd = end;
    if (repEnd < capEnd) capEnd = repEnd;
    if (off + hl > capEnd) return false;
    if ((((d[off + 6]! << 8) | d[off + 7]!) & 0x3fff) !== 0) return false;
    if (d[off + 9] !== 6) return false;
    v = 4;
  } else if (type === 0x86dd) {
    if (off + 40 > capEnd) return false;
    if (d[off]! >> 4 !== 6) return false;
    const payloadLen = (d[off + 4]! << 8) | d[off + 5]!;
    const end = off + 40 + payloadLen;
    if (end < repEnd) repEnd = end;
    if (repEnd < capEnd) capEnd = repEnd;
    if (d[off + 6] !== 6) return false;
    v = 6;
    hl = 40;
    totalLen = payloadLen + 40;
  } else {
    return false;
  }
  const tcp = ip + hl;
  const reported = repEnd - tcp;
  const captured = capEnd - tcp;
  if (reported <= 0 || captured < 16) return false;
  const hlen = (d[tcp + 12]! >> 4) << 2;
  if (hlen < 20 || hlen > reported) return false;
  // ---- accepted: the fields decodeFrameAt gives such a frame (see lightDecode) ----
  out.status = DecodeStatus.OK;
  out.reason = "";
  out.frameLen = start + capLen;
  out.vlanOuter = vlanOuter;
  out.vlanInner = vlanInner;
  out.ipDepth = 1;
  out.ipVersion = v;
  out.ipOff = ip;
  out.ipHeaderLen = hl;
  out.ipTotalLen = totalLen;
  if (v === 4) {
    out.srcAddrOff = ip + 12;
    out.dstAddrOff = ip + 16;
    out.ttl = d[ip + 8]!;
    out.ipId = (d[ip + 4]! << 8) | d[ip + 5]!;
  } else {
    out.srcAddrOff = ip + 8;
    out.dstAddrOff = ip + 24;
    out.ttl = d[ip + 7]!;
    out.ipId = 0;
  }
  out.inIcmpError = false;
  out.fragmented = false;
  out.tcpCount = 1;
  out.tcpOff = tcp;
  out.srcPort = (d[tcp]! << 8) | d[tcp + 1]!;
  out.dstPort = (d[tcp + 2]! << 8) | d[tcp + 3]!;
  out.seq = ((d[tcp + 4]! << 24) | (d[tcp + 5]! << 16) | (d[tcp + 6]! << 8) | d[tcp + 7]!) >>> 0;
  out.ack = ((d[tcp + 8]! << 24) | (d[tcp + 9]! << 16) | (d[tcp + 10]! << 8) | d[tcp + 11]!) >>> 0;
  out.tcpHeaderLen = hlen;
  out.flags = ((d[tcp + 12]! << 8) | d[tcp + 13]!) & 0x0fff;
  out.windowRaw = (d[tcp + 14]! << 8) | d[tcp + 15]!;
  if (captured >= 20) {
    out.checksum = (d[tcp + 16]! << 8) | d[tcp + 17]!;
    out.urgentPtr = (d[tcp + 18]! << 8) | d[tcp + 19]!;
  } else {
    out.checksum = 0;
    out.urgentPtr = 0;
  }
  out.tcpFields = TcpField.PORTS | TcpField.HEADER | TcpField.FLAGS | TcpField.LEN;
  out.payloadLen = reported - hlen;
  out.payloadCapturedLen = captured > hlen ? captured - hlen : 0;
  // The options' fields start as no option (parseTcpOptions sets those it finds).
  out.resetOptions();
  out.tcpHeaderTruncated = captured < hlen;
  if (captured >= hlen && hlen > 20) parseTcpOptions(d, tcp + 20, tcp + hlen, out);
  return true;
}
