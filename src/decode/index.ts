/**
 * decodeFrame: from a frame's bytes to its headers, in place, the way Wireshark 4.0 dissects them down
 * to TCP. One reused DecodedPacket and one module-level cursor: no allocation, no exceptions, no
 * closures per frame. Every read is checked against the captured length first.
 *
 * The walk is a loop over "what comes next" (see cursor.ts): link layer, then EtherType/PPP/LLC shims,
 * IP headers (as many as a tunnel stacks), ICMP quotes, and finally TCP. It is bounded by MAX_LAYERS,
 * so no crafted frame can make it spin.
 */
import { DecodeStatus, type DecodedPacket } from "../model/packet.js";
import { Cursor, Next, stop } from "./cursor.js";
import { icmp, ipv4 } from "./ipv4.js";
import { icmpv6, ipv6 } from "./ipv6.js";
import {
  bsdNull,
  ciscoHdlc,
  ethernet,
  etherType,
  gre,
  linuxSll,
  llc,
  mpls,
  nflog,
  openbsdLoop,
  pflog,
  pktap,
  pppHdlc,
  pppProto,
  rawIp,
} from "./link.js";
import { tcp } from "./tcp.js";
import { udp } from "./udp.js";
import { ieee80211, ppi, radiotap } from "./wlan.js";

import { lightDecodeFrame } from "./light.js";

export { formatAddress, netDst, netSrc } from "./address.js";
export { parseTcpOptions } from "./tcp-options.js";

/** More headers than any sane encapsulation stacks (each loop step consumes one header). */
const MAX_LAYERS = 32;

const cur = new Cursor();

/**
 * Decodes one frame into `out` (reset first). `origLen` is the length on the wire, used for lengths
 * Wireshark computes from the reported size (TSO frames). Never throws; problems are `out.status`.
 */
export function decodeFrame(linkType: number, data: Uint8Array, origLen: number, out: DecodedPacket): void {
  decodeFrameAt(linkType, data, 0, data.length, origLen, out);
}

/**
 * decodeFrameAt with the common frame (Ethernet, IP, a consistent TCP header) recognised and decoded
 * in one go (light.ts lightDecodeFrame, the same result), anything else walked layer by layer.
 */
export function decodeFrameFast(
  linkType: number,
  buf: Uint8Array,
  start: number,
  capLen: number,
  origLen: number,
  out: DecodedPacket,
): void {
  if (!lightDecodeFrame(linkType, buf, start, capLen, origLen, out))
    decodeFrameAt(linkType, buf, start, capLen, origLen, out);
}

/**
 * decodeFrame for a frame held at buf[start, start + capLen) (e.g. FrameRecord.buf/off): every offset
 * in `out` then indexes `buf`, and out.frameLen is the frame's end in it.
 */
export function decodeFrameAt(
  linkType: number,
  data: Uint8Array,
  start: number,
  capLen: number,
  origLen: number,
  out: DecodedPacket,
): void {
  out.reset();
  out.frameLen = start + capLen;
  cur.init(linkType, start, capLen, origLen);
  let next: number = Next.LINK;
  for (let steps = 0; next !== Next.DONE; steps++) {
    if (steps === MAX_LAYERS) {
      stop(out, DecodeStatus.MALFORMED, "too many nested headers");
      return;
    }
    // One switch in this function, not a helper: V8 inlines only so much into a caller, and the
    // dispatch itself should cost nothing.
    switch (next) {
      case Next.LINK:
        next = startLink(cur.linkType, data, out);
        break;
      case Next.ETHERNET:
        next = ethernet(data, cur, out);
        break;
      case Next.ETHERTYPE:
        next = etherType(data, cur, out);
        break;
      case Next.LLC:
        next = llc(data, cur, out);
        break;
      case Next.IPV4:
        next = ipv4(data, cur, out, false);
        break;
      case Next.IPV4_VJ:
        next = ipv4(data, cur, out, true);
        break;
      case Next.IPV6:
        next = ipv6(data, cur, out);
        break;
      case Next.PPP_HDLC:
        next = pppHdlc(data, cur, out);
        break;
      case Next.PPP_PROTO:
        next = pppProto(data, cur, out);
        break;
      case Next.MPLS:
        next = mpls(data, cur, out);
        break;
      case Next.GRE:
        next = gre(data, cur, out);
        break;
      case Next.UDP:
        next = udp(data, cur, out);
        break;
      case Next.IEEE80211:
        next = ieee80211(data, cur, out);
        break;
      case Next.ICMP:
        next = icmp(data, cur, out);
        break;
      case Next.ICMPV6:
        next = icmpv6(data, cur, out);
        break;
      case Next.TCP:
        tcp(data, cur, out);
        return;
      default:
        stop(out, DecodeStatus.MALFORMED, "decoder state lost");
        return;
    }
  }
}

// LINK TYPES (LINKTYPE_* numbers from tcpdump.org/linktypes.html), at cur.off
function startLink(linkType: number, d: Uint8Array, out: DecodedPacket): number {
  switch (linkType) {
    case 1: // ETHERNET
      return Next.ETHERNET;
    case 0: // NULL: BSD loopback, host-order family
      return bsdNull(d, cur, out);
    case 108: // LOOP: OpenBSD loopback, big-endian family
      return openbsdLoop(d, cur, out);
    case 12: // RAW on some BSDs
    case 14: // RAW on OpenBSD
    case 101: // RAW
      return rawIp(d, cur, out);
    case 228: // IPV4: Wireshark's IPv4 dissector (which also takes version 6)
      return Next.IPV4;
    case 229: // IPV6
      return Next.IPV6;
    case 9: // PPP
    case 50: // PPP_HDLC
      return Next.PPP_HDLC;
    case 204: // PPP_WITH_DIR: one direction byte, then PPP
      cur.off += 1;
      return Next.PPP_HDLC;
    case 113: // LINUX_SLL
      return linuxSll(d, cur, out, false);
    case 276: // LINUX_SLL2
      return linuxSll(d, cur, out, true);
    case 239: // NFLOG
      return nflog(d, cur, out);
    case 51: // PPP_ETHER: a PPPoE session header, no Ethernet
      cur.etherType = 0x8864;
      return Next.ETHERTYPE;
    case 104: // C_HDLC
      return ciscoHdlc(d, cur, out);
    case 117: // PFLOG
      return pflog(d, cur, out);
    case 105: // IEEE802_11
      return Next.IEEE80211;
    case 127: // IEEE802_11_RADIOTAP
      return radiotap(d, cur, out);
    case 192: // PPI
      return ppi(d, cur, out);
    case 258: // PKTAP (Apple)
      return pktap(d, cur, out);
    default:
      return stop(out, DecodeStatus.UNSUPPORTED_LINK, "link type not decoded");
  }
}
