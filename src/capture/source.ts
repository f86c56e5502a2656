/**
 * Byte sources: a file, standard input, or an in-memory buffer, transparently decompressed when the
 * first bytes carry a gzip or zstd magic (never judged by the file name).
 *
 * A source fills a caller-owned buffer (`read`), so the capture readers control the only copy.
 */
import { readSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress as ZstdDecompress } from "fzstd";
import { SharedChunkSource, type SharedReadBuffers } from "./shared-read.js";

export type Compression = "none" | "gzip" | "zstd";

export interface ByteSource {
  /** Reads up to `len` bytes into `into` at `off`; resolves 0 only at end of input. */
  read(into: Uint8Array, off: number, len: number): Promise<number>;
  close(): Promise<void>;
  readonly compression: Compression;
  /** Size of the raw (possibly compressed) input when known (regular files), else -1. */
  readonly rawSize: number;
  /** Raw bytes consumed so far (for progress on compressed input). */
  rawBytesRead(): number;
}

export type CaptureInput = string | Uint8Array | Readable;

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(b: Uint8Array, magic: number[]): boolean {
  if (b.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[i] !== magic[i]) return false;
  return true;
}

/** Pulls chunks from a Readable into caller buffers, keeping the unread tail of the last chunk. */
class StreamSource implements ByteSource {
  private pending: Uint8Array | null = null;
  private pendingOff = 0;
  private ended = false;
  private error: Error | null = null;
  private waiter: (() => void) | null = null;
  private rawRead = 0;

