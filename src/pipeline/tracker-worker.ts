/**
 * The connection tracker's thread of the pipelined pass (pipelined.ts): reads the packets the analysis
 * thread hands over (tracker-feed.ts) into a ConnectionTracker and sends back the connections as they
 * end and the tracker's counters at the end.
 *
 * workerData: TrackerWorkerConfig. Messages out: { type: "records", records } (ConnectionRecord
 * objects), or with `json` { type: "texts", uids, lengths, text } (the records' JSON texts joined in
 * one string: one string crosses threads far cheaper than hundreds), { type: "result", stats } at the end,
 * { type: "error", message, stack } if it failed (the feed is then aborted, so the writer stops too).
 */
import { parentPort, workerData } from "node:worker_threads";
import { newFrameRecord } from "../model/frame.js";
import { type ConnectionOptions, type ConnectionRecord, ConnectionTracker } from "../tcp/connection/index.js";
import { abortSharedRead, SharedFileFiller, type SharedReadBuffers } from "../capture/shared-read.js";
import { type FeedBuffers, FeedReader } from "./tracker-feed.js";

export interface TrackerWorkerConfig {
  feed: FeedBuffers;
  /** Read this file for the analysis thread meanwhile (shared-read.ts). */
  read?: SharedReadBuffers;
  connections: Partial<ConnectionOptions>;
  /** Send connections as [uid, JSON.stringify(record)] instead of objects. */
  json: boolean;
}

/** Connections are sent in batches of this many. */
const RECORD_BATCH = 256;

function run(config: TrackerWorkerConfig, reader: FeedReader): void {
  const port = parentPort!;
  let pending: ConnectionRecord[] = [];
  let texts: string[] = [];
  let uids: number[] = [];
  const flush = (): void => {
    if (pending.length > 0) port.postMessage({ type: "records", records: pending });
    pending = [];
    if (texts.length === 0) return;
    port.postMessage({
      type: "texts",
      uids: Int32Array.from(uids),
      lengths: Int32Array.from(texts, (t) => t.length),
      text: texts.join(""),
    });
    texts = [];
    uids = [];
  };
  const tracker = new ConnectionTracker(config.connections);
  tracker.onConnection = (r) => {
    if (config.json) {
      uids.push(r.uid);
      texts.push(JSON.stringify(r));
    } else {
      pending.push(r);
    }
    if (pending.length + texts.length >= RECORD_BATCH) flush();
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
