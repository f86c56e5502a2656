/**
 * The connection tracker's thread of the pipelined pass (pipelined.ts): reads the packets the analysis
 * thread hands over (tracker-feed.ts) into a ConnectionTracker and sends back the connections as they
 * end and the tracker's counters at the end.
 *
 * workerData: TrackerWorkerConfig. Messages out: { type: "records", records } (ConnectionRecord
 * objects), or with `json` { type: "json", batch } (the records' JSON texts as UTF-8 bytes in one
 * buffer, record-text.ts JsonBytes: one buffer crosses threads far cheaper than hundreds of strings,
 * and the thread that writes them has nothing left to encode), { type: "result", stats } at the end,
 * { type: "error", message, stack } if it failed (the feed is then aborted, so the writer stops too).
 */
import { parentPort, workerData } from "node:worker_threads";
import { newFrameRecord } from "../model/frame.js";
import { type ConnectionOptions, type ConnectionRecord, ConnectionTracker } from "../tcp/connection/index.js";
import { abortSharedRead, SharedFileFiller, type SharedReadBuffers } from "../capture/shared-read.js";
import { JsonBytesBatch } from "./record-text.js";
import { type FeedBuffers, FeedReader } from "./tracker-feed.js";

export interface TrackerWorkerConfig {
  feed: FeedBuffers;
  /** Read this file for the analysis thread meanwhile (shared-read.ts). */
  read?: SharedReadBuffers;
  connections: Partial<ConnectionOptions>;
  /** Send connections as UTF-8 bytes of JSON.stringify(record) instead of objects. */
  json: boolean;
}

/** Connections are sent in batches of this many. */
const RECORD_BATCH = 256;

function run(config: TrackerWorkerConfig, reader: FeedReader): void {
  const port = parentPort!;
  let pending: ConnectionRecord[] = [];
  const json = new JsonBytesBatch();
  const flush = (): void => {
    if (pending.length > 0) port.postMessage({ type: "records", records: pending });
    pending = [];
    if (json.count === 0) return;
    const batch = json.take();
    port.postMessage({ type: "json", batch }, [batch.bytes.buffer as ArrayBuffer]);
  };
  const tracker = new ConnectionTracker(config.connections);
  tracker.onConnection = (r) => {
    if (config.json) json.push(r.uid, JSON.stringify(r));
    else pending.push(r);
    if (pending.length + json.count >= RECORD_BATCH) flush();
  };
  // The analysis thread's file, read here: this thread has time to spare.
  const filler = config.read !== undefined ? new SharedFileFiller(config.read) : null;
  filler?.fill();
  reader.run(
    (f, p, stream, wsFlags, tuple, gen, dir) => tracker.observe(f, p, stream, wsFlags, tuple, gen, dir),
    filler === null ? undefined : () => filler.fill(),
  );
  filler?.close();
  const stats = tracker.finish();
  flush();
  port.postMessage({ type: "result", stats });
}

const config = workerData as TrackerWorkerConfig;
const reader = new FeedReader(config.feed, newFrameRecord());
try {
  run(config, reader);
} catch (err) {
  reader.abort();
  if (config.read !== undefined) abortSharedRead(config.read);
  const e = err instanceof Error ? err : new Error(String(err));
  parentPort!.postMessage({ type: "error", message: e.message, stack: e.stack });
}
