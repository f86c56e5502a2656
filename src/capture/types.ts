/** What a capture reader learns about the file besides its frames (the material of `tcpsleuth info`). */
import type { TextInputInfo } from "../model/report.js";
import type { Compression } from "./source.js";

export type CaptureFormat = "pcap" | "nsecpcap" | "pcapng" | "netscreen" | "text";

export interface InterfaceInfo {
  /** Index within its section. */
  sectionIndex: number;
  linkType: number;
  snaplen: number;
  /** Ticks per second of this interface's timestamps (1e6 for pcap µs). */
  ticksPerSecond: number;
  /** Decimal digits capinfos shows as the precision (6 for µs, 9 for ns). */
  precisionDigits: number;
  /** if_tsoffset seconds (pcapng), 0 otherwise. */
  tsOffsetSec: number;
  name: string | undefined;
  description: string | undefined;
  filter: string | undefined;
  os: string | undefined;
  hardware: string | undefined;
  packets: number;
  statEntries: number;
}

/** An interface with every optional field unset: readers fill in what their format says. */
export function newInterfaceInfo(
  linkType: number,
  snaplen: number,
  ticksPerSecond: number,
  precisionDigits: number,
): InterfaceInfo {
  return {
    sectionIndex: 0,
    linkType,
    snaplen,
    ticksPerSecond,
    precisionDigits,
    tsOffsetSec: 0,
    name: undefined,
    description: undefined,
    filter: undefined,
    os: undefined,
    hardware: undefined,
    packets: 0,
    statEntries: 0,
  };
}

export interface SectionInfo {
  byteOrder: "little" | "big";
  versionMajor: number;
  versionMinor: number;
  hardware: string | undefined;
  os: string | undefined;
  application: string | undefined;
  comments: string[];
  /** Byte offset of the section header block. */
  offset: number;
}

export interface CaptureProblem {
  /** Byte offset in the decompressed stream where the problem starts. */
  offset: number;
  message: string;
  /** True when reading stopped here. */
  fatal: boolean;
}

export interface CaptureSummary {
  name: string;
  format: CaptureFormat | "unknown";
  compression: Compression;
  byteOrder: "little" | "big" | undefined;
  versionMajor: number;
  versionMinor: number;
  /** pcap file-header snaplen (pcap only), else 0. */
  snaplen: number;
  sections: SectionInfo[];
  interfaces: InterfaceInfo[];
  /** Packets delivered to the callback (what capinfos counts). */
  frames: number;
  /** All numbered records delivered (packets plus pcapng custom blocks, as Wireshark numbers them). */
  records: number;
  /** Sum of captured lengths / original lengths of delivered frames. */
  capturedBytes: number;
  originalBytes: number;
  /** Earliest and latest timestamps (seconds + ns), undefined when no frame. */
  firstTs: [number, number] | undefined;
  lastTs: [number, number] | undefined;
  strictTimeOrder: boolean;
  /** Frames with a comment. */
  commentedFrames: number;
  /** Records skipped by the reader itself, by reason (e.g. "packet for an unknown interface"). */
  skipped: Map<string, number>;
  problems: CaptureProblem[];
  /** Size of the raw input (file size) when known, else -1; and of the decompressed stream. */
  rawSize: number;
  streamBytes: number;
  /** Text input (pasted packet lines): what the text reader could and could not reconstruct. */
  textInput?: TextInputInfo;
}

export function newSummary(name: string): CaptureSummary {
  return {
    name,
    format: "unknown",
    compression: "none",
    byteOrder: undefined,
    versionMajor: 0,
    versionMinor: 0,
    snaplen: 0,
    sections: [],
    interfaces: [],
    frames: 0,
    records: 0,
    capturedBytes: 0,
    originalBytes: 0,
    firstTs: undefined,
    lastTs: undefined,
    strictTimeOrder: true,
    commentedFrames: 0,
    skipped: new Map(),
    problems: [],
    rawSize: -1,
    streamBytes: 0,
  };
}

export function countSkip(s: CaptureSummary, reason: string): void {
  s.skipped.set(reason, (s.skipped.get(reason) ?? 0) + 1);
}

/**
 * A format parser consumes complete records from a buffer window and emits frames. It never reads
 * past `end`; when a record is incomplete it stops and sets `need` to the bytes the record requires.
 */
export interface RecordParser {
  /** Parses records in buf[pos, end); `base` is the stream offset of buf[0]. Returns the new pos. */
  parse(buf: Uint8Array, pos: number, end: number, base: number): number;
  /** Total bytes the next (incomplete) record needs from its start. */
  need: number;
  /** Called once at end of input with the count of bytes left unparsed and their stream offset. */
  finish(leftover: number, offset: number): void;
  /**
   * Set by readCapture when the caller asked for ReadOptions.views: the parser may then hand out packet
   * frames as FrameRecord.buf/off instead of a `data` view. Parsers that can, say so in `viewsSupported`.
   */
  views?: boolean;
  readonly viewsSupported?: boolean;
}
