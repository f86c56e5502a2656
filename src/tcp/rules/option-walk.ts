/**
 * Rule: how far tshark 4.0 gets through the TCP options.
 *
 * Wireshark dissects the options after the sequence analysis and before it prints the analysis
 * results. Two situations make that option walk stop with an exception ("Malformed Packet"):
 *  - the header is cut by the capture length: the walk reads option bytes until it reaches one that
 *    was not captured (an option whose kind, length or value is cut);
 *  - a SACK option holding no complete block, when the D-SACK test after it passes: the right edge
 *    of the first SACK block seen in the header so far (0 when none; edges relative to the peer's
 *    base) is at or before the ack shown (relative when the ACK bit is set), or the second block
 *    starts before that edge and ends at or after it. The test then reads an edge past the option.
 * Options before that point still take effect (window scale, SACK blocks, TFO cookie); the rest of
 * the frame's TCP dissection is skipped, so its analysis items are not printed and — for a SYN —
 * the window-scaling check after the options does not run.
 *
 * `walkOptions` re-reads the option bytes itself (the decoder leaves cut headers unparsed) and
 * reports what Wireshark would have taken from them. Option framing errors (length < 2, or past the
 * header) end the walk quietly, as Wireshark's do.
 */
import { seqGe, seqLe, seqLt } from "../../util/seq.js";

/**
 * Cheap pre-check: does the (fully captured) option area [start, end) hold a SACK option without a
 * complete block? Only then can tshark's walk stop early on an uncut header.
 */
export function hasEmptySackOption(d: Uint8Array, start: number, end: number): boolean {
  // The usual options after the handshake: NOP, NOP, timestamps (kind 8, length 10).
  if (end - start === 12 && d[start] === 1 && d[start + 1] === 1 && d[start + 2] === 8 && d[start + 3] === 10)
    return false;
  let p = start;
  while (p < end) {
    const kind = d[p]!;
    if (kind === 1) {
      p++;
      continue;
    }
    if (kind === 0 || p + 1 >= end) return false;
    const len = d[p + 1]!;
    if (len < 2) return false;
    if (kind === 5 && len < 10) return true;
    p += len;
  }
  return false;
}

export class OptionWalk {
  /** The walk stops with an exception. */
  throws = false;
  /** Window-scale shift seen before the stop (−1 none). */
  wscale = -1;
  /**
   * Sum of the sizes (32-bit) of the first three blocks of the last SACK option read — each SACK
   * option replaces what the previous one left for bytes in flight.
   */
  sackDelivered = 0;
  /** TFO option seen, with its cookie length (kind 34, or 254 with ExID 0xF989). */
  hasTfo = false;
  tfoCookieLen = 0;

  /**
   * Walks the options of the TCP header at `tcpOff` (header length `hlen`) in `d`, of which
   * `captured` bytes from tcpOff exist. `shownAck` is the ack as tshark displays it.
   */
  run(
    d: Uint8Array,
    tcpOff: number,
    hlen: number,
    captured: number,
    shownAck: number,
    sackBase: number,
  ): this {
    this.throws = false;
    // The header-wide SACK record tshark's D-SACK test reads (first two blocks, relative edges).
    let n = 0;
    let r0 = 0;
    let l1 = 0;
    let r1 = 0;
    this.wscale = -1;
    this.sackDelivered = 0;
    this.hasTfo = false;
    this.tfoCookieLen = 0;
    const end = tcpOff + hlen;
    const have = tcpOff + Math.min(captured, hlen);
    let p = tcpOff + 20;
    let eol = false;
    while (p < end) {
      if (p >= have) return this.stop();
      const kind = d[p]!;
      if (eol && kind !== 0) return this; // non-zero padding after EOL: expert, walk ends
      if (kind === 0 || kind === 1) {
        if (kind === 0) eol = true;
        p++;
        continue;
      }
      if (p + 1 >= end) return this; // length byte past the options
      if (p + 1 >= have) return this.stop();
      const len = d[p + 1]!;
      if (len < 2 || p + len > end) return this; // framing error: expert, walk ends
      const cut = p + len > have;
      if (kind === 3) {
        if (len === 3) {
          if (cut) return this.stop();
          this.wscale = d[p + 2]!;
        }
      } else if (kind === 5) {
        const blocks = (len - 2) >> 3;
        this.sackDelivered = 0;
        for (let i = 0; i < blocks; i++) {
          const o = p + 2 + 8 * i;
          if (o + 8 > have) return this.stop();
          const l = ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
          const r = ((d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!) >>> 0;
          if (i < 3) this.sackDelivered = (this.sackDelivered + ((r - l) >>> 0)) >>> 0;
          if (n === 0) {
            r0 = (r - sackBase) >>> 0;
          } else if (n === 1) {
            l1 = (l - sackBase) >>> 0;
            r1 = (r - sackBase) >>> 0;
          }
          if (n < 4) n++;
        }
        // Trailing bytes of a partial block are read (then reported malformed).
        if ((len - 2) % 8 >= 4 && p + 2 + 8 * blocks + 4 > have) return this.stop();
        if (blocks === 0 && (seqLe(r0, shownAck) || (n > 1 && seqLt(l1, r0) && seqGe(r1, r0))))
          return this.stop();
      } else if (kind === 34 || (kind === 254 && len >= 4)) {
        if (kind === 254) {
          if (p + 4 > have) return this.stop();
          if (((d[p + 2]! << 8) | d[p + 3]!) === 0xf989) {
            if (cut) return this.stop();
            this.hasTfo = true;
            this.tfoCookieLen = len - 4;
          }
        } else {
          if (cut) return this.stop();
          this.hasTfo = true;
          this.tfoCookieLen = len - 2;
        }
      } else if (cut) {
        // Other options read their value bytes: a cut value throws.
        return this.stop();
      }
      p += len;
    }
    return this;
  }

  private stop(): this {
    this.throws = true;
    return this;
  }
}
