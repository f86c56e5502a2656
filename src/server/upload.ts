/**
 * An upload streamed to disk: never held in memory, counted against the size limit as it arrives,
 * and refused from its first bytes when they are not a capture (captureHeadCheck). The file is
 * written as `<dest>.part` and renamed when complete, so a half upload is never analysed.
 */
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { captureHeadCheck, SNIFF_HEAD_BYTES } from "../api/index.js";

/** An error with the HTTP status to answer and one readable sentence. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function formatSize(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let x = n;
  let u = 0;
  while (x >= 1024 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(x) ? x : x.toFixed(1)} ${units[u]}`;
}

export function tooLarge(max: number): HttpError {
  return new HttpError(413, `the upload is larger than the limit of ${formatSize(max)} (serve --max-upload)`);
}

/** Counts bytes against the limit and checks the head before the rest is written. */
class Gate extends Transform {
  size = 0;
  private head: Buffer[] = [];
  private headLen = 0;
  private checked = false;

  constructor(private readonly max: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.max) done(tooLarge(this.max));
    else if (this.checked) done(null, chunk);
    else {
      this.head.push(chunk);
      this.headLen += chunk.length;
      if (this.headLen < SNIFF_HEAD_BYTES) done();
      else this.release(done);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.checked) done();
    else this.release(done);
  }

  private release(done: TransformCallback): void {
    this.checked = true;
    const all = Buffer.concat(this.head);
    this.head = [];
    const check = all.length === 0 ? null : captureHeadCheck(all);
    if (check === null) done(new HttpError(400, "the upload is empty"));
    else if (!check.ok) done(new HttpError(400, `not a capture file: ${check.reason}`));
    else done(null, all);
  }
}

/**
 * Streams `source` into `dest`; returns the size. On any failure nothing is left on disk, and the
 * rest of the source is read and dropped: the client then gets its answer (413, 400) instead of a
 * connection closed under its upload.
 */
export async function receiveUpload(source: Readable, dest: string, max: number): Promise<number> {
  const part = `${dest}.part`;
  const gate = new Gate(max);
  const cut = (): void => {
    if ((source as { complete?: boolean }).complete === false) gate.destroy(new HttpError(400, "the upload was cut short"));
  };
  source.on("error", (err) => gate.destroy(err));
  source.on("close", cut);
  source.pipe(gate);
  const out = createWriteStream(part, { flags: "wx" });
  try {
    await pipeline(gate, out);
    renameSync(part, dest);
    return gate.size;
  } catch (err) {
    // The file is opened asynchronously: wait until the stream is closed, or it could appear after the rm.
    if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
    rmSync(part, { force: true });
    source.unpipe(gate);
    source.resume();
    throw err;
  } finally {
    source.off("close", cut);
  }
}
