/**
 * Per-frame analysis results as columns indexed by frame number (1-based), stored in fixed-size
 * chunks of typed arrays: growing never copies, ~36 bytes per frame, and chunks beyond a few dozen MB
 * go to a temporary file (FrameColumns). No object per packet. Rare values (duplicate-ACK numbers, RTOs, second-pass base changes) live in side tables
 * appended in frame order and found by binary search.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { grow } from "./flows.js";

export const CHUNK_SHIFT = 16;
export const CHUNK_SIZE = 1 << CHUNK_SHIFT;
export const CHUNK_MASK = CHUNK_SIZE - 1;

/** Bytes of one chunk: ackRttNs (8 per frame) first for alignment, then seven 4-byte columns. */
const CHUNK_BYTES = CHUNK_SIZE * 36;

/**
 * Columns of CHUNK_SIZE consecutive frames, all views into one ArrayBuffer, so that a chunk is
 * written to and read back from a spill file in one call.
 */
export class FrameChunk {
  readonly bytes = new Uint8Array(CHUNK_BYTES);
  /** tcp.analysis.ack_rtt in ns (meaningful when acksFrame ≠ 0). */
  readonly ackRttNs = new Float64Array(this.bytes.buffer, 0, CHUNK_SIZE);
  /** Flow (conversation * 2 + direction) the frame's TCP header belongs to; −1 = no TCP stream. */
  readonly flow = new Int32Array(this.bytes.buffer, CHUNK_SIZE * 8, CHUNK_SIZE).fill(-1);
  /** Raw sequence and acknowledgement fields. */
  readonly seq = new Uint32Array(this.bytes.buffer, CHUNK_SIZE * 12, CHUNK_SIZE);
  readonly ack = new Uint32Array(this.bytes.buffer, CHUNK_SIZE * 16, CHUNK_SIZE);
  /** TCP flag bits (12) in the low half, raw window in the high half. */
  readonly hdr = new Uint32Array(this.bytes.buffer, CHUNK_SIZE * 20, CHUNK_SIZE);
  /** Analysis flag bits (flags.ts Flag) plus FrameBit bits. */
  readonly bits = new Uint32Array(this.bytes.buffer, CHUNK_SIZE * 24, CHUNK_SIZE);
  /** tcp.analysis.acks_frame (0 = none). */
  readonly acksFrame = new Int32Array(this.bytes.buffer, CHUNK_SIZE * 28, CHUNK_SIZE);
  /** tcp.analysis.bytes_in_flight (0 = not shown). */
  readonly bytesInFlight = new Int32Array(this.bytes.buffer, CHUNK_SIZE * 32, CHUNK_SIZE);

  /** Back to the state of a new chunk (no frame stored). */
  clear(): void {
    this.bytes.fill(0);
    this.flow.fill(-1);
  }
}

/** A growable list of (frame, a, b) triples appended in frame order. */
export class FrameSideTable {
  frames = new Int32Array(0);
  a = new Float64Array(0);
  b = new Int32Array(0);
  count = 0;

  push(frame: number, a: number, b: number): void {
    if (this.count === this.frames.length) {
      const cap = Math.max(256, this.count * 2);
      this.frames = grow(this.frames, cap, Int32Array);
      this.a = grow(this.a, cap, Float64Array);
      this.b = grow(this.b, cap, Int32Array);
    }
    this.frames[this.count] = frame;
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.count++;
  }

  /** Index of `frame`, or −1. */
  find(frame: number): number {
    let lo = 0;
    let hi = this.count - 1;
    const f = this.frames;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = f[mid]!;
      if (v === frame) return mid;
      if (v < frame) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Index of the last entry with frame ≤ `frame`, or −1. */
  findAtOrBefore(frame: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let best = -1;
    const f = this.frames;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (f[mid]! <= frame) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }
}

/** Chunks kept in memory at most once a capture outgrows them: ~36 B × 65 536 × 16 ≈ 38 MB. */
export const RESIDENT_CHUNKS = 16;
let residentChunkLimit = RESIDENT_CHUNKS;

/**
 * Sets how many chunks new FrameColumns keep in memory, and returns the previous limit. Tests lower
 * it to make small captures go through the spill file.
 */
export function setResidentChunkLimit(n: number): number {
  const before = residentChunkLimit;
  residentChunkLimit = n;
  return before;
}

const NONE = 0;
const RESIDENT = 1;
const SPILLED = 2;

/** Closes the spill file of a FrameColumns nobody holds any more. */
const spillFiles = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/**
 * Per-frame columns of a whole capture. Memory stays bounded: past RESIDENT_CHUNKS chunks, the least
 * recently used one is written to an unlinked temporary file and read back when a frame of it is
 * asked for again. Both passes walk the frames in order, so each chunk is written and read about
 * once; a lookup of an older frame (an acknowledged segment, a SYN-ACK in finish()) pages its
 * chunk in. Callers hold a chunk only while storing or reading one frame, and the chunk just used
 * is never the one evicted, so no write can land in a chunk that has left memory.
 */
export class FrameColumns {
  /** Resident chunks by index; a spilled or never-made chunk has none. */
  private readonly resident: (FrameChunk | undefined)[] = [];
  /** NONE / RESIDENT / SPILLED per chunk index. */
  private state = new Uint8Array(16);
  /** Resident chunk indexes, least recently used first. */
  private readonly lru: number[] = [];
  private lastIndex = -1;
  private lastChunk: FrameChunk | undefined = undefined;
  private fd = -1;
  private readonly maxResident: number;
  /** Highest frame number stored. */
  maxFrame = 0;
  /** Duplicate ACKs: a = tcp.analysis.duplicate_ack_num, b = duplicate_ack_frame. */
  readonly dupAcks = new FrameSideTable();
  /** Plain retransmissions: a = RTO in ns, b = rto_frame. */
  readonly rtos = new FrameSideTable();

