/**
 * Classic libpcap files: a 24-byte file header then 16-byte record headers, in the writer's byte
 * order (magic a1b2c3d4 µs / a1b23c4d ns, or byte-swapped). https://ietf-opsawg-wg.github.io/draft-ietf-opsawg-pcap/
 */
import { CaptureFormatError } from "../util/errors.js";
import type { FrameRecord } from "../model/frame.js";
import { newInterfaceInfo, type CaptureSummary, type RecordParser } from "./types.js";

const FILE_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
/**
 * Wireshark refuses records larger than 262144 bytes unless the snaplen says more; we accept up to
 * the larger of that and the file's snaplen, and call anything above absurd.
 */
const MAX_STANDARD_PACKET = 262_144;

/** The largest record a pcap file with this snaplen may hold: anything larger is damage. */
export function pcapMaxRecord(snaplen: number): number {
  return Math.max(MAX_STANDARD_PACKET, snaplen);
}

/** Words of a record's entry in a chunk's index (shared-read.ts): offset, captured and original length, seconds, fraction. */
export const INDEX_WORDS = 5;

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

export function isPcapMagic(m: number): boolean {
  return m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
}

/** The unsigned 32-bit field at d[o] in the file's byte order. */
export function pcapU32(d: Uint8Array, o: number, little: boolean): number {
  return little
    ? (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0
    : ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

/** The byte order of a file starting with this pcap magic (read little-endian): little or not. */
export function pcapLittleEndian(d: Uint8Array, o: number): boolean {
  const le = pcapU32(d, o, true);
  return le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS;
}

export class PcapParser implements RecordParser {
  need = FILE_HEADER_LEN;
  views = false;
  readonly viewsSupported = true;
  private headerDone = false;
  private little = true;
  private nanos = false;
  private linkType = 0;
  private maxRecord = MAX_STANDARD_PACKET;

  constructor(
    private readonly summary: CaptureSummary,
    private readonly frame: FrameRecord,
    private readonly emit: (f: FrameRecord) => void,
  ) {}

  private u32(buf: Uint8Array, p: number): number {
    return pcapU32(buf, p, this.little);
  }

  private parseHeader(buf: Uint8Array, pos: number): void {
    this.little = pcapLittleEndian(buf, pos);
    const magic = this.u32(buf, pos);
    this.nanos = magic === PCAP_MAGIC_NS;
    const s = this.summary;
    s.format = this.nanos ? "nsecpcap" : "pcap";
    s.byteOrder = this.little ? "little" : "big";
    s.versionMajor = this.little
      ? buf[pos + 4]! | (buf[pos + 5]! << 8)
      : (buf[pos + 4]! << 8) | buf[pos + 5]!;
    s.versionMinor = this.little
      ? buf[pos + 6]! | (buf[pos + 7]! << 8)
      : (buf[pos + 6]! << 8) | buf[pos + 7]!;
    s.snaplen = this.u32(buf, pos + 16);
    // The upper bits of the link-type field carry FCS information (pcap spec §4); the type is the low 16.
    this.linkType = this.u32(buf, pos + 20) & 0xffff;
    this.maxRecord = pcapMaxRecord(s.snaplen);
    s.interfaces.push(newInterfaceInfo(this.linkType, s.snaplen, this.nanos ? 1e9 : 1e6, this.nanos ? 9 : 6));
    this.headerDone = true;
  }

  parse(buf: Uint8Array, pos: number, end: number, base: number): number {
    if (!this.headerDone) {
      if (end - pos < FILE_HEADER_LEN) {
        this.need = FILE_HEADER_LEN;
        return pos;
      }
      this.parseHeader(buf, pos);
      pos += FILE_HEADER_LEN;
    }
    // What a walk that stops between records needs next. (Set before the loop, not after it: the
    // loop's optimised code then never meets a store it has no feedback for at every chunk's end.)
    this.need = RECORD_HEADER_LEN;
    while (end - pos >= RECORD_HEADER_LEN) {
      const capLen = this.u32(buf, pos + 8);
      if (capLen > this.maxRecord) {
        throw new CaptureFormatError(
          `record header says ${capLen} captured bytes, more than the maximum ${this.maxRecord}: the file is damaged here`,
          base + pos,
        );
      }
      if (end - pos < RECORD_HEADER_LEN + capLen) {
        this.need = RECORD_HEADER_LEN + capLen;
        return pos;
      }
      this.deliver(buf, pos, capLen, this.u32(buf, pos + 12), this.u32(buf, pos), this.u32(buf, pos + 4) | 0, base);
      pos += RECORD_HEADER_LEN + capLen;
    }
    return pos;
  }

  /** Hands out the record at buf[pos] (its header's fields given) as the frame. */
  private deliver(
    buf: Uint8Array,
    pos: number,
    capLen: number,
    origLen: number,
    sec: number,
    frac: number,
    base: number,
  ): void {
    const f = this.frame;
    f.number++;
    f.kind = 0;
    f.hasTs = true;
    f.tsSec = sec;
    // Kept as written even when out of range (Wireshark does the same; see formatEpoch).
    f.tsNsec = this.nanos ? frac : (frac * 1000) | 0;
    f.capLen = capLen;
    f.origLen = origLen;
    f.linkType = this.linkType;
    f.interfaceId = 0;
    f.fileOffset = base + pos;
    if (this.views) {
      f.buf = buf;
      f.off = pos + RECORD_HEADER_LEN;
    } else {
      f.data = buf.subarray(pos + RECORD_HEADER_LEN, pos + RECORD_HEADER_LEN + capLen);
    }
    f.comment = undefined;
    this.summary.interfaces[0]!.packets++;
    this.emit(f);
  }

  /**
   * Delivers records whose places and header fields were already found (shared-read.ts indexes the
   * chunks the other thread reads): `index` holds INDEX_WORDS words per record — offset from
   * `dataStart`, captured and original length, seconds, fraction — for `count` records lying whole
   * in buf, one after the other. Returns the position after the last, as parse() would.
   */
  parseIndexed(buf: Uint8Array, dataStart: number, index: Int32Array, count: number, base: number): number {
    let pos = dataStart;
    for (let k = 0; k < count * INDEX_WORDS; k += INDEX_WORDS) {
      pos = dataStart + index[k]!;
      const capLen = index[k + 1]!;
      this.deliver(buf, pos, capLen, index[k + 2]! >>> 0, index[k + 3]! >>> 0, index[k + 4]!, base);
      pos += RECORD_HEADER_LEN + capLen;
    }
    this.need = RECORD_HEADER_LEN;
    return pos;
  }

  finish(leftover: number, offset: number): void {
    if (!this.headerDone) {
      throw new CaptureFormatError(
        `pcap file header cut short (${leftover} of ${FILE_HEADER_LEN} bytes)`,
        offset,
      );
    }
    if (leftover > 0) {
      throw new CaptureFormatError(
        `last record cut short: ${leftover} bytes left of a record that needs ${this.need}`,
        offset,
      );
    }
  }
}