  constructor(
    private readonly stream: Readable,
    readonly compression: Compression,
    readonly rawSize: number,
    private readonly rawCounter?: () => number,
    private readonly inner?: ByteSource,
  ) {
    stream.on("end", () => {
      this.ended = true;
      this.wake();
    });
    stream.on("error", (err: Error) => {
      this.error = err;
      this.wake();
    });
    stream.on("readable", () => this.wake());
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  rawBytesRead(): number {
    return this.rawCounter ? this.rawCounter() : this.rawRead;
  }

  async read(into: Uint8Array, off: number, len: number): Promise<number> {
    let done = 0;
    while (done < len) {
      if (this.pending === null) {
        const chunk = this.stream.read() as Buffer | null;
        if (chunk !== null) {
          this.pending = chunk;
          this.pendingOff = 0;
          this.rawRead += chunk.length;
        } else if (this.error) {
          throw this.error;
        } else if (this.ended) {
          return done;
        } else if (done > 0) {
          return done; // hand back what we have rather than wait
        } else {
          await new Promise<void>((resolve) => {
            this.waiter = resolve;
          });
          continue;
        }
      }
      const p = this.pending;
      const n = Math.min(len - done, p.length - this.pendingOff);
      into.set(p.subarray(this.pendingOff, this.pendingOff + n), off + done);
      done += n;
      this.pendingOff += n;
      if (this.pendingOff >= p.length) this.pending = null;
    }
    return done;
  }

  async close(): Promise<void> {
    this.stream.destroy();
    await this.inner?.close();
  }
}

/** Reads smaller than this go straight to the file (the format sniff); larger ones are read ahead. */
const READ_AHEAD_MIN = 64 * 1024;

/** A block of the file being read ahead (or read): `len` of `size` bytes at file offset `pos`, `used` handed out. */
interface Block {
  buf: Uint8Array;
  pos: number;
  size: number;
  len: number;
  used: number;
  pending: Promise<number> | null;
}

/**
 * A regular file read with positional reads. Large reads are read ahead: the next block of the file is
 * always being read (into a spare buffer) while the caller parses what it got, so the disk or
 * page-cache copy overlaps the parsing (one extra memory copy per block).
 *
 * With `onThisThread`, reads go straight into the caller's buffer on this thread instead: no copy
 * besides the kernel's and no pool thread to wait for — better when every core is busy analysing
 * (a read-ahead's pool thread then has to wait for its turn to run, and this thread waits for it).
 * The kernel still reads ahead of sequential reads from a disk. Between reads the event loop gets a
 * turn, so timers, messages and progress reports go on.
 */
class FileSource implements ByteSource {
  readonly compression = "none" as const;
  private pos = 0;
  /** Blocks in file order, contiguous from `pos`: the one being handed out and the one after it. */
  private blocks: Block[] = [];
  private spare: Uint8Array | null = null;
  constructor(
    private readonly fh: FileHandle,
    readonly rawSize: number,
    startPos = 0,
    private readonly onThisThread = false,
  ) {
    this.pos = startPos;
  }
  rawBytesRead(): number {
    return this.pos;
  }
  private startBlock(pos: number, size: number): Block {
    let buf = this.spare;
    this.spare = null;
    if (buf === null || buf.length < size) buf = new Uint8Array(size);
    const b: Block = { buf, pos, size, len: 0, used: 0, pending: null };
    b.pending = this.fh.read(buf, 0, size, pos).then((r) => r.bytesRead);
    return b;
  }
  async read(into: Uint8Array, off: number, len: number): Promise<number> {
    if (this.onThisThread) {
      await yieldToEventLoop();
      const n = readSync(this.fh.fd, into, off, len, this.pos);
      this.pos += n;
      return n;
    }
    if (this.blocks.length === 0) {
      if (len < READ_AHEAD_MIN) {
        const { bytesRead } = await this.fh.read(into, off, len, this.pos);
        this.pos += bytesRead;
        return bytesRead;
      }
      this.blocks.push(this.startBlock(this.pos, len));
    }
    const a = this.blocks[0]!;
    if (a.pending !== null) {
      const p = a.pending;
      a.pending = null;
      a.len = await p;
    }
    // Keep the next block coming while the caller works on this one.
    const next = a.pos + a.len;
    if (this.blocks.length === 1 && a.len === a.size && (this.rawSize < 0 || next < this.rawSize))
      this.blocks.push(this.startBlock(next, a.size));
    const n = Math.min(len, a.len - a.used);
    if (n > 0) into.set(a.buf.subarray(a.used, a.used + n), off);
    a.used += n;
    this.pos += n;
    if (a.used === a.len) {
      this.blocks.shift();
      this.spare = a.buf;
    }
    return n;
  }
  async close(): Promise<void> {
    for (const b of this.blocks) if (b.pending !== null) await b.pending.catch(() => 0);
    this.blocks = [];
    await this.fh.close();
  }
}

/** Lets pending I/O callbacks, timers and messages run (an await alone only runs microtasks). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

class MemorySource implements ByteSource {
  readonly compression = "none" as const;
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get rawSize(): number {
    return this.bytes.length;
  }
  rawBytesRead(): number {
    return this.pos;
  }
  async read(into: Uint8Array, off: number, len: number): Promise<number> {
    const n = Math.min(len, this.bytes.length - this.pos);
    into.set(this.bytes.subarray(this.pos, this.pos + n), off);
    this.pos += n;
    return n;
  }
  async close(): Promise<void> {}
}

/** Turns a zstd stream into a Readable-like pull source using the pure-JS fzstd decoder. */
function zstdReadable(raw: ByteSource): Readable {
  // fzstd is push-based; wrap it in an async generator-backed Readable.
  async function* gen(): AsyncGenerator<Uint8Array> {
    const out: Uint8Array[] = [];
    const dec = new ZstdDecompress((chunk: Uint8Array) => {
      out.push(chunk);
    });
    const buf = new Uint8Array(1 << 20);
    for (;;) {
      const n = await raw.read(buf, 0, buf.length);
      if (n === 0) {
        dec.push(new Uint8Array(0), true);
      } else {
        dec.push(buf.slice(0, n), false);
      }
      while (out.length > 0) yield out.shift()!;
      if (n === 0) return;
    }
  }
  return Readable.from(gen(), { objectMode: false });
}

async function sniffAndWrap(raw: ByteSource, head: Uint8Array): Promise<ByteSource> {
  // `raw` has already delivered `head`; build a source that replays it first.
  const replay = new PrefixedSource(head, raw);
  if (startsWith(head, GZIP_MAGIC)) {
    const gunzip = createGunzip();
    const input = Readable.from(pullChunks(replay));
    input.pipe(gunzip);
    return new StreamSource(gunzip, "gzip", raw.rawSize, () => raw.rawBytesRead(), raw);
  }
  if (startsWith(head, ZSTD_MAGIC)) {
    return new StreamSource(zstdReadable(replay), "zstd", raw.rawSize, () => raw.rawBytesRead(), raw);
  }
  return replay;
}

async function* pullChunks(src: ByteSource): AsyncGenerator<Uint8Array> {
  for (;;) {
    const buf = new Uint8Array(1 << 20);
    const n = await src.read(buf, 0, buf.length);
    if (n === 0) return;
    yield n === buf.length ? buf : buf.subarray(0, n);
  }
}

/** Replays already-read head bytes, then continues with the underlying source. */
class PrefixedSource implements ByteSource {
  private headOff = 0;
  constructor(
    private readonly head: Uint8Array,
    private readonly inner: ByteSource,
  ) {}
  get compression(): Compression {
    return this.inner.compression;
  }
  get rawSize(): number {
    return this.inner.rawSize;
  }
  rawBytesRead(): number {
    return this.inner.rawBytesRead();
  }
  async read(into: Uint8Array, off: number, len: number): Promise<number> {
    if (this.headOff < this.head.length) {
      const n = Math.min(len, this.head.length - this.headOff);
      into.set(this.head.subarray(this.headOff, this.headOff + n), off);
      this.headOff += n;
      return n;
    }
    return this.inner.read(into, off, len);
  }
  async close(): Promise<void> {
    await this.inner.close();
  }
}

/** Human-readable name of the input for messages. */
export function inputName(input: CaptureInput): string {
  if (typeof input === "string") return input === "-" ? "<stdin>" : input;
  if (input instanceof Uint8Array) return "<buffer>";
  return "<stream>";
}

/** How openByteSource reads a regular file (default: read ahead on the thread pool, FileSource). */
export interface FileReadMode {
  /** Read on this thread, without read-ahead (FileSource). */
  readOnThisThread?: boolean;
  /** Take the file's chunks from another thread that reads it (shared-read.ts; its path must match). */
  sharedRead?: { buffers: SharedReadBuffers; wakeFiller: () => void };
}

/** Opens any input and returns a decompressed byte source. */
export async function openByteSource(input: CaptureInput, mode: FileReadMode = {}): Promise<ByteSource> {
  let raw: ByteSource;
  if (input instanceof Uint8Array) {
    raw = new MemorySource(input);
  } else if (typeof input === "string" && input !== "-") {
    const fh = await open(input, "r");
    const st = await fh.stat();
    const shared = mode.sharedRead;
    if (st.isFile() && shared !== undefined && shared.buffers.path === input) {
      // Another thread reads it; compressed files are read the usual way (the decompressor copies anyway).
      const head = new Uint8Array(4);
      const got = head.subarray(0, (await fh.read(head, 0, 4, 0)).bytesRead);
      if (!startsWith(got, GZIP_MAGIC) && !startsWith(got, ZSTD_MAGIC)) {
        await fh.close();
        return new SharedChunkSource(shared.buffers, st.size, shared.wakeFiller);
      }
    }
    if (st.isFile()) {
      raw = new FileSource(fh, st.size, 0, mode.readOnThisThread === true);
    } else {
      // FIFOs, character devices: stream them.
      const stream = fh.createReadStream({ highWaterMark: 1 << 20 });
      raw = new StreamSource(stream, "none", -1);
    }
  } else {
    const stream = typeof input === "string" ? process.stdin : input;
    raw = new StreamSource(stream, "none", -1);
  }
  const head = new Uint8Array(8);
  let got = 0;
  while (got < head.length) {
    const n = await raw.read(head, got, head.length - got);
    if (n === 0) break;
    got += n;
  }
  return sniffAndWrap(raw, head.subarray(0, got));
}
