/**
 * `tcpsleuth correlate A B`: two simultaneous captures of the same traffic at two points, either side
 * of a firewall, NAT or router. Every TCP packet of A is matched with its counterpart in B despite
 * address/port rewriting, sequence-number randomisation, TTL/IP-ID rewriting and a clock offset; what
 * crossed, what the box dropped, what it injected and which idle connections it cut are reported as
 * findings with the evidence in each file. The words are added by render/correlate-text.ts.
 */
import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { CaptureInput, ReadOptions } from "../../capture/index.js";
import { formatEpoch } from "../../model/frame.js";
import { Classification, Status, STATUS_NAMES } from "./classify.js";
import { Correlation } from "./engine.js";
import { boxView, buildFindings, buildLadder } from "./findings.js";
import { quantileSorted } from "./stats.js";
import { type LoadedCapture, loadCapture, rehydrate } from "./table.js";
import {
  CORRELATE_REPORT_VERSION,
  type ConnectionMapping,
  type CorrelateFileMeta,
  type CorrelateOptions,
  type CorrelationReport,
  type DelayStats,
  type UnpairedConnection,
} from "./types.js";

export * from "./types.js";
export { Status, STATUS_NAMES } from "./classify.js";
export type { LoadedCapture } from "./table.js";

export interface CorrelateResult {
  report: CorrelationReport;
  /** The loaded captures and the matching, for callers that want per-packet detail. */
  a: LoadedCapture;
  b: LoadedCapture;
  correlation: Correlation;
  classification: Classification;
  timing: { loadMs: number; correlateMs: number };
}

export interface CorrelateCaptureOptions extends CorrelateOptions, ReadOptions {
  /** File names to report (default: the base names of string inputs). */
  names?: [string, string];
  toolVersion?: string;
}

/** Loads both captures (concurrently) and correlates them. */
export async function correlateCaptures(
  a: CaptureInput,
  b: CaptureInput,
  opts: CorrelateCaptureOptions = {},
): Promise<CorrelateResult> {
  const t0 = performance.now();
  const [A, B] = await Promise.all([loadCapture(a, opts), loadElsewhere(b, opts)]);
  if (opts.names) {
    A.file = opts.names[0];
    B.file = opts.names[1];
  }
  const t1 = performance.now();
  const r = correlateLoaded(A, B, opts);
  return { ...r, timing: { loadMs: t1 - t0, correlateMs: performance.now() - t1 } };
}

/** Captures at least this big are read on a worker thread, in parallel with the other one. */
const WORKER_MIN_BYTES = 16 << 20;

/**
 * Loads a capture on a worker thread when it is a big enough file (the two captures are then read
 * at the same time on two cores), else here. Any trouble with the worker: read it here.
 */
async function loadElsewhere(input: CaptureInput, opts: ReadOptions): Promise<LoadedCapture> {
  let big = false;
  if (typeof input === "string" && input !== "-") {
    try {
      big = statSync(input).size >= WORKER_MIN_BYTES;
    } catch {
      big = false;
    }
  }
  if (!big || opts.onProgress || opts.afterChunk) return loadCapture(input, opts);
  const fromSource = import.meta.url.endsWith(".ts");
  const workerData = { input, options: { maxFrames: opts.maxFrames, chunkBytes: opts.chunkBytes } };
  try {
    let worker: Worker;
    if (fromSource) {
      // Running the TypeScript sources (tests, development): the worker registers tsx first.
      const tsx = import.meta.resolve("tsx/esm/api");
      const url = new URL("./load-worker.ts", import.meta.url).href;
      const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
      worker = new Worker(boot, { eval: true, workerData });
    } else {
      worker = new Worker(new URL("./load-worker.js", import.meta.url), { workerData });
    }
    const L = await new Promise<LoadedCapture>((resolve, reject) => {
      worker.once("message", (m: LoadedCapture) => resolve(m));
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`loader exited with ${code}`)));
    });
    void worker.terminate();
    return rehydrate(L);
  } catch {
    return loadCapture(input, opts);
  }
}

/** Correlates two loaded captures (B's times are moved onto A's time base in place). */
export function correlateLoaded(
  A: LoadedCapture,
  B: LoadedCapture,
  opts: CorrelateCaptureOptions = {},
): Omit<CorrelateResult, "timing"> {
  const W = opts.maxTransitSec ?? 1;
  const corr = new Correlation(A, B, { maxTransitSec: W, clockOffsetSec: opts.clockOffsetSec });
  corr.run();
  const cl = new Classification(corr, opts.idleTimeoutMinSec ?? 2);
  if (corr.nPairs > 0) cl.run();
  const report = buildReport(corr, cl, opts);
  return { report, a: A, b: B, correlation: corr, classification: cl };
}

