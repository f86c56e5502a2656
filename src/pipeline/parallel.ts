/**
 * The analysis pass of analyze.ts on N worker threads, with the one-thread result.
 *
 * Each worker runs the pass (pass.ts) for one shard of the flows: it reads the whole capture (a file
 * is read from the page cache; bytes in memory are shared) but decodes and analyses only the frames
 * whose flow hashes to it (flowBucketV1 over the conversation key), keeping the tracker's shared clock
 * with the others' frames. This thread only spawns the workers and merges what they report:
 *  - tcp.stream: Wireshark numbers conversations in the order they are created, across all flows;
 *    merging the frames that created each shard's streams gives the global numbers (a frame creates
 *    at most one conversation);
 *  - connection uid: uids count connections in the order they open, i.e. by first frame;
 *    renumbered from the first frames (previous-connection links follow);
 *  - counters add up; the peak of open connections comes from merging the opens and ends in frame
 *    order; skip reasons keep the order of their first frame; the TTL watch judges the first
 *    MAX_RESETS RSTs of the file.
 * The tracker's global caps (open connections, remembered finished tuples) and the analysis's
 * conversation cap make a result depend on all flows together once reached. The merge checks whether
 * the one-thread pass would have reached one; then it returns null and the caller runs the one-thread
 * pass instead, so output never depends on the worker count.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { CaptureInput } from "../capture/index.js";
import { DEFAULT_MAX_CONVERSATIONS } from "../tcp/index.js";
import {
  type ConnectionRecord,
  resolveConnectionOptions,
  type TrackerStats,
} from "../tcp/connection/index.js";
import type { SuspiciousPacket } from "../tcp/ttl-watch.js";
import type { AnalyzeOptions, AnalyzeResult } from "./analyze.js";
import { MAX_RESETS, type PassOptions, type PassResult } from "./pass.js";
import { finalText, type RecordText } from "./record-text.js";
import type { ShardConfig } from "./shard-worker.js";

/** Worker threads for `workers: "auto"`: one thread below this input size. */
export const AUTO_MIN_BYTES = 64 << 20;
/** At most this many workers for "auto". */
export const AUTO_MAX_WORKERS = 8;

/**
 * The number of threads "auto" picks for an input of `bytes` starting with `head` (−1 unknown: one
 * thread). Compressed input gets at most two (the pipeline, pipelined.ts): every shard worker would
 * decompress all of it.
 */
export function autoWorkers(bytes: number, head?: Uint8Array): number {
  if (!(bytes >= AUTO_MIN_BYTES)) return 1;
  if (head !== undefined && head.length >= 2) {
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    const zstd =
      head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd;
    if (gzip || zstd) return Math.max(1, Math.min(2, availableParallelism()));
  }
  return Math.max(1, Math.min(AUTO_MAX_WORKERS, availableParallelism()));
}

