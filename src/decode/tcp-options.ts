/**
 * TCP options (RFC 9293 §3.1 and the registry). Walks the option bytes once and fills the option
 * fields of DecodedPacket; nothing is allocated. Validity rules are Wireshark's:
 *  - EOL ends the list, NOP is one byte;
 *  - every other option needs a length byte >= 2 that stays inside the header, or parsing stops
 *    (`optionsMalformed`): the rest of the header cannot be framed;
 *  - an option whose length is wrong for its kind (MSS not 4, ...) is skipped by its length and
 *    flagged, its value ignored, and parsing goes on.
 */
import { type DecodedPacket, MAX_SACK_BLOCKS } from "../model/packet.js";
import { u16, u32 } from "./cursor.js";

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;
const OPT_SACK_PERM = 4;
const OPT_SACK = 5;
const OPT_TIMESTAMP = 8;
const OPT_MPTCP = 30;
const OPT_TFO = 34;
/** RFC 6994 experimental options: the first two bytes of data are an ExID ("magic"). */
const OPT_EXP_1 = 253;
const OPT_EXP_2 = 254;
/** ExID of TCP Fast Open before kind 34 was assigned (RFC 7413 §4.1.1). */
const EXID_TFO = 0xf989;

/** Parses the options in [start, end) — the caller guarantees end <= captured bytes. */
export function parseTcpOptions(d: Uint8Array, start: number, end: number, out: DecodedPacket): void {
  // The usual options of a segment after the handshake (NOP, NOP, timestamps) give what the walk
  // below gives for them, in one test.
  if (
    end - start === 12 &&
    d[start] === OPT_NOP &&
    d[start + 1] === OPT_NOP &&
    d[start + 2] === OPT_TIMESTAMP &&
    d[start + 3] === 10
  ) {
    out.hasTimestamps = true;
    out.tsVal = u32(d, start + 4);
    out.tsEcr = u32(d, start + 8);
    return;
  }
  let p = start;
  while (p < end) {
    const kind = d[p]!;
    if (kind === OPT_EOL) return;
    if (kind === OPT_NOP) {
      p++;
      continue;
    }
    // LENGTH BYTE: missing, < 2, or past the header end means the options cannot be framed further.
    if (p + 1 >= end) {
      out.optionsMalformed = true;
      return;
    }
    const len = d[p + 1]!;
    if (len < 2 || p + len > end) {
      out.optionsMalformed = true;
      return;
    }
    switch (kind) {
      case OPT_MSS:
        if (len === 4) out.mss = u16(d, p + 2);
        else out.optionsMalformed = true;
        break;
      case OPT_WSCALE:
        if (len === 3) out.wscale = d[p + 2]!;
        else out.optionsMalformed = true;
        break;
      case OPT_SACK_PERM:
        if (len === 2) out.sackPermitted = true;
        else out.optionsMalformed = true;
        break;
      case OPT_SACK:
        sackBlocks(d, p, len, out);
        break;
      case OPT_TIMESTAMP:
        if (len === 10) {
          out.hasTimestamps = true;
          out.tsVal = u32(d, p + 2);
          out.tsEcr = u32(d, p + 6);
        } else {
          out.optionsMalformed = true;
        }
        break;
      case OPT_TFO:
        // Length 2 is a cookie request; otherwise the rest is the cookie.
        out.hasTfo = true;
        out.tfoCookieLen = len - 2;
        break;
      case OPT_EXP_1:
      case OPT_EXP_2:
        if (len >= 4 && u16(d, p + 2) === EXID_TFO) {
          out.hasTfo = true;
          out.tfoCookieLen = len - 4;
        }
        break;
      case OPT_MPTCP:
        out.hasMptcp = true;
        break;
      default:
        // UNKNOWN KINDS are skipped by their length.
        break;
    }
    p += len;
  }
}

// SACK BLOCKS
// Pairs of 32-bit left/right edges after the 2-byte kind+length; at most 4 fit in 40 option bytes.
// A length that is not 2 + 8n is flagged; the whole blocks it holds are still used. An empty SACK
// option (length 2) holds no block.
function sackBlocks(d: Uint8Array, p: number, len: number, out: DecodedPacket): void {
  if ((len - 2) % 8 !== 0) out.optionsMalformed = true;
  let n = (len - 2) >> 3;
  if (n > MAX_SACK_BLOCKS) n = MAX_SACK_BLOCKS;
  const blocks = out.sackBlocks;
  for (let i = 0; i < n; i++) {
    blocks[2 * i] = u32(d, p + 2 + 8 * i);
    blocks[2 * i + 1] = u32(d, p + 6 + 8 * i);
  }
  out.sackCount = n;
}