function fileMeta(L: LoadedCapture): CorrelateFileMeta {
  const s = L.summary;
  const ts = (x: [number, number] | undefined): number | null => (x ? Number(formatEpoch(x[0], x[1])) : null);
  const first = ts(s.firstTs);
  const last = ts(s.lastTs);
  return {
    file: L.file,
    format: s.format,
    packets: s.frames,
    tcpPackets: L.pk.n,
    firstTs: first,
    lastTs: last,
    durationSec: first !== null && last !== null ? last - first : null,
    skipped: [...L.skipped].map(([reason, count]) => ({ reason, count })).sort((x, y) => y.count - x.count),
    problems: s.problems.map((p) => `byte ${p.offset}: ${p.message}`),
  };
}

function delay(s: { count: number; sorted(): Float64Array }, max: number, packets: number): DelayStats {
  if (s.count === 0) return { packets, medianSec: null, p95Sec: null, maxSec: null };
  const v = s.sorted();
  return {
    packets,
    medianSec: quantileSorted(v, 0.5),
    p95Sec: quantileSorted(v, 0.95),
    maxSec: max,
  };
}

function buildReport(
  corr: Correlation,
  cl: Classification,
  opts: CorrelateCaptureOptions,
): CorrelationReport {
  const A = corr.A;
  const B = corr.B;
  const paired = corr.nPairs > 0;
  const findings = paired ? buildFindings(corr, cl, opts.maxFramesPerFinding ?? 2000) : [];
  const box = paired
    ? boxView(cl)
    : { culprit: null, addresses: [] as string[], addressA: null, addressB: null, nat: false };

  // per connection
  // Matched rows per connection: all its rows but the ones seen in A only.
  const bothA = new Int32Array(A.cv.count);
  let both = 0;
  if (paired) {
    for (let c = 0; c < A.cv.count; c++) bothA[c] = A.cv.count_[c]!;
    for (const r of cl.notCrossed[0]) bothA[A.pk.conv[r]!]!--;
    both = A.pk.n - cl.notCrossed[0].length;
  }
  const mapping: ConnectionMapping[] = [];
  for (let p = 0; p < corr.nPairs; p++) {
    const ca = corr.pairA[p]!;
    const cb = corr.pairB[p]!;
    const dm = corr.dm[p]!;
    const m = bothA[ca]!;
    const from = corr.sideFrom[2 * p]!;
    mapping.push({
      streamA: ca,
      streamB: cb,
      clientA: A.cv.endpoint(ca, 0),
      serverA: A.cv.endpoint(ca, 1),
      clientB: B.cv.endpoint(cb, dm),
      serverB: B.cv.endpoint(cb, 1 - dm),
      aSide: corr.senderOnA[2 * p] ? "client" : "server",
      aSideFrom: from === 1 ? "ttl" : from === 2 ? "timing" : "assumed",
      seqOffset: {
        clientToServer: corr.offKnown[2 * p] ? corr.off[2 * p]! : null,
        serverToClient: corr.offKnown[2 * p + 1] ? corr.off[2 * p + 1]! : null,
      },
      nat: {
        client: A.cv.endpoint(ca, 0) !== B.cv.endpoint(cb, dm),
        server: A.cv.endpoint(ca, 1) !== B.cv.endpoint(cb, 1 - dm),
      },
      packetsA: A.cv.count_[ca]!,
      packetsB: B.cv.count_[cb]!,
      bothSides: m,
      onlyA: A.cv.count_[ca]! - m,
      onlyB: B.cv.count_[cb]! - m,
    });
  }
  const unpaired = (L: LoadedCapture, convPair: Int32Array, inB: boolean): UnpairedConnection[] => {
    const out: UnpairedConnection[] = [];
    const st = cl.status(inB);
    for (let c = 0; c < L.cv.count; c++) {
      if (convPair[c] !== -1 || L.cv.count_[c] === 0) continue;
      const first = L.cv.first[c]!;
      let reason = cl.unpairedReason[inB ? 1 : 0].get(c) ?? (paired ? "not-through-box" : "not-matched");
      if (paired && st[first] === Status.OUTSIDE_OVERLAP) reason = "outside-overlap";
      out.push({
        stream: c,
        client: L.cv.endpoint(c, 0),
        server: L.cv.endpoint(c, 1),
        packets: L.cv.count_[c]!,
        reason,
      });
    }
    return out;
  };
  const classified: Record<string, number> = {};
  for (const inB of [false, true]) {
    const st = cl.status(inB);
    for (const r of cl.notCrossed[inB ? 1 : 0]) {
      const code = st[r]!;
      if (code === Status.CROSSED) continue;
      const name = STATUS_NAMES[code]!;
      classified[name] = (classified[name] ?? 0) + 1;
    }
  }
  // With nothing paired, every packet is unexplained.
  if (!paired) {
    classified["not-matched"] = A.pk.n + B.pk.n;
    for (const k of Object.keys(classified)) if (k !== "not-matched") delete classified[k];
  }
  const problems = findings.filter((f) => f.id !== "healthy");
  const sev = problems.map((f) => f.severity);
  const verdict: CorrelationReport["verdict"] = sev.includes("error")
    ? "error"
    : sev.includes("warning")
      ? "warning"
      : !paired
        ? "info"
        : "healthy";
  const maxLadders = opts.maxLadders ?? 6;
  const details = [];
  if (paired) {
    let k = 0;
    for (let i = 0; i < findings.length && k < maxLadders; i++) {
      const l = buildLadder(corr, cl, findings[i]!, i);
      if (l) {
        details.push(l);
        k++;
      }
    }
  }
  const method = paired ? corr.offsetMethod : "assumed-zero";
  const report: CorrelationReport = {
    version: CORRELATE_REPORT_VERSION,
    tool: { name: "tcpsleuth", version: opts.toolVersion ?? "0.1.0" },
    files: [fileMeta(A), fileMeta(B)],
    verdict,
    headline: "",
    clockOffsetSec: paired ? corr.offset : null,
    clockOffset: {
      method,
      samples: corr.offsetSamples,
      note:
        method === "given"
          ? "given on the command line"
          : method === "matched-packets"
            ? "midpoint of the median B − A delays of the two directions (one-way transit through the box assumed equal both ways)"
            : method === "anchors"
              ? "densest agreement of distinctive packets (SYN, FIN, RST, TCP timestamps)"
              : "no packet could be matched: clocks assumed equal",
    },
    box: { addresses: box.addresses, addressA: box.addressA, addressB: box.addressB, nat: box.nat },
    mapping,
    unpaired: { a: unpaired(A, corr.convPairA, false), b: unpaired(B, corr.convPairB, true) },
    findings,
    packets: { bothSides: both, onlyA: A.pk.n - both, onlyB: B.pk.n - both, classified },
    transitDelay: {
      aToB: delay(corr.fwd, corr.fwdMax, corr.fwdCount),
      bToA: delay(corr.rev, corr.revMax, corr.revCount),
      note: "one-way delay through the box after removing the clock offset; the clock offset is chosen so that both directions have about the same median",
    },
    checked: [
      `${A.pk.n} TCP packets of ${A.file} against ${B.pk.n} of ${B.file}`,
      `${corr.nPairs} connection${corr.nPairs === 1 ? "" : "s"} paired across the two files (despite NAT and sequence-number rewriting)`,
      "every unmatched packet: dropped by the box, injected by it, or missed by a capture",
      "idle connections whose packets stop crossing after a pause",
    ],
    details,
  };
  if (opts.packetList) report.packetList = packetList(corr, cl);
  return report;
}

function packetList(
  corr: Correlation,
  cl: Classification,
): [number | null, number | null, number | null, string][] {
  const A = corr.A.pk;
  const B = corr.B.pk;
  const out: [number | null, number | null, number | null, string][] = [];
  for (let i = 0; i < A.n; i++) {
    const j = corr.matchA[i]!;
    if (j >= 0) {
      const dt = B.t[j]! - A.t[i]! - corr.offset;
      const pd = corr.pairDir(false, i);
      out.push([A.frame[i]!, B.frame[j]!, pd >= 0 && corr.senderOnA[pd] ? dt : -dt, "crossed"]);
    } else out.push([A.frame[i]!, null, null, STATUS_NAMES[cl.stA[i]!]!]);
  }
  for (let j = 0; j < B.n; j++)
    if (corr.matchB[j]! < 0) out.push([null, B.frame[j]!, null, STATUS_NAMES[cl.stB[j]!]!]);
  return out;
}
