/**
 * A file read by one thread for another: the filler (another thread, often one with time to spare)
 * reads the file in chunks into slots of shared memory with plain positional reads, and the consumer
 * parses them in place (SharedChunkSource.borrow): the kernel's copy out of the page cache — as
 * costly as the parsing of a chunk on a busy machine — is paid by the filler's thread.
 *
 * Counters (Int32Array over `counters`):
 *  - FILLED: chunks filled so far (slot = index mod slots; its length in `lengths`, 0 = end of file);
 *  - TAKEN: chunks the consumer is done with (the filler may reuse their slots);
 *  - FAILED: 1 when the filler could not read (its message in the filler's `error`).
 * The consumer waits for a chunk with Atomics.waitAsync (its event loop keeps running) and calls
 * `wakeFiller` after freeing a slot; the filler never blocks on the consumer: its owner calls fill()
 * whenever it has a moment. The consumer reads the first `startAt` bytes itself, while the filler's
 * thread is still starting up; the filler begins there.
 *
 * For a classic pcap file the filler also indexes each chunk while it is fresh in its cache: where
 * every whole record starts and its header's fields (`index`, `indexHeads`), so the consumer — the
 * busier thread — takes them from there instead of walking the record headers (PcapParser
 * parseIndexed). The records a chunk's edges cut, damage and anything unexpected are left to the
 * consumer's own walk, which then reports them as it always does.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { INDEX_WORDS, isPcapMagic, pcapLittleEndian, pcapMaxRecord, pcapU32 } from "./pcap.js";
import type { ByteSource } from "./source.js";

/** Atomics.waitAsync (Node 16+; not in the ES2022 library types this project compiles against). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync: (a: Int32Array, i: number, v: number, ms: number) => { async: boolean; value: unknown };
  }
).waitAsync;

const FILLED = 0;
const TAKEN = 1;
const FAILED = 2;

/** Default slots and chunk size: 16 MiB read ahead. */
export const SHARED_READ_SLOTS = 4;
export const SHARED_READ_CHUNK = 4 << 20;
/** Room before each chunk for a record cut by the previous chunk's end (longer ones are joined by copying). */
export const SHARED_READ_ROOM = 64 << 10;
/** Bytes the consumer reads itself at the start (about what it parses while a worker starts up). */
export const SHARED_READ_HEAD = 32 << 20;

/** The shared memory of one file being read (sent to the filler's thread). */
export interface SharedReadBuffers {
  path: string;
  /** The filler starts reading here; the consumer reads the bytes before it itself. */
  startAt: number;
  slots: number;
  chunkBytes: number;
  /** Free bytes before each chunk, for the end of a record the previous chunk cut. */
  roomBytes: number;
  data: SharedArrayBuffer;
  lengths: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  /**
   * For a classic pcap file: per slot, the records that lie whole in its chunk (INDEX_WORDS words
   * each, at most INDEX_CAP), found by the filler; `indexHeads` holds per slot their count and the
   * first one's offset in the chunk. The reader then does not walk the record headers itself.
   */
  index: SharedArrayBuffer;
  indexHeads: SharedArrayBuffer;
}

export { INDEX_WORDS };
/** Index entries per chunk at most (records beyond are walked by the reader). */
const INDEX_CAP = 1 << 16;

export function newSharedReadBuffers(
  path: string,
  startAt = SHARED_READ_HEAD,
  slots = SHARED_READ_SLOTS,
  chunkBytes = SHARED_READ_CHUNK,
  roomBytes = SHARED_READ_ROOM,
): SharedReadBuffers {
  if (!(slots >= 2 && chunkBytes >= 1 && roomBytes >= 0 && startAt >= 0))
    throw new RangeError("shared read: at least 2 slots, chunks of at least 1 byte");
  return {
    path,
    startAt,
    slots,
    chunkBytes,
    roomBytes,
    data: new SharedArrayBuffer(slots * (roomBytes + chunkBytes)),
    lengths: new SharedArrayBuffer(slots * 4),
    counters: new SharedArrayBuffer(16),
    index: new SharedArrayBuffer(slots * INDEX_CAP * INDEX_WORDS * 4),
    indexHeads: new SharedArrayBuffer(slots * 8),
  };
}

