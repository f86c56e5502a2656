/**
 * pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks, each `type, total length, body, total
 * length`. Every section header starts a new byte order and a new set of interfaces; frame numbers
 * and interface ids run on across sections as Wireshark numbers them.
 */
import { CaptureFormatError } from "../util/errors.js";
import { RecordKind, type FrameRecord } from "../model/frame.js";
import {
  countSkip,
  newInterfaceInfo,
  type CaptureSummary,
  type InterfaceInfo,
  type RecordParser,
} from "./types.js";

export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BT_IDB = 1;
const BT_OPB = 2; // obsolete packet block
const BT_SPB = 3;
const BT_ISB = 5;
const BT_EPB = 6;
const BT_CUSTOM = 0x00000bad;
const BT_CUSTOM_NOCOPY = 0x40000bad;
/** Blocks larger than this are treated as damage rather than buffered (Wireshark caps at 16 MiB too). */
const MAX_BLOCK = 16 * 1024 * 1024;
const MIN_BLOCK = 12;

const utf8 = new TextDecoder("utf-8", { fatal: false });

interface IfaceClock {
  /** Ticks per second. */
  ticks: number;
  /** Nanoseconds per tick when ticks divides 1e9, else 0. */
  nsPerTick: number;
  offsetSec: number;
  info: InterfaceInfo;
}

export class PcapngParser implements RecordParser {
  views = false;
  readonly viewsSupported = true;
  need = MIN_BLOCK;
  private little = true;
  private inSection = false;
  /** Interfaces of the current section, and the global id of its first one. */
  private ifaces: IfaceClock[] = [];
  private ifaceBase = 0;
  /** Scratch for timestamp division: [seconds, remainder ticks]. */
  private readonly split = new Float64Array(2);

  constructor(
    private readonly summary: CaptureSummary,
    private readonly frame: FrameRecord,
    private readonly emit: (f: FrameRecord) => void,
  ) {
    summary.format = "pcapng";
  }

