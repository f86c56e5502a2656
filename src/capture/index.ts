/**
 * readCapture: the one entry point from bytes to frames. Detects the format from the first bytes,
 * reads in large chunks into one reusable buffer, and calls `onFrame` for every frame with a record
 * reused across calls. Damage stops reading with a CaptureProblem naming the byte offset; every frame
 * before it has been delivered.
 */
import { newFrameRecord, RecordKind, type FrameRecord } from "../model/frame.js";
import { CaptureFormatError } from "../util/errors.js";
import { PcapngParser, PCAPNG_SHB } from "./pcapng.js";
import { isPcapMagic, PcapParser } from "./pcap.js";
import { openByteSource, inputName, type CaptureInput } from "./source.js";
import { type LentChunk, SharedChunkSource, type SharedReadBuffers } from "./shared-read.js";
import { newSummary, type CaptureSummary, type RecordParser } from "./types.js";
import { describeUnknown } from "./sniff.js";
import { looksLikeNetScreen, NetScreenParser } from "./netscreen.js";
import { looksLikeText, TextParser } from "./text.js";

export type { CaptureSummary, CaptureProblem, InterfaceInfo, SectionInfo } from "./types.js";
export type { CaptureInput } from "./source.js";

export interface ReadOptions {
  /** Bytes read per chunk (default 4 MiB). */
  chunkBytes?: number;
  /** Called after each chunk with bytes of the raw input consumed so far and its size (-1 unknown). */
  onProgress?: (rawBytesRead: number, rawSize: number, frames: number) => void;
  /** Awaited after each chunk: lets a consumer apply back-pressure (e.g. wait for stdout to drain). */
  afterChunk?: () => Promise<void> | undefined;
  /** Stop after this many frames. */
  maxFrames?: number;
  /**
   * Hand out frames as FrameRecord.buf/off (the reader's buffer) without a `data` view per frame
   * (`data` is then stale). For hot loops: saves an allocation per frame.
   */
  views?: boolean;
  /**
   * Read a regular file on this thread, straight into the reader's buffer, instead of reading ahead
   * on the thread pool: better when other threads keep every core busy (source.ts FileSource).
   */
  readOnThisThread?: boolean;
  /**
   * Take a regular file's bytes from another thread that reads it into shared memory (shared-read.ts);
   * only used when `buffers.path` is the input's path.
   */
  sharedRead?: { buffers: SharedReadBuffers; wakeFiller: () => void };
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;

/** Thrown by readCapture's callback path to stop early without it counting as a problem. */
class StopReading extends Error {}

/** Carries an exception thrown by the caller's callback: a bug to surface, never a capture problem. */
class CallbackError extends Error {
  constructor(readonly original: unknown) {
    super("callback failed");
  }
}

function deliver(onFrame: (f: FrameRecord) => void, f: FrameRecord): void {
  try {
    onFrame(f);
  } catch (err) {
    throw new CallbackError(err);
  }
}

export async function readCapture(
  input: CaptureInput,
  onFrame: (frame: FrameRecord) => void,
  options: ReadOptions = {},
): Promise<CaptureSummary> {
  const name = inputName(input);
  const summary = newSummary(name);
  let src: Awaited<ReturnType<typeof openByteSource>>;
  try {
    src = await openByteSource(input, options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === "ENOENT" ? "no such file" : e.code === "EISDIR" ? "is a directory" : e.message;
    summary.problems.push({ offset: 0, message: `cannot open: ${why}`, fatal: true });
    return summary;
  }
  summary.compression = src.compression;
  summary.rawSize = src.rawSize;

  const frame = newFrameRecord();
  let tsPrevSec = -Infinity;
  let tsPrevNsec = 0;
  const maxFrames = options.maxFrames ?? Infinity;
  const views = options.views === true;
  /** Views asked for, but the parser sets `data`: point buf at it. */
  let viewsFromData = false;
  const emit = (f: FrameRecord): void => {
    summary.records++;
    if (viewsFromData) {
      f.buf = f.data;
      f.off = 0;
    }
    if (f.kind !== RecordKind.PACKET) {
      deliver(onFrame, f);
      return;
    }
    summary.frames++;
    summary.capturedBytes += f.capLen;
    summary.originalBytes += f.origLen;
    const s = f.tsSec;
    const ns = f.tsNsec;
    if (!f.hasTs) {
      // counted, but a record without time neither moves first/last nor breaks time order
    } else if (summary.firstTs === undefined) {
      summary.firstTs = [s, ns];
      summary.lastTs = [s, ns];
    } else {
      const first = summary.firstTs;
      const last = summary.lastTs!;
      if (s < first[0] || (s === first[0] && ns < first[1])) {
        first[0] = s;
        first[1] = ns;
      }
      if (s > last[0] || (s === last[0] && ns > last[1])) {
        last[0] = s;
        last[1] = ns;
      }
    }
    if (f.hasTs) {
      if (s < tsPrevSec || (s === tsPrevSec && ns < tsPrevNsec)) summary.strictTimeOrder = false;
      tsPrevSec = s;
      tsPrevNsec = ns;
    }
    deliver(onFrame, f);
    if (summary.frames >= maxFrames) throw new StopReading();
  };

  let buf: Uint8Array = new Uint8Array(options.chunkBytes ?? DEFAULT_CHUNK);
  let start = 0;
  let end = 0;
  let base = 0; // stream offset of buf[0]
  let parser: RecordParser | undefined;
  // A source that lends its chunks is parsed in place (shared-read.ts).
  const lender = src instanceof SharedChunkSource ? src : null;
  try {
    for (;;) {
      let n: number;
      let indexed: LentChunk | null = null;
      if (lender !== null) {
        const c = await lender.borrow();
        indexed = c;
        n = c === null ? 0 : c.end - c.start;
        if (c !== null) {
          // The record the previous chunk cut goes in front of this one (in its room, or joined).
          const left = end - start;
          if (left <= c.room) {
            if (left > 0) c.buf.set(buf.subarray(start, end), c.start - left);
            base += start - (c.start - left);
            buf = c.buf;
            start = c.start - left;
            end = c.end;
          } else {
            const joined = new Uint8Array(left + n);
            joined.set(buf.subarray(start, end));
            joined.set(c.buf.subarray(c.start, c.end), left);
            base += start;
            buf = joined;
            start = 0;
            end = left + n;
          }
          if (lender.lentCount() > 1) lender.release();
        }
      } else {
        if (end === buf.length) {
          // The pending record does not fit: grow (parsers cap record sizes, so this is bounded).
          const need = parser?.need ?? 0;
          const grown = new Uint8Array(Math.max(buf.length * 2, need + 16));
          grown.set(buf.subarray(0, end));
          buf = grown;
        }
        n = await src.read(buf, end, buf.length - end);
        end += n;
      }
      summary.streamBytes = base + end;
      if (parser === undefined) {
        // Recognise the magic from 4 bytes; for anything else gather a few KiB to say what it looks like.
        // (The bytes from `start`: a lent chunk starts after its room.)
        const head = start === 0 ? buf : buf.subarray(start, end);
        const got = end - start;
        if (n > 0 && (got < 4 || (!hasCaptureMagic(head, got) && got < SNIFF_BYTES))) continue;
        parser = pickParser(head, got, summary, frame, emit);
        if (views) {
          if (parser.viewsSupported) parser.views = true;
          else viewsFromData = true;
        }
      }
      if (indexed !== null && indexed.index !== null && parser instanceof PcapParser && buf === indexed.buf) {
        // The other thread found this chunk's whole records: parse up to the first (the record the
        // previous chunk cut), take the found ones, then parse on from after them.
        const c = indexed;
        const first = c.start + c.index![0]!;
        start = parser.parse(buf, start, first, base);
        if (start === first) start = parser.parseIndexed(buf, c.start, c.index!, c.indexCount, base);
        start = parser.parse(buf, start, end, base);
      } else {
        start = parser.parse(buf, start, end, base);
      }
      options.onProgress?.(src.rawBytesRead(), src.rawSize, summary.frames);
      const wait = options.afterChunk?.();
      if (wait) await wait;
      if (n === 0) {
        parser.finish(end - start, base + start);
        break;
      }
      if (lender === null && start > 0) {
        buf.copyWithin(0, start, end);
        base += start;
        end -= start;
        start = 0;
      }
    }
  } catch (err) {
    if (err instanceof CallbackError) {
      await src.close().catch(() => undefined);
      throw err.original;
    }
    if (!(err instanceof StopReading)) {
      if (err instanceof CaptureFormatError) {
        summary.problems.push({ offset: err.offset, message: err.message, fatal: true });
      } else {
        const e = err as Error;
        // Decompression errors and I/O errors: name the stream position reached.
        summary.problems.push({ offset: base + end, message: describeIoError(e), fatal: true });
      }
    }
  } finally {
    await src.close().catch(() => undefined);
  }
  return summary;
}

function describeIoError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "Z_BUF_ERROR" || code === "Z_DATA_ERROR") return "compressed data is damaged or cut short";
  if (code === "EISDIR") return "is a directory";
  return e.message;
}