/** Tells the reader that no more chunks will come (the filler's thread failed or is gone). */
export function abortSharedRead(b: SharedReadBuffers): void {
  const c = new Int32Array(b.counters);
  Atomics.store(c, FAILED, 1);
  Atomics.notify(c, FILLED);
}

/** The filling side: call fill() now and then; it reads into every free slot and returns. */
export class SharedFileFiller {
  private readonly data: Uint8Array;
  private readonly lengths: Int32Array;
  private readonly counters: Int32Array;
  private fd = -1;
  private pos = 0;
  private filled = 0;
  private done = false;
  private readonly index: Int32Array;
  private readonly indexHeads: Int32Array;
  /** Classic pcap: its byte order and largest acceptable record (as PcapParser judges), else null. */
  private pcap: { little: boolean; maxRecord: number } | null = null;
  /** Stream offset of the next record header (pcap indexing; −1: indexing stopped). */
  private nextRecord = -1;
  /** Why reading failed (FAILED set). */
  error: string | null = null;

  constructor(private readonly b: SharedReadBuffers) {
    this.data = new Uint8Array(b.data);
    this.lengths = new Int32Array(b.lengths);
    this.counters = new Int32Array(b.counters);
    this.index = new Int32Array(b.index);
    this.indexHeads = new Int32Array(b.indexHeads);
    this.pos = b.startAt;
  }

  /**
   * A classic pcap file: learns its byte order and snaplen and walks the record headers up to
   * startAt (reading that part of the file once), so that the chunks can be indexed from there on.
   * Anything unexpected leaves the file unindexed (the reader then walks the records itself).
   */
  private startIndex(fd: number): void {
    const head = new Uint8Array(24);
    if (readSync(fd, head, 0, 24, 0) < 24) return;
    if (!isPcapMagic(pcapU32(head, 0, true))) return;
    const little = pcapLittleEndian(head, 0);
    const snaplen = pcapU32(head, 16, little);
    const pcap = { little, maxRecord: pcapMaxRecord(snaplen) };
    let rec = 24;
    const block = new Uint8Array(1 << 20);
    let blockAt = -1;
    let blockLen = 0;
    while (rec < this.b.startAt) {
      if (blockAt < 0 || rec + 16 > blockAt + blockLen) {
        blockAt = rec;
        blockLen = readSync(fd, block, 0, block.length, rec);
        if (blockLen < 16) return;
      }
      const capLen = pcapU32(block, rec - blockAt + 8, little);
      if (capLen > pcap.maxRecord) return;
      rec += 16 + capLen;
    }
    this.pcap = pcap;
    this.nextRecord = rec;
  }

