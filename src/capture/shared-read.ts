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
 */
import { closeSync, openSync, readSync } from "node:fs";
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
}

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
  /** Why reading failed (FAILED set). */
  error: string | null = null;

  constructor(private readonly b: SharedReadBuffers) {
    this.data = new Uint8Array(b.data);
    this.lengths = new Int32Array(b.lengths);
    this.counters = new Int32Array(b.counters);
    this.pos = b.startAt;
  }

  /** Fills the free slots (none once the end of the file was handed over). */
  fill(): void {
    if (this.done) return;
    const c = this.counters;
    const b = this.b;
    let any = false;
    try {
      if (this.fd < 0) this.fd = openSync(b.path, "r");
      while (((this.filled - Atomics.load(c, TAKEN)) | 0) < b.slots) {
        const slot = this.filled % b.slots;
        const at = slot * (b.roomBytes + b.chunkBytes) + b.roomBytes;
        const n = readSync(this.fd, this.data, at, b.chunkBytes, this.pos);
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
        return { buf, start: room, end: room + n, room };
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
    return { buf: this.data, start: at, end: at + n, room: this.b.roomBytes };
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