const SNIFF_BYTES = 4096;

function magicOf(buf: Uint8Array): number {
  return (buf[0]! | (buf[1]! << 8) | (buf[2]! << 16) | (buf[3]! << 24)) >>> 0;
}

function hasCaptureMagic(buf: Uint8Array, end: number): boolean {
  if (end < 4) return false;
  const m = magicOf(buf);
  return isPcapMagic(m) || m === PCAPNG_SHB;
}

function pickParser(
  buf: Uint8Array,
  end: number,
  summary: CaptureSummary,
  frame: FrameRecord,
  emit: (f: FrameRecord) => void,
): RecordParser {
  if (end >= 4) {
    const m = magicOf(buf);
    if (isPcapMagic(m)) return new PcapParser(summary, frame, emit);
    if (m === PCAPNG_SHB) return new PcapngParser(summary, frame, emit);
  }
  const head = new TextDecoder("latin1").decode(buf.subarray(0, Math.min(end, SNIFF_BYTES)));
  if (looksLikeNetScreen(head)) return new NetScreenParser(summary, frame, emit);
  // Pasted packet lines (Wireshark, tshark, tcpdump); other text gets its one-line message from the parser.
  if (looksLikeText(buf.subarray(0, Math.min(end, SNIFF_BYTES)))) return new TextParser(summary, frame, emit);
  throw new CaptureFormatError(
    `not a capture file: ${describeUnknown(buf.subarray(0, Math.min(end, SNIFF_BYTES)))}`,
    0,
  );
}

/** Reads only the summary (counts, times, interfaces), discarding frames. */
export function summarizeCapture(input: CaptureInput, options: ReadOptions = {}): Promise<CaptureSummary> {
  return readCapture(input, () => {}, options);
}