  /** Indexes the records that lie whole in the chunk just read into `slot` ([pos, pos + n) of the file). */
  private indexChunk(fd: number, slot: number, at: number, pos: number, n: number): void {
    const heads = this.indexHeads;
    heads[slot * 2] = 0;
    heads[slot * 2 + 1] = -1;
    const pcap = this.pcap;
    let rec = this.nextRecord;
    if (pcap === null || rec < 0 || n === 0) return;
    const d = this.data;
    const little = pcap.little;
    if (rec < pos) {
      // The record the previous chunk's end cut: its header, from the file (it may be cut too).
      const h = new Uint8Array(16);
      if (readSync(fd, h, 0, 16, rec) < 16) {
        this.nextRecord = -1;
        return;
      }
      const capLen = pcapU32(h, 8, little);
      if (capLen > pcap.maxRecord) {
        this.nextRecord = -1;
        return;
      }
      rec += 16 + capLen;
    }
    const idx = this.index;
    const base = slot * INDEX_CAP * INDEX_WORDS;
    const end = pos + n;
    let count = 0;
    while (rec + 16 <= end) {
      const o = at + (rec - pos);
      const capLen = pcapU32(d, o + 8, little);
      if (capLen > pcap.maxRecord) {
        // Damage: the reader finds it (and says where) by walking from here itself.
        rec = -1;
        break;
      }
      if (rec + 16 + capLen > end) break;
      if (count === INDEX_CAP) {
        // (The reader walks the rest of this chunk itself; the walk here only finds the next chunk's first record.)
        rec += 16 + capLen;
        continue;
      }
      const e = base + count * INDEX_WORDS;
      idx[e] = rec - pos;
      idx[e + 1] = capLen;
      idx[e + 2] = pcapU32(d, o + 12, little) | 0;
      idx[e + 3] = pcapU32(d, o, little) | 0;
      idx[e + 4] = pcapU32(d, o + 4, little) | 0;
      if (count === 0) heads[slot * 2 + 1] = rec - pos;
      count++;
      rec += 16 + capLen;
    }
    heads[slot * 2] = count;
    this.nextRecord = rec;
  }

  /** Fills the free slots (none once the end of the file was handed over). */
  fill(): void {
    if (this.done) return;
    const c = this.counters;
    const b = this.b;
    let any = false;
    try {
      if (this.fd < 0) {
        this.fd = openSync(b.path, "r");
        this.startIndex(this.fd);
      }
      while (((this.filled - Atomics.load(c, TAKEN)) | 0) < b.slots) {
        const slot = this.filled % b.slots;
        const at = slot * (b.roomBytes + b.chunkBytes) + b.roomBytes;
        const n = readSync(this.fd, this.data, at, b.chunkBytes, this.pos);
        this.indexChunk(this.fd, slot, at, this.pos, n);
        this.pos += n;
        this.lengths[slot] = n;
        this.filled++;
        Atomics.store(c, FILLED, this.filled);
        any = true;
        if (n === 0) {
          this.finish();
          break;
        }
      }
    } catch (err) {
      this.error = (err as Error).message;
      Atomics.store(c, FAILED, 1);
      any = true;
      this.finish();
    }
    if (any) Atomics.notify(c, FILLED);
  }

  private finish(): void {
    this.done = true;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Stops reading (closes the file). */
  close(): void {
    if (!this.done) this.finish();
  }
}

/** A chunk lent to the reader: its bytes are buf[start, end); the `room` bytes before them are free. */
export interface LentChunk {
  buf: Uint8Array;
  start: number;
  end: number;
  room: number;
  /** The records that lie whole in the chunk (SharedReadBuffers.index), or null. */
  index: Int32Array | null;
  indexCount: number;
}

/**
 * The consuming side: the file's chunks, lent in place (borrow / release) — the reader parses them
 * where the filler put them and copies only a record cut by a chunk's end (into the room before the
 * next chunk). Copying a chunk out of shared memory would cost as much as reading it: V8 copies
 * shared memory with word-by-word relaxed atomic loads.
 */
export class SharedChunkSource implements ByteSource {
  readonly compression = "none" as const;
  private readonly data: Uint8Array;
  private readonly lengths: Int32Array;
  private readonly counters: Int32Array;
  /** Shared slots taken and given back so far. */
  private taken = 0;
  private released = 0;
  private pos = 0;
  private eof = false;
  /** The reader's own descriptor for the bytes before startAt (−1 once past them). */
  private fd: number;
  /** Buffers for the head (two: a chunk's leftover is copied into the next one). */
  private readonly heads: Uint8Array[] = [];
  private headTurn = 0;
  private readonly index: Int32Array;
  private readonly indexHeads: Int32Array;
  /** For each chunk lent and not released, oldest first: whether it is a shared slot. */
  private readonly lent: boolean[] = [];
  /** Per-read scratch for read() (the copying interface). */
  private current: LentChunk | null = null;