  private u16(b: Uint8Array, p: number): number {
    return this.little ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
  }
  private u32(b: Uint8Array, p: number): number {
    return this.little
      ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
      : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  parse(buf: Uint8Array, pos: number, end: number, base: number): number {
    while (end - pos >= 8) {
      // The SHB type reads the same in both byte orders; its length depends on the magic after it.
      const first = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
      if (first === PCAPNG_SHB) {
        if (end - pos < 12) {
          this.need = 12;
          return pos;
        }
        const bom =
          (buf[pos + 8]! | (buf[pos + 9]! << 8) | (buf[pos + 10]! << 16) | (buf[pos + 11]! << 24)) >>> 0;
        if (bom === BYTE_ORDER_MAGIC) this.little = true;
        else if (bom === 0x4d3c2b1a) this.little = false;
        else
          throw new CaptureFormatError("pcapng section header with an unknown byte-order magic", base + pos);
      } else if (!this.inSection) {
        throw new CaptureFormatError("pcapng block before any section header", base + pos);
      }
      const type = this.u32(buf, pos);
      const len = this.u32(buf, pos + 4);
      if (len < MIN_BLOCK || len % 4 !== 0 || len > MAX_BLOCK) {
        throw new CaptureFormatError(
          `pcapng block of type 0x${type.toString(16)} has an impossible length ${len}: the file is damaged here`,
          base + pos,
        );
      }
      if (end - pos < len) {
        this.need = len;
        return pos;
      }
      if (this.u32(buf, pos + len - 4) !== len) {
        throw new CaptureFormatError(
          `pcapng block of type 0x${type.toString(16)}: trailing length does not match ${len}`,
          base + pos,
        );
      }
      this.block(type, buf, pos, len, base);
      pos += len;
    }
    this.need = 8;
    return pos;
  }

  private block(type: number, b: Uint8Array, pos: number, len: number, base: number): void {
    switch (type) {
      case PCAPNG_SHB:
        this.sectionHeader(b, pos, len, base);
        return;
      case BT_IDB:
        this.interfaceDescription(b, pos, len);
        return;
      case BT_EPB:
        this.enhancedPacket(b, pos, len, base);
        return;
      case BT_SPB:
        this.simplePacket(b, pos, len, base);
        return;
      case BT_OPB:
        this.obsoletePacket(b, pos, len, base);
        return;
      case BT_ISB: {
        const id = this.u32(b, pos + 8);
        const ifc = this.ifaces[id];
        if (ifc) ifc.info.statEntries++;
        return;
      }
      case BT_CUSTOM:
      case BT_CUSTOM_NOCOPY:
        this.customBlock(b, pos, len, base);
        return;
      default:
        // Name resolution, decryption secrets, custom, systemd journal and unknown blocks carry no frames.
        return;
    }
  }

  private sectionHeader(b: Uint8Array, pos: number, len: number, base: number): void {
    if (len < 28) throw new CaptureFormatError("pcapng section header too short", base + pos);
    this.inSection = true;
    this.ifaces = [];
    this.ifaceBase = this.summary.interfaces.length;
    const sec = {
      byteOrder: this.little ? ("little" as const) : ("big" as const),
      versionMajor: this.u16(b, pos + 12),
      versionMinor: this.u16(b, pos + 14),
      hardware: undefined as string | undefined,
      os: undefined as string | undefined,
      application: undefined as string | undefined,
      comments: [] as string[],
      offset: base + pos,
    };
    this.options(b, pos + 24, pos + len - 4, (code, vs, ve) => {
      if (code === 1) sec.comments.push(utf8.decode(b.subarray(vs, ve)));
      else if (code === 2) sec.hardware = utf8.decode(b.subarray(vs, ve));
      else if (code === 3) sec.os = utf8.decode(b.subarray(vs, ve));
      else if (code === 4) sec.application = utf8.decode(b.subarray(vs, ve));
    });
    const s = this.summary;
    s.sections.push(sec);
    if (s.sections.length === 1) {
      s.byteOrder = sec.byteOrder;
      s.versionMajor = sec.versionMajor;
      s.versionMinor = sec.versionMinor;
    }
  }

  private interfaceDescription(b: Uint8Array, pos: number, len: number): void {
    const info: InterfaceInfo = newInterfaceInfo(this.u16(b, pos + 8), this.u32(b, pos + 12), 1e6, 6);
    info.sectionIndex = this.ifaces.length;
    let ticks = 1e6;
    let offsetSec = 0;
    this.options(b, pos + 16, pos + len - 4, (code, vs, ve) => {
      switch (code) {
        case 2:
          info.name = utf8.decode(b.subarray(vs, ve));
          break;
        case 3:
          info.description = utf8.decode(b.subarray(vs, ve));
          break;
        case 9: {
          // if_tsresol: MSB clear = 10^-n, set = 2^-n.
          const v = b[vs] ?? 6;
          const n = v & 0x7f;
          ticks = v & 0x80 ? 2 ** n : 10 ** n;
          info.precisionDigits = v & 0x80 ? Math.ceil(n * Math.log10(2)) : n;
          break;
        }
        case 11:
          // if_filter: first byte says the filter kind (0 = libpcap string).
          info.filter = utf8.decode(b.subarray(vs + 1, ve));
          break;
        case 12:
          info.os = utf8.decode(b.subarray(vs, ve));
          break;
        case 14:
          if (ve - vs >= 8) offsetSec = this.i64(b, vs);
          break;
        case 15:
          info.hardware = utf8.decode(b.subarray(vs, ve));
          break;
      }
    });
    info.ticksPerSecond = ticks;
    info.tsOffsetSec = offsetSec;
    this.ifaces.push({
      ticks,
      nsPerTick: ticks <= 1e9 && 1e9 % ticks === 0 ? 1e9 / ticks : 0,
      offsetSec,
      info,
    });
    this.summary.interfaces.push(info);
  }

  private i64(b: Uint8Array, p: number): number {
    const hi = this.little ? this.u32(b, p + 4) | 0 : this.u32(b, p) | 0;
    const lo = this.little ? this.u32(b, p) : this.u32(b, p + 4);
    return hi * 4294967296 + lo;
  }

  /** Walks options in [p, end): code, length, value padded to 4; stops at opt_endofopt or damage. */
  private options(
    b: Uint8Array,
    p: number,
    end: number,
    visit: (code: number, valueStart: number, valueEnd: number) => void,
  ): void {
    while (p + 4 <= end) {
      const code = this.u16(b, p);
      const olen = this.u16(b, p + 2);
      if (code === 0) break;
      const vs = p + 4;
      const ve = vs + olen;
      if (ve > end) break;
      visit(code, vs, ve);
      p = vs + ((olen + 3) & ~3);
    }
  }

  /** Converts a 64-bit tick count to seconds + ns exactly, without BigInt on the common paths. */
  private setTime(f: FrameRecord, ifc: IfaceClock, hi: number, lo: number): void {
    const d = ifc.ticks;
    const out = this.split;
    if (d <= 2 ** 36) {
      // Long division over 16-bit limbs: every intermediate stays below 2^53.
      const l0 = hi >>> 16;
      const c1 = (l0 % d) * 65536 + (hi & 0xffff);
      const c2 = (c1 % d) * 65536 + (lo >>> 16);
      const c3 = (c2 % d) * 65536 + (lo & 0xffff);
      const q =
        ((Math.floor(l0 / d) * 65536 + Math.floor(c1 / d)) * 65536 + Math.floor(c2 / d)) * 65536 +
        Math.floor(c3 / d);
      const r = c3 % d;
      out[0] = q;
      out[1] = r;
    } else {
      const v = (BigInt(hi) << 32n) | BigInt(lo);
      const bd = BigInt(d);
      out[0] = Number(v / bd);
      out[1] = Number(v % bd);
    }
    const rem = out[1]!;
    let ns: number;
    if (ifc.nsPerTick !== 0) ns = rem * ifc.nsPerTick;
    else if (rem * 1e9 <= Number.MAX_SAFE_INTEGER) ns = Math.floor((rem * 1e9) / d);
    else ns = Number((BigInt(rem) * 1_000_000_000n) / BigInt(d));
    f.tsSec = out[0]! + ifc.offsetSec;
    f.tsNsec = ns;
  }

  private deliver(f: FrameRecord, ifc: IfaceClock): void {
    ifc.info.packets++;
    this.emit(f);
  }

  /**
   * Enhanced (type 6) and obsolete (type 2) packet blocks share their layout after the interface id:
   * timestamp high/low, captured and original length, data, options. The obsolete block's id is 16 bits.
   */
  private enhancedPacket(b: Uint8Array, pos: number, len: number, base: number): void {
    this.packetBlock(b, pos, len, base, this.u32(b, pos + 8));
  }

  private obsoletePacket(b: Uint8Array, pos: number, len: number, base: number): void {
    this.packetBlock(b, pos, len, base, this.u16(b, pos + 8));
  }

  private packetBlock(b: Uint8Array, pos: number, len: number, base: number, id: number): void {
    if (len < 32) throw new CaptureFormatError("pcapng packet block too short", base + pos);
    const ifc = this.ifaces[id];
    const capLen = this.u32(b, pos + 20);
    const dataStart = pos + 28;
    const bodyEnd = pos + len - 4;
    if (dataStart + capLen > bodyEnd) {
      throw new CaptureFormatError(
        `pcapng packet block says ${capLen} captured bytes but the block holds only ${bodyEnd - dataStart}`,
        base + pos,
      );
    }
    if (!ifc) {
      countSkip(this.summary, `packet for interface ${id}, which the section never described`);
      return;
    }
    const f = this.frame;
    f.number++;
    f.kind = RecordKind.PACKET;
    f.hasTs = true;
    this.setTime(f, ifc, this.u32(b, pos + 12), this.u32(b, pos + 16));
    f.capLen = capLen;
    f.origLen = this.u32(b, pos + 24);
    f.linkType = ifc.info.linkType;
    f.interfaceId = this.ifaceBase + id;
    f.fileOffset = base + pos;
    if (this.views) {
      f.buf = b;
      f.off = dataStart;
    } else {
      f.data = b.subarray(dataStart, dataStart + capLen);
    }
    f.comment = this.packetComment(b, dataStart + ((capLen + 3) & ~3), bodyEnd);
    this.deliver(f, ifc);
  }

  private packetComment(b: Uint8Array, optStart: number, optEnd: number): string | undefined {
    if (optStart + 4 > optEnd) return undefined;
    let comment: string | undefined;
    this.options(b, optStart, optEnd, (code, vs, ve) => {
      if (code === 1) {
        const c = utf8.decode(b.subarray(vs, ve));
        comment = comment === undefined ? c : `${comment}\n${c}`;
      }
    });
    if (comment !== undefined) this.summary.commentedFrames++;
    return comment;
  }

  /** Wireshark shows custom blocks as frames (numbered, no time); deliver them so numbering matches. */
  private customBlock(b: Uint8Array, pos: number, len: number, base: number): void {
    const f = this.frame;
    f.number++;
    f.kind = RecordKind.CUSTOM_BLOCK;
    f.hasTs = false;
    f.tsSec = 0;
    f.tsNsec = 0;
    f.capLen = len - 12;
    f.origLen = len - 12;
    f.linkType = -1;
    f.interfaceId = -1;
    f.fileOffset = base + pos;
    f.data = b.subarray(pos + 8, pos + len - 4);
    f.buf = f.data;
    f.off = 0;
    f.comment = undefined;
    this.emit(f);
  }

  private simplePacket(b: Uint8Array, pos: number, len: number, base: number): void {
    const ifc = this.ifaces[0];
    if (!ifc) {
      countSkip(this.summary, "simple packet block in a section without interfaces");
      return;
    }
    const origLen = this.u32(b, pos + 8);
    const room = len - 16;
    let capLen = Math.min(origLen, room);
    if (ifc.info.snaplen > 0) capLen = Math.min(capLen, ifc.info.snaplen);
    const f = this.frame;
    f.number++;
    f.kind = RecordKind.PACKET;
    // Simple packet blocks carry no timestamp.
    f.hasTs = false;
    f.tsSec = 0;
    f.tsNsec = 0;
    f.capLen = capLen;
    f.origLen = origLen;
    f.linkType = ifc.info.linkType;
    f.interfaceId = this.ifaceBase;
    f.fileOffset = base + pos;
    if (this.views) {
      f.buf = b;
      f.off = pos + 12;
    } else {
      f.data = b.subarray(pos + 12, pos + 12 + capLen);
    }
    f.comment = undefined;
    this.deliver(f, ifc);
  }

  finish(leftover: number, offset: number): void {
    if (leftover > 0) {
      throw new CaptureFormatError(
        `last block cut short: ${leftover} bytes left of a block that needs ${this.need}`,
        offset,
      );
    }
  }
}
