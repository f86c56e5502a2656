/**
 * An analysis worker (worker_threads): runs the pass (pass.ts) for one shard of the flows and sends
 * back what parallel.ts merges.
 *
 * workerData: ShardConfig. Messages out: { type: "records", records } as connections finish (objects,
 * or RecordText with `json`),
 * { type: "progress", ... } (shard 0, for a progress line), { type: "result", result } at the end.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { CaptureInput } from "../capture/index.js";
import type { ConnectionRecord } from "../tcp/connection/index.js";
import { runPass, type PassOptions } from "./pass.js";
import { type RecordText, toRecordText } from "./record-text.js";

/** workerData of a shard worker. */
export interface ShardConfig {
  /** A file path, or the capture's bytes in a SharedArrayBuffer. */
  input: string | SharedArrayBuffer;
  inputLength: number;
  options: PassOptions;
  shard: number;
  shards: number;
  /** Post progress messages (shard 0 when the caller wants a progress line). */
  progress: boolean;
  /** Send connections as JSON text (record-text.ts) instead of objects. */
  json: boolean;
}

/** Connection records are sent in batches of this many (and at every read chunk). */
const RECORD_BATCH = 256;

async function run(config: ShardConfig): Promise<void> {
  const port = parentPort!;
  let pending: (ConnectionRecord | RecordText)[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    port.postMessage({ type: "records", records: pending });
    pending = [];
  };
  const input: CaptureInput =
    typeof config.input === "string" ? config.input : new Uint8Array(config.input, 0, config.inputLength);
  const result = await runPass(
    input,
    {
      ...config.options,
      onProgress: config.progress
        ? (rawRead, rawSize, frames) => port.postMessage({ type: "progress", rawRead, rawSize, frames })
        : undefined,
      afterChunk: () => {
        flush();
        return undefined;
      },
    },
    config.shard,
    config.shards,
    (r) => {
      pending.push(config.json ? toRecordText(r) : r);
      if (pending.length >= RECORD_BATCH) flush();
    },
  );
  flush();
  port.postMessage({ type: "result", result });
}

run(workerData as ShardConfig).catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  parentPort!.postMessage({ type: "error", message: e.message, stack: e.stack });
});