  constructor(
    private readonly b: SharedReadBuffers,
    readonly rawSize: number,
    /** Called after a slot was freed: the filler's thread may be asleep. */
    private readonly wakeFiller: () => void,
  ) {
    this.data = new Uint8Array(b.data);
    this.lengths = new Int32Array(b.lengths);
    this.counters = new Int32Array(b.counters);
    this.index = new Int32Array(b.index);
    this.indexHeads = new Int32Array(b.indexHeads);
    this.fd = b.startAt > 0 ? openSync(b.path, "r") : -1;
  }

  rawBytesRead(): number {
    return this.pos;
  }

  /** The next chunk, or null at the end of the file. Release the previous one after using it. */
  async borrow(): Promise<LentChunk | null> {
    if (this.eof) return null;
    // The event loop gets a turn between chunks (messages, timers, progress reports to a parent).
    await new Promise((resolve) => setImmediate(resolve));
    if (this.fd >= 0) {
      // The head of the file, read here (alternating buffers: see `heads`).
      const room = this.b.roomBytes;
      const size = this.b.chunkBytes;
      if (this.heads.length === 0) this.heads.push(new Uint8Array(room + size), new Uint8Array(room + size));
      const buf = this.heads[this.headTurn]!;
      this.headTurn ^= 1;
      const n = readSync(this.fd, buf, room, Math.min(size, this.b.startAt - this.pos), this.pos);
      this.pos += n;
      if (this.pos >= this.b.startAt || n === 0) {
        closeSync(this.fd);
        this.fd = -1;
        // (Both buffers may still be lent: the reader lets go of them with the next chunks.)
        this.heads.length = 0;
      }
      if (n > 0) {
        this.lent.push(false);
        return { buf, start: room, end: room + n, room, index: null, indexCount: 0 };
      }
      // (A file shorter than startAt: its end; the filler found it too.)
    }
    const c = this.counters;
    for (;;) {
      const filled = Atomics.load(c, FILLED);
      if (((filled - this.taken) | 0) > 0) break;
      if (Atomics.load(c, FAILED) === 1) throw new Error("the file could not be read (the reading thread stopped)");
      const w = waitAsync(c, FILLED, filled, 1000);
      if (w.async) await w.value;
    }
    const slot = this.taken % this.b.slots;
    this.taken++;
    const n = this.lengths[slot]!;
    if (n === 0) {
      this.eof = true;
      return null;
    }
    this.pos += n;
    this.lent.push(true);
    const at = slot * (this.b.roomBytes + this.b.chunkBytes) + this.b.roomBytes;
    const count = this.indexHeads[slot * 2]!;
    const index = count > 0 ? this.index.subarray(slot * INDEX_CAP * INDEX_WORDS, (slot * INDEX_CAP + count) * INDEX_WORDS) : null;
    return { buf: this.data, start: at, end: at + n, room: this.b.roomBytes, index, indexCount: count };
  }

  /** Chunks lent and not yet released. */
  lentCount(): number {
    return this.lent.length;
  }

  /** Gives back the oldest chunk lent and not yet released (a head buffer needs no giving back). */
  release(): void {
    const shared = this.lent.shift();
    if (shared !== true) return;
    this.released++;
    Atomics.store(this.counters, TAKEN, this.released);
    this.wakeFiller();
  }

  async read(into: Uint8Array, off: number, len: number): Promise<number> {
    if (this.current === null || this.current.start === this.current.end) {
      if (this.current !== null) this.release();
      this.current = await this.borrow();
      if (this.current === null) return 0;
    }
    const cur = this.current;
    const n = Math.min(len, cur.end - cur.start);
    into.set(cur.buf.subarray(cur.start, cur.start + n), off);
    cur.start += n;
    return n;
  }

  async close(): Promise<void> {
    this.eof = true;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
