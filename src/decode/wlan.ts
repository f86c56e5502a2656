/**
 * Wi-Fi captures: radiotap (linktype 127) and PPI (192) headers in front of IEEE 802.11 frames (105),
 * whose data frames carry LLC/SNAP and then IP. Rules follow what Wireshark 4.0 shows (checked with
 * tshark on hand-built frames): without keys, protected frames are not decoded.
 */
import { DecodeStatus, type DecodedPacket } from "../model/packet.js";
import { type Cursor, Next, stop, u32le } from "./cursor.js";

const RADIOTAP_TSFT = 0x1;
const RADIOTAP_FLAGS = 0x2;
const RADIOTAP_EXT = 0x80000000;
/** Radiotap Flags bits: the frame ends with a 4-byte FCS; the 802.11 header is padded to 32 bits. */
const RT_FLAG_FCS = 0x10;
const RT_FLAG_DATA_PAD = 0x20;

const WLAN_TYPE_DATA = 2;
const WLAN_FLAG_PROTECTED = 0x40;
const WLAN_FLAG_ORDER = 0x80;

// RADIOTAP
// A little-endian header whose length is in bytes 2-3. Only the Flags field matters here (FCS at the
// end, padding after the 802.11 header); it follows the presence bitmaps and the 8-byte, 8-aligned
// TSFT field when that is present.
export function radiotap(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 8 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "radiotap header truncated");
  const len = d[off + 2]! | (d[off + 3]! << 8);
  if (len < 8) return stop(out, DecodeStatus.MALFORMED, "radiotap length < 8");
  if (off + len > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "radiotap header truncated");
  const present = u32le(d, off + 4);
  let p = off + 8;
  // Extended presence bitmaps follow while bit 31 is set.
  for (let bitmap = present; (bitmap & RADIOTAP_EXT) !== 0 && p + 4 <= off + len; p += 4) {
    bitmap = u32le(d, p);
  }
  let flags = 0;
  if ((present & RADIOTAP_FLAGS) !== 0) {
    if ((present & RADIOTAP_TSFT) !== 0) p = off + (((p - off + 7) & ~7) + 8);
    if (p < off + len) flags = d[p]!;
  }
  if ((flags & RT_FLAG_FCS) !== 0 && cur.repEnd - 4 > off + len) cur.limit(off, cur.repEnd - 4 - off);
  cur.off = off + len;
  cur.wlanDataPad = (flags & RT_FLAG_DATA_PAD) !== 0;
  return Next.IEEE80211;
}

// PPI (Per-Packet Information): little-endian header length and the link type of the frame that
// follows (802.11 or Ethernet in practice).
export function ppi(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 8 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "PPI header truncated");
  const len = d[off + 2]! | (d[off + 3]! << 8);
  if (len < 8) return stop(out, DecodeStatus.MALFORMED, "PPI length < 8");
  cur.linkType = u32le(d, off + 4);
  cur.off = off + len;
  return Next.LINK;
}

// IEEE 802.11 DATA FRAMES
// Frame control is little-endian: type in bits 2-3, subtype in 4-7, flags in the second byte.
// Header: 24 bytes; +6 for the fourth address (to-DS and from-DS); +2 QoS control (subtype bit 3);
// +4 HT control when a QoS frame has the Order flag. Null-data subtypes (bit 2) carry nothing;
// protected frames are encrypted; A-MSDU aggregates (QoS bit 7) hold several packets and are not
// followed. The payload is LLC.
export function ieee80211(d: Uint8Array, cur: Cursor, out: DecodedPacket): number {
  const off = cur.off;
  if (off + 2 > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "802.11 header truncated");
  const fc0 = d[off]!;
  const flags = d[off + 1]!;
  if (((fc0 >> 2) & 3) !== WLAN_TYPE_DATA) return stop(out, DecodeStatus.NOT_TCP, "802.11 frame is not data");
  const subtype = fc0 >> 4;
  if ((subtype & 0x4) !== 0) return stop(out, DecodeStatus.NOT_TCP, "802.11 null data");
  let len = 24;
  if ((flags & 3) === 3) len += 6;
  const qos = (subtype & 0x8) !== 0;
  if (qos) len += 2;
  if (off + len > cur.capEnd) return stop(out, DecodeStatus.TRUNCATED, "802.11 header truncated");
  if (qos) {
    if ((d[off + len - 2]! & 0x80) !== 0) return stop(out, DecodeStatus.NOT_TCP, "802.11 A-MSDU");
    if ((flags & WLAN_FLAG_ORDER) !== 0) len += 4;
  }
  if ((flags & WLAN_FLAG_PROTECTED) !== 0)
    return stop(out, DecodeStatus.NOT_TCP, "802.11 protected (encrypted)");
  if (cur.wlanDataPad) len = (len + 3) & ~3;
  cur.off = off + len;
  return Next.LLC;
}
