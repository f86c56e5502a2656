/**
 * One streaming pass over a capture: read → decode → Wireshark-compatible TCP analysis → our
 * connection model. Finished connections are handed to `onConnection` as they close, so memory grows
 * with the connections open at once, not with the file. Every frame is either analysed or counted
 * as skipped with its reason.
 *
 * With `workers` > 1 (or "auto" on a large file) the analysis runs on worker threads sharded by flow
 * (parallel.ts) with the same result; connections are then handed out at the end, in uid order.
 */
import { statSync } from "node:fs";
import type { CaptureInput, ReadOptions } from "../capture/index.js";
import type { CaptureSummary } from "../capture/types.js";
import type { ConnectionOptions, ConnectionRecord, TrackerStats } from "../tcp/connection/index.js";
import type { AnalysisOptions } from "../tcp/index.js";
import type { SuspiciousPacket } from "../tcp/ttl-watch.js";
import { analyzeSharded, autoWorkers, fileHead } from "./parallel.js";
import { runPass } from "./pass.js";
import { analyzePipelined, pipelineFits } from "./pipelined.js";

export interface AnalyzeOptions extends ReadOptions {
  analysis?: Partial<AnalysisOptions>;
  connections?: Partial<ConnectionOptions>;
  /**
   * Analysis threads: 1 = this thread only; 2 = a pipeline: this thread reads and runs the Wireshark
   * analysis, a worker runs the connection model (pipelined.ts; any input, also standard input);
   * N > 2 = N worker threads, each reading the capture and analysing the flows that hash to it
   * (parallel.ts; files and bytes only — standard input gets the pipeline). "auto" (default) = 1
   * below 64 MiB of input, else os.availableParallelism() (at most 8; 2 for compressed input). The
   * result is the same for any number. (With N > 2 workers, onProgress comes from the first worker's
   * reading and afterChunk is not called. Verifying checksums uses flow sharding for 2 as well.)
   */
  workers?: number | "auto";
  /**
   * Address/port pairs whose latest Wireshark conversation stays findable (TcpAnalyzer
   * maxConversations); default 1 000 000, 0 = unlimited.
   */
  maxConversations?: number;
  /**
   * Watch every packet's IP TTL for RSTs made by a middlebox (`suspiciousResets`); default true.
   * A plain listing of the connections (`flows`) does not use them and turns it off.
   */
  ttlWatch?: boolean;
}

export interface AnalyzeResult {
  summary: CaptureSummary;
  tracker: TrackerStats;
  /** Frames that carried a TCP header we analysed. */
  tcpFrames: number;
  /** Frames not analysed, by reason. */
  skipped: Map<string, number>;
  /** TCP streams (Wireshark numbering) seen. */
  streams: number;
  /** Unacked-segment cap hits in the Wireshark analysis (per-flow limit reached). */
  unackedCapHits: number;
  /** RSTs whose IP TTL differs from the sender's steady TTL on that connection (middlebox hint). */
  suspiciousResets: SuspiciousPacket[];
  /**
   * The frame that created each tcp.stream, ascending (stream n was created by frame streamFrames[n]):
   * lets a later pass that analyses only some conversations number them as the whole capture does.
   * Null when the analysis forgot conversations (maxConversations): numbers then depend on more.
   */
  streamFrames: Float64Array | null;
}

/** The number of analysis threads `options.workers` asks for on this input. */
export function workersFor(input: CaptureInput, workers: number | "auto" | undefined): number {
  if (typeof workers === "number") {
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError("workers must be an integer >= 1");
    // Input read once (standard input, a stream) can only be pipelined, on two threads.
    return rereadable(input) ? workers : Math.min(workers, 2);
  }
  if (!rereadable(input)) return 1;
  if (input instanceof Uint8Array) return autoWorkers(input.length, input.subarray(0, 4));
  try {
    const st = statSync(input as string);
    return st.isFile() ? autoWorkers(st.size, fileHead(input as string)) : 1;
  } catch {
    return 1; // the reader reports what is wrong with it
  }
}

/** Input that every shard worker can read again: a file path or bytes in memory. */
function rereadable(input: CaptureInput): boolean {
  return input instanceof Uint8Array || (typeof input === "string" && input !== "-");
}

export async function analyzeCapture(
  input: CaptureInput,
  onConnection: (c: ConnectionRecord) => void,
  options: AnalyzeOptions = {},
): Promise<AnalyzeResult> {
  const workers = workersFor(input, options.workers);
  if (workers === 2 && pipelineFits(options))
    return (await analyzePipelined(input, options, onConnection)).result;
  if (workers > 1 && rereadable(input)) {
    const sharded = await analyzeSharded(input, options, workers);
    if (sharded !== null) {
      for (const rec of sharded.records) onConnection(rec);
      return sharded.result;
    }
    // A global cap came into play: only the one-thread pass gives the exact result.
  }
  const r = await runPass(input, options, 0, 1, onConnection);
  const skipped = r.skipped;
  for (const [k, v] of r.summary.skipped) skipped.set(k, (skipped.get(k) ?? 0) + v);
  return {
    summary: r.summary,
    tracker: r.tracker,
    tcpFrames: r.tcpFrames,
    skipped,
    streams: r.streams,
    unackedCapHits: r.unackedCapHits,
    suspiciousResets: r.suspicious,
    streamFrames: r.conversationsForgotten > 0 ? null : r.streamFrames,
  };
}

/**
 * analyzeCapture for a JSON listing: every connection as JSON.stringify of its record in UTF-8, in
 * uid order. With workers, the records are turned into text in the workers (the pipeline's tracker
 * thread encodes them too; the shards' texts are finished here, record-text.ts), in parallel.
 */
export async function analyzeCaptureJson(
  input: CaptureInput,
  options: AnalyzeOptions = {},
): Promise<{ result: AnalyzeResult; pieces: Uint8Array[] }> {
  const workers = workersFor(input, options.workers);
  if (workers === 2 && pipelineFits(options)) return analyzePipelined(input, options, null, true);
  if (workers > 1 && rereadable(input)) {
    const sharded = await analyzeSharded(input, options, workers, true);
    if (sharded !== null) return { result: sharded.result, pieces: sharded.texts.map(utf8) };
  }
  const list: { uid: number; text: string }[] = [];
  const result = await analyzeCapture(input, (c) => list.push({ uid: c.uid, text: JSON.stringify(c) }), {
    ...options,
    workers: 1,
  });
  list.sort((a, b) => a.uid - b.uid);
  return { result, pieces: list.map((x) => utf8(x.text)) };
}

const encoder = new TextEncoder();
function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
