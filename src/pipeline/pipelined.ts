/**
 * The analysis pass on two threads as a pipeline: this thread decodes and runs the Wireshark analysis
 * (and the TTL watch) for every frame, exactly as the one-thread pass does; a worker runs the
 * connection tracker on the packets this thread hands over through shared memory (tracker-feed.ts),
 * in file order — and, for a regular file, reads the file for this thread into shared memory, where
 * it is parsed in place (capture/shared-read.ts), since the tracker is the lighter stage. The tracker
 * sees the very calls it would see on one thread, so the result is the one-thread result by
 * construction: no renumbering, no merge, and no global cap to check — unlike flow sharding
 * (parallel.ts), nothing is read, decoded or compiled twice, which on two cores is what matters. It
 * needs no re-readable input: standard input and compressed files work too.
 */
import { statSync } from "node:fs";
import type { CaptureInput } from "../capture/index.js";
import { abortSharedRead, newSharedReadBuffers, SHARED_READ_HEAD } from "../capture/shared-read.js";
import type { ConnectionRecord, TrackerStats } from "../tcp/connection/index.js";
import type { AnalyzeOptions, AnalyzeResult } from "./analyze.js";
import { passOptions, startWorker } from "./parallel.js";
import { type JsonBytes, piecesInUidOrder } from "./record-text.js";
import { type PassResult, runPass } from "./pass.js";
import { DEFAULT_FEED_ENTRIES, FeedAborted, FeedWriter, newFeedBuffers, wakeReader } from "./tracker-feed.js";
import type { TrackerWorkerConfig } from "./tracker-worker.js";

function regularFile(input: CaptureInput): boolean {
  if (typeof input !== "string" || input === "-") return false;
  try {
    return statSync(input).isFile();
  } catch {
    return false; // the reader reports what is wrong with it
  }
}

/** False when the pipeline cannot give the one-thread result (the tracker would need whole frames). */
export function pipelineFits(options: AnalyzeOptions): boolean {
  return options.connections?.verifyChecksums !== true;
}

/**
 * Runs the pass as a two-thread pipeline. Connections go to `onConnection` as they end (as on one
 * thread), or with `json` are returned as JSON.stringify of each record in UTF-8, in uid order. `feedEntries`:
 * the hand-over ring's size (tracker-feed.ts); `readHeadBytes`: how much of a file this thread reads
 * itself before taking the chunks the tracker's thread reads (shared-read.ts).
 */
export async function analyzePipelined(
  input: CaptureInput,
  options: AnalyzeOptions,
  onConnection: ((c: ConnectionRecord) => void) | null,
  json = false,
  feedEntries = DEFAULT_FEED_ENTRIES,
  readHeadBytes = SHARED_READ_HEAD,
): Promise<{ result: AnalyzeResult; pieces: Uint8Array[] }> {
  const feed = newFeedBuffers(feedEntries);
  // A regular file is read by the tracker's thread, which has time to spare (shared-read.ts); this
  // thread reads its first `readHeadBytes` itself while that thread starts.
  const read = regularFile(input) ? newSharedReadBuffers(input as string, readHeadBytes) : undefined;
  const config: TrackerWorkerConfig = { feed, read, connections: options.connections ?? {}, json };
  const worker = startWorker("tracker-worker", config);
  const batches: JsonBytes[] = [];
  let workerError: Error | null = null;
  let stats: TrackerStats | null = null;
  const finished = new Promise<void>((resolve, reject) => {
    const fail = (e: Error): void => {
      workerError ??= e;
      // This thread may be waiting for a chunk of the file from that thread.
      if (read !== undefined) abortSharedRead(read);
      reject(e);
    };
    worker.on("message", (m: { type: string } & Record<string, unknown>) => {
      if (m.type === "json") {
        batches.push(m.batch as JsonBytes);
      } else if (m.type === "records") {
        for (const r of m.records as ConnectionRecord[]) onConnection?.(r);
      } else if (m.type === "result") {
        stats = m.stats as TrackerStats;
        resolve();
      } else if (m.type === "error") {
        const e = new Error(m.message as string);
        e.stack = m.stack as string;
        fail(e);
      }
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (stats === null) fail(new Error(`connection tracker thread stopped (exit code ${code})`));
    });
  });
  // Rejections are looked at below (after the pass), not left unhandled meanwhile.
  finished.catch(() => undefined);
  const writer = new FeedWriter(feed);
  let pass: PassResult;
  try {
    // (Both cores are busy: other input is best read on this thread, see FileSource.)
    pass = await runPass(
      input,
      {
        ...passOptions(options),
        onProgress: options.onProgress,
        afterChunk: options.afterChunk,
        readOnThisThread: true,
        sharedRead: read === undefined ? undefined : { buffers: read, wakeFiller: () => wakeReader(feed) },
      },
      0,
      1,
      () => undefined,
      writer,
    );
    writer.close();
    await finished;
  } catch (err) {
    writer.abort();
    await worker.terminate();
    // The tracker's own failure explains a feed that stopped.
    if (err instanceof FeedAborted && workerError !== null) throw workerError;
    throw err;
  }
  await worker.terminate();
  const skipped = pass.skipped;
  for (const [k, v] of pass.summary.skipped) skipped.set(k, (skipped.get(k) ?? 0) + v);
  return {
    result: {
      summary: pass.summary,
      tracker: stats!,
      tcpFrames: pass.tcpFrames,
      skipped,
      streams: pass.streams,
      unackedCapHits: pass.unackedCapHits,
      suspiciousResets: pass.suspicious,
      streamFrames: pass.conversationsForgotten > 0 ? null : pass.streamFrames,
    },
    pieces: piecesInUidOrder(batches),
  };
}