  constructor(maxResident = residentChunkLimit) {
    // Two at least: the chunk in hand and the one being paged in must never be the same object.
    this.maxResident = Math.max(2, maxResident);
  }

  /** Chunks written to the spill file so far (for tests and statistics). */
  spilledChunks = 0;

  /**
   * The chunk holding `frame`, created if needed. Only ranges with stored frames get one, so an
   * analyzer fed a few connections of a long capture stays small.
   */
  chunkFor(frame: number): FrameChunk {
    const ci = frame >>> CHUNK_SHIFT;
    if (ci === this.lastIndex) return this.lastChunk!;
    return this.fetch(ci, true)!;
  }

  /** The chunk holding `frame`, or undefined when nothing was stored that far. */
  chunkOf(frame: number): FrameChunk | undefined {
    if (frame < 0) return undefined;
    const ci = frame >>> CHUNK_SHIFT;
    if (ci === this.lastIndex) return this.lastChunk;
    return this.fetch(ci, false);
  }

  private fetch(ci: number, create: boolean): FrameChunk | undefined {
    const st = ci < this.state.length ? this.state[ci]! : NONE;
    let ch: FrameChunk | undefined;
    if (st === RESIDENT) {
      ch = this.resident[ci]!;
      const k = this.lru.lastIndexOf(ci);
      this.lru.splice(k, 1);
      this.lru.push(ci);
    } else {
      if (st === NONE && !create) return undefined;
      ch = this.makeRoom();
      if (st === SPILLED) this.readChunk(ci, ch);
      else ch.clear();
      if (ci >= this.state.length) {
        const grown = new Uint8Array(Math.max(ci + 1, this.state.length * 2));
        grown.set(this.state);
        this.state = grown;
      }
      this.state[ci] = RESIDENT;
      this.resident[ci] = ch;
      this.lru.push(ci);
    }
    this.lastIndex = ci;
    this.lastChunk = ch;
    return ch;
  }

  /** A chunk object to fill: a new one while under the limit, else the least recently used, spilled. */
  private makeRoom(): FrameChunk {
    if (this.lru.length < this.maxResident) return new FrameChunk();
    const victim = this.lru.shift()!;
    const ch = this.resident[victim]!;
    this.writeChunk(victim, ch);
    this.resident[victim] = undefined;
    this.state[victim] = SPILLED;
    if (this.lastIndex === victim) {
      this.lastIndex = -1;
      this.lastChunk = undefined;
    }
    return ch;
  }

  private spillFd(): number {
    if (this.fd < 0) {
      const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-columns-"));
      const file = join(dir, "columns.bin");
      this.fd = openSync(file, "w+");
      // Unlinked at once: the space is freed when the file is closed or the process ends, even on a crash.
      rmSync(dir, { recursive: true, force: true });
      spillFiles.register(this, this.fd);
    }
    return this.fd;
  }

  private writeChunk(ci: number, ch: FrameChunk): void {
    const fd = this.spillFd();
    let done = 0;
    while (done < CHUNK_BYTES) done += writeSync(fd, ch.bytes, done, CHUNK_BYTES - done, ci * CHUNK_BYTES + done);
    this.spilledChunks++;
  }

  private readChunk(ci: number, ch: FrameChunk): void {
    let done = 0;
    while (done < CHUNK_BYTES) {
      const n = readSync(this.fd, ch.bytes, done, CHUNK_BYTES - done, ci * CHUNK_BYTES + done);
      if (n <= 0) throw new Error("tcpsleuth: the temporary column file was cut short");
      done += n;
    }
  }
}