/** The first bytes of a file (for autoWorkers). */
export function fileHead(path: string, n = 4): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const b = new Uint8Array(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Starts a worker running `module` (a file of this directory, named without extension): the compiled
 * .js next to this file, or — when this module runs from its TypeScript source (tests,
 * TCPSLEUTH_FROM_SOURCE) — the .ts source through tsx, registered in the worker before the module loads.
 */
export function startWorker(module: string, data: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts"))
    return new Worker(new URL(`./${module}.js`, here), { workerData: data, execArgv: [] });
  const src = new URL(`./${module}.ts`, here).href;
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(src)}); });`;
  return new Worker(boot, { eval: true, workerData: data, execArgv: [] });
}

/** What a worker can be given of the options (no functions). */
export function passOptions(o: AnalyzeOptions): PassOptions {
  return {
    analysis: o.analysis,
    connections: o.connections,
    maxConversations: o.maxConversations,
    chunkBytes: o.chunkBytes,
    maxFrames: o.maxFrames,
    ttlWatch: o.ttlWatch,
  };
}

/**
 * Runs the pass on `workers` (>= 2) worker threads over a file path or bytes. Returns the records (in
 * uid order) and the result, or null when a global cap came into play (run the one-thread pass then).
 */
export async function analyzeSharded(
  input: CaptureInput,
  options: AnalyzeOptions,
  workers: number,
  json = false,
): Promise<{ result: AnalyzeResult; records: ConnectionRecord[]; texts: string[] } | null> {
  let shared: string | SharedArrayBuffer;
  let length = 0;
  if (typeof input === "string") {
    shared = input;
  } else if (input instanceof Uint8Array) {
    const sab = new SharedArrayBuffer(input.length);
    new Uint8Array(sab).set(input);
    shared = sab;
    length = input.length;
  } else {
    throw new TypeError("worker threads read a file path or bytes");
  }
  const opts = passOptions(options);
  const records: (ConnectionRecord | RecordText)[][] = [];
  const results: (PassResult | null)[] = [];
  const threads: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let left = workers;
      let failed = false;
      const fail = (err: Error): void => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      for (let shard = 0; shard < workers; shard++) {
        records.push([]);
        results.push(null);
        const config: ShardConfig = {
          input: shared,
          inputLength: length,
          options: opts,
          shard,
          shards: workers,
          progress: shard === 0 && options.onProgress !== undefined,
          json,
        };
        const w = startWorker("shard-worker", config);
        threads.push(w);
        w.on("message", (m: { type: string } & Record<string, unknown>) => {
          if (m.type === "records") {
            for (const r of m.records as (ConnectionRecord | RecordText)[]) records[shard]!.push(r);
          } else if (m.type === "progress") {
            options.onProgress?.(m.rawRead as number, m.rawSize as number, m.frames as number);
          } else if (m.type === "result") {
            results[shard] = m.result as PassResult;
            if (--left === 0) resolve();
          } else if (m.type === "error") {
            const e = new Error(m.message as string);
            e.stack = m.stack as string;
            fail(e);
          }
        });
        w.on("error", fail);
        w.on("exit", (code) => {
          if (results[shard] === null) fail(new Error(`analysis worker stopped (exit code ${code})`));
        });
      }
    });
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
  const conn = resolveConnectionOptions(options.connections ?? {});
  const maxConversations = options.maxConversations ?? DEFAULT_MAX_CONVERSATIONS;
  return mergeShards(
    records,
    results as PassResult[],
    conn.maxOpenConnections,
    conn.maxRememberedTuples,
    maxConversations,
    json,
  );
}

/**
 * Global numbers for each shard's local ones, from the frames that created them (ascending per shard),
 * and those frames merged: the frame that created each global stream.
 */
function renumber(frames: Float64Array[]): { maps: Int32Array[]; merged: Float64Array } {
  const maps = frames.map((f) => new Int32Array(f.length));
  const merged = new Float64Array(frames.reduce((n, f) => n + f.length, 0));
  const pos = frames.map(() => 0);
  let next = 0;
  for (;;) {
    let best = -1;
    for (let w = 0; w < frames.length; w++) {
      if (pos[w]! < frames[w]!.length && (best < 0 || frames[w]![pos[w]!]! < frames[best]![pos[best]!]!))
        best = w;
    }
    if (best < 0) return { maps, merged };
    merged[next] = frames[best]![pos[best]!]!;
    maps[best]![pos[best]!++] = next++;
  }
}

function addStats(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (typeof v === "number") into[k] = (into[k] as number) + v;
    else if (v !== null && typeof v === "object")
      addStats(into[k] as Record<string, unknown>, v as Record<string, unknown>);
  }
}

/** Peak of the sum of open connections over all shards (ends before opens within a frame). */
function peakOpen(logs: Float64Array[]): number {
  let n = 0;
  for (const l of logs) n += l.length / 2;
  const frame = new Float64Array(n);
  const delta = new Int8Array(n);
  let k = 0;
  for (const l of logs) {
    for (let i = 0; i < l.length; i += 2) {
      frame[k] = l[i]!;
      delta[k++] = l[i + 1]!;
    }
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => frame[a]! - frame[b]! || delta[a]! - delta[b]!);
  let open = 0;
  let peak = 0;
  for (const i of order) {
    open += delta[i]!;
    if (open > peak) peak = open;
  }
  return peak;
}

function mergeShards(
  shardRecords: (ConnectionRecord | RecordText)[][],
  results: PassResult[],
  maxOpen: number,
  maxRemembered: number,
  maxConversations: number,
  json: boolean,
): { result: AnalyzeResult; records: ConnectionRecord[]; texts: string[] } | null {
  // ---- would the one-thread pass have reached a global cap? ----
  let tombs = 0;
  let keys = 0;
  for (const r of results) {
    if (r.tracker.caps.openConnectionsEvicted > 0 || r.conversationsForgotten > 0) return null;
    tombs += r.tombsMade;
    keys += r.conversationKeys;
  }
  if (maxRemembered > 0 && tombs > maxRemembered) return null;
  if (maxConversations > 0 && keys > maxConversations) return null;
  const peak = peakOpen(results.map((r) => r.openLog));
  if (peak > maxOpen) return null;

  // ---- streams ----
  const { maps: streamMaps, merged: streamFrames } = renumber(results.map((r) => r.streamFrames));
  let streams = 0;
  for (const r of results) streams += r.streams;

  // ---- connections: uid by first frame ----
  const all: { rec: ConnectionRecord | RecordText; shard: number }[] = [];
  shardRecords.forEach((list, shard) => {
    for (const rec of list) all.push({ rec, shard });
  });
  all.sort((a, b) => a.rec.startFrame - b.rec.startFrame);
  const uidMaps = shardRecords.map(() => new Map<number, number>());
  for (let i = 0; i < all.length; i++) uidMaps[all[i]!.shard]!.set(all[i]!.rec.uid, i + 1);
  const records: ConnectionRecord[] = [];
  const texts: string[] = [];
  for (const { rec, shard } of all) {
    const map = streamMaps[shard]!;
    const uids = uidMaps[shard]!;
    if (json) {
      const r = rec as RecordText;
      const prev = r.prevUid !== 0 ? uids.get(r.prevUid)! : 0;
      texts.push(finalText(r, uids.get(r.uid)!, r.streams.map((s) => map[s]!), prev));
    } else {
      const r = rec as ConnectionRecord;
      r.uid = uids.get(r.uid)!;
      r.wsStreams = r.wsStreams.map((s) => map[s]!);
      if (r.previous) r.previous.uid = uids.get(r.previous.uid)!;
      records.push(r);
    }
  }

  // ---- tracker counters: sums, but the clock is the same in every shard ----
  const stats: TrackerStats = structuredClone(results[0]!.tracker);
  for (let i = 1; i < results.length; i++)
    addStats(
      stats as unknown as Record<string, unknown>,
      results[i]!.tracker as unknown as Record<string, unknown>,
    );
  stats.timeWentBackwards = results[0]!.tracker.timeWentBackwards;
  stats.peakOpenConnections = peak;

  // ---- skip reasons in order of first frame, then the reader's ----
  const reasons = new Map<string, { count: number; first: number }>();
  for (const r of results) {
    for (const [k, n] of r.skipped) {
      const first = r.skippedFirst.get(k)!;
      const e = reasons.get(k);
      if (e === undefined) reasons.set(k, { count: n, first });
      else {
        e.count += n;
        if (first < e.first) e.first = first;
      }
    }
  }
  const skipped = new Map<string, number>();
  for (const [k, e] of [...reasons.entries()].sort((a, b) => a[1].first - b[1].first))
    skipped.set(k, e.count);
  const summary = results[0]!.summary;
  for (const [k, v] of summary.skipped) skipped.set(k, (skipped.get(k) ?? 0) + v);

  // ---- TTL watch: the first MAX_RESETS RSTs of the file are the ones judged ----
  let cutoff = Number.POSITIVE_INFINITY;
  const rsts: number[] = [];
  for (const r of results) for (const f of r.rstFrames) rsts.push(f);
  if (rsts.length > MAX_RESETS) {
    rsts.sort((a, b) => a - b);
    cutoff = rsts[MAX_RESETS - 1]!;
  }
  const suspicious: SuspiciousPacket[] = [];
  results.forEach((r, shard) => {
    for (const s of r.suspicious) {
      if (s.frame > cutoff) continue;
      suspicious.push({ ...s, stream: streamMaps[shard]![s.stream]! });
    }
  });
  suspicious.sort((a, b) => a.frame - b.frame);

  let unackedCapHits = 0;
  let tcpFrames = 0;
  for (const r of results) {
    unackedCapHits += r.unackedCapHits;
    tcpFrames += r.tcpFrames;
  }
  return {
    records,
    texts,
    result: {
      summary,
      tracker: stats,
      tcpFrames,
      skipped,
      streams,
      unackedCapHits,
      suspiciousResets: suspicious,
      streamFrames,
    },
  };
}
