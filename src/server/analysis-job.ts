/**
 * One analysis, in a child process forked by the server (jobs.ts), so the server's memory stays flat
 * and it keeps answering while a multi-GB capture is read. The job comes as the first IPC message;
 * progress, then "done" (with the catalog fields) or "failed" (one readable sentence) go back.
 *
 * A capture job writes into its folder: report.json (what `diagnose --json` prints), findings.json,
 * report.html, streams/<n>.json (ladder packets of the streams findings name) and data.duckdb with
 * the tables `packets` (one row per frame, Wireshark's columns) and `connections` (one row per TCP
 * connection with its flows record). A detail job writes one streams/<n>.json.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from "node:fs";
import { basename, join } from "node:path";
import {
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  INTEGER,
  UINTEGER,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBValue,
} from "@duckdb/node-api";
import {
  compareFiles,
  correlateFiles,
  diagnoseWithConnections,
  packetList,
  streamDetail,
  type ConnectionRecord,
  type PacketLineData,
} from "../api/index.js";
import type { ConnectionRow } from "../model/report.js";
import { tcpInfo } from "../render/packet-line.js";
import { formatProblem } from "../render/problems.js";
import { renderReportHtml } from "../render/report-html.js";
import { compareLadderSvg, renderCompareHtml } from "../render/compare-html.js";
import { correlateFindingLadderSvg, renderCorrelateHtml } from "../render/correlate-html.js";
import { colorOf, PACKETS_TABLE, CONNECTIONS_TABLE, STREAM_FRAMES_FILE } from "./schema.js";

export type JobRequest =
  | { kind: "capture"; id: string; dir: string; input: string; name: string }
  | {
      kind: "compare" | "correlate";
      id: string;
      dir: string;
      inputs: [string, string];
      names: [string, string];
    }
  | {
      kind: "detail";
      input: string;
      stream: number;
      evidence: number[];
      record: ConnectionRecord | null;
      /** The analysis's stream creation frames (STREAM_FRAMES_FILE), when it wrote them. */
      streamFrames: string | null;
      out: string;
    };

export type JobMessage =
  | { type: "progress"; phase: string; fraction: number }
  | {
      type: "done";
      verdict?: string;
      headline?: string;
      findings?: number;
      packets?: number;
    }
  | { type: "failed"; error: string };

/** A failure the user can act on (bad input), as opposed to a bug. */
class JobError extends Error {}

function send(m: JobMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(m, undefined, undefined, () => resolve());
  });
}

/** Progress messages at most every 250 ms (and the phase changes). */
function progressReporter(): (phase: string, fraction: number) => void {
  let last = 0;
  let lastPhase = "";
  return (phase, fraction) => {
    const now = Date.now();
    if (phase === lastPhase && now - last < 250) return;
    last = now;
    lastPhase = phase;
    void send({ type: "progress", phase, fraction: Math.max(0, Math.min(1, fraction)) });
  };
}

/** Writes a file whole or not at all (a reader never sees half of it). */
/** A two-capture ladder as a file the server hands out as an image (GET …/ladder.svg?n=N). */
function writeLadder(dir: string, n: number, svg: string): void {
  mkdirSync(join(dir, "ladders"), { recursive: true });
  writeAtomic(join(dir, "ladders", `${n}.svg`), svg);
}

function writeAtomic(file: string, text: string | Uint8Array): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function runCapture(job: Extract<JobRequest, { kind: "capture" }>): Promise<JobMessage> {
  const progress = progressReporter();
  const dbFile = join(job.dir, "data.duckdb");
  rmSync(dbFile, { force: true });
  rmSync(`${dbFile}.wal`, { force: true });
  mkdirSync(join(job.dir, "streams"), { recursive: true });
  // Bounded: rows spill to disk rather than grow this process (the packet list's own per-frame
  // columns are most of its memory).
  const instance = await DuckDBInstance.create(dbFile, {
    memory_limit: "128MB",
    threads: "1",
    preserve_insertion_order: "true",
  });
  const conn = await instance.connect();
  try {
    await conn.run(PACKETS_TABLE);
    await conn.run(CONNECTIONS_TABLE);
    // The report and the connection records are let go before the packet list is made.
    const done = await diagnoseAndStore(job, conn, progress);
    progress("indexing packets", 0.45);
    const papp = await conn.createAppender("packets");
    const rows = new PacketRows(papp);
    let pass = 0;
    let lastRead = -1;
    await packetList(
      job.input,
      (d) => rows.add(d),
      {
        onProgress: (read, size) => {
          // Two passes over the file (analysis, then formatting): count them by the offset going back.
          if (read < lastRead) pass = 1;
          lastRead = read;
          progress("indexing packets", 0.45 + (size > 0 ? (0.5 * (pass + read / size)) / 2 : 0));
        },
      },
    );
    rows.flush();
    papp.closeSync();
    progress("finishing", 0.97);
    await conn.run("CHECKPOINT");
    return done;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Diagnosis, report files and the connections table; returns the catalog fields. */
async function diagnoseAndStore(
  job: Extract<JobRequest, { kind: "capture" }>,
  conn: DuckDBConnection,
  progress: (phase: string, fraction: number) => void,
): Promise<JobMessage> {
  progress("analysing", 0);
  // Reading and diagnosing: about the first 40 % of the time; the packet list (two passes) the rest.
  const { report, summary, connections, streamFrames } = await diagnoseWithConnections(job.input, {
    name: job.name,
    onProgress: (read, size) => progress("analysing", size > 0 ? (0.4 * read) / size : 0),
  });
  if (summary.records === 0 && summary.problems.some((p) => p.fatal)) {
    const p = summary.problems.find((x) => x.fatal)!;
    throw new JobError(formatProblem(job.name, p));
  }
  progress("writing report", 0.4);
  writeAtomic(join(job.dir, "report.json"), JSON.stringify(report));
  writeAtomic(join(job.dir, "findings.json"), JSON.stringify(report.findings));
  for (const d of report.details) writeAtomic(join(job.dir, "streams", `${d.stream}.json`), JSON.stringify(d));
  // For the ladders of other streams later: the pass that draws one then looks at that pair's frames only.
  if (streamFrames !== null)
    writeAtomic(join(job.dir, STREAM_FRAMES_FILE), new Uint8Array(streamFrames.buffer, streamFrames.byteOffset, streamFrames.byteLength));
  writeAtomic(join(job.dir, "report.html"), renderReportHtml(report));
  progress("storing connections", 0.42);
  const t0 = report.capture.firstTs ?? 0;
  const capp = await conn.createAppender("connections");
  for (const [k, row] of report.connections.entries()) appendConnection(capp, row, connections[k]!, t0);
  capp.closeSync();
  return {
    type: "done",
    verdict: report.verdict,
    headline: report.headline,
    findings: report.findings.filter((f) => f.id !== "healthy").length,
    packets: report.capture.packets,
  };
}

function appendConnection(
  a: DuckDBAppender,
  row: ConnectionRow,
  rec: ConnectionRecord,
  t0: number,
): void {
  a.appendInteger(row.stream ?? -1);
  a.appendInteger(row.uid);
  a.appendVarchar(row.client);
  a.appendVarchar(row.server);
  a.appendVarchar(row.state);
  a.appendVarchar(row.history);
  a.appendDouble(row.startTs - t0);
  a.appendDouble(row.durationSec);
  a.appendDouble(row.packets);
  a.appendDouble(row.bytesClientToServer + row.bytesServerToClient);
  a.appendDouble(row.retransmissions);
  a.appendDouble(row.zeroWindowSec);
  // Zeek history: R / r = a reset from the originator / responder.
  a.appendBoolean(/r/i.test(row.history));
  a.appendVarchar(row.findings.join(","));
  a.appendInteger(rec.startFrame);
  a.appendInteger(rec.endFrame);
  a.appendVarchar(row.close);
  a.appendVarchar(rec.wsStreams.join(","));
  a.appendVarchar(JSON.stringify(rec));
  a.endRow();
}

function uint(s: string): number | null {
  if (s === "") return null;
  const x = Number(s);
  return Number.isInteger(x) && x >= 0 && x <= 0xffffffff ? x : null;
}

/** Column types of the packets table, in order (schema.ts). */
const PACKET_TYPES = [
  UINTEGER, UINTEGER, DOUBLE, VARCHAR, VARCHAR, VARCHAR, UINTEGER, VARCHAR, INTEGER, INTEGER,
  UINTEGER, UINTEGER, UINTEGER, UINTEGER, UINTEGER, UINTEGER, DOUBLE, VARCHAR, VARCHAR,
];

/** DuckDB's vector size: rows go to the appender a chunk at a time, each column copied in one call. */
const CHUNK_ROWS = 2048;

/** Packet rows gathered column by column and appended in chunks (far fewer native calls than per value). */
class PacketRows {
  private readonly cols: DuckDBValue[][] = PACKET_TYPES.map(() => new Array<DuckDBValue>(CHUNK_ROWS));
  private n = 0;
  private i = 0;
  private readonly perStream = new Map<number, number>();

  constructor(private readonly appender: DuckDBAppender) {}

  add(d: PacketLineData): void {
    const isTcp = d.srcPort !== "";
    const stream = d.stream === "" ? -1 : Number(d.stream);
    let si = -1;
    if (stream >= 0) {
      si = this.perStream.get(stream) ?? 0;
      this.perStream.set(stream, si + 1);
    }
    const win = d.windowSize === "" ? null : Number(d.windowSize);
    const row: DuckDBValue[] = [
      this.i++,
      d.number,
      d.relTime === "" ? null : Number(d.relTime),
      d.src,
      d.dst,
      d.protocol,
      d.length,
      isTcp ? tcpInfo(d) : d.info,
      stream,
      si,
      uint(d.srcPort),
      uint(d.dstPort),
      isTcp ? d.tcpFlagBits : null,
      uint(d.seq),
      uint(d.ack),
      uint(d.len),
      win !== null && Number.isFinite(win) ? win : null,
      d.analysisFlags,
      colorOf(isTcp, d.tcpFlagBits, d.analysisFlags),
    ];
    const n = this.n;
    for (let c = 0; c < row.length; c++) this.cols[c]![n] = row[c]!;
    if (++this.n === CHUNK_ROWS) this.flush();
  }

  flush(): void {
    if (this.n === 0) return;
    const n = this.n;
    const chunk = DuckDBDataChunk.create(PACKET_TYPES, n);
    this.cols.forEach((col, c) => {
      chunk.setColumnValues(c, n === CHUNK_ROWS ? col : col.slice(0, n));
    });
    this.appender.appendDataChunk(chunk);
    this.n = 0;
  }
}

/**
 * The uploads are stored as `<id>.capture`; the reports name the files as the user did. The ids are
 * random, so every occurrence of `<id>.capture` in the JSON (file fields and phrased text) is the file.
 */
function renamed<T>(value: T, inputs: readonly string[], names: readonly string[]): T {
  let text = JSON.stringify(value);
  inputs.forEach((input, k) => {
    const name = JSON.stringify(names[k]).slice(1, -1);
    text = text.split(JSON.stringify(input).slice(1, -1)).join(name).split(basename(input)).join(name);
  });
  return JSON.parse(text) as T;
}

async function runComparison(job: Extract<JobRequest, { kind: "compare" | "correlate" }>): Promise<JobMessage> {
  const progress = progressReporter();
  progress("analysing", 0);
  mkdirSync(job.dir, { recursive: true });
  if (job.kind === "compare") {
    const outcome = await compareFiles(job.inputs[0], job.inputs[1], {
      onProgress: (read, size) => progress("analysing", size > 0 ? (0.5 * read) / size : 0),
    });
    for (const [k, side] of [outcome.good, outcome.bad].entries()) {
      if (side.report.capture.packets === 0 && side.report.capture.problems.length > 0)
        throw new JobError(`${job.names[k]}: ${side.report.capture.problems[0]}`);
    }
    const named = renamed(
      { result: outcome.result, ladder: outcome.ladder, good: outcome.good.report, bad: outcome.bad.report },
      job.inputs,
      job.names,
    );
    const { result } = named;
    writeAtomic(join(job.dir, "report.json"), JSON.stringify(result));
    writeAtomic(
      join(job.dir, "report.html"),
      renderCompareHtml(result, { ladder: named.ladder, good: named.good, bad: named.bad }),
    );
    // The app shows the GOOD | BAD ladder of the top difference as an image: ladders/0.svg.
    const drawn = named.ladder ? compareLadderSvg(result, named.ladder) : null;
    if (drawn) writeLadder(job.dir, 0, drawn.svg);
    const n = result.differences.length;
    return {
      type: "done",
      verdict: n > 0 ? "warning" : "healthy",
      headline:
        n > 0
          ? `${n} difference${n === 1 ? "" : "s"} between ${job.names[0]} and ${job.names[1]}`
          : `no difference that matters between ${job.names[0]} and ${job.names[1]}`,
      findings: n,
      packets: outcome.good.report.capture.packets + outcome.bad.report.capture.packets,
    };
  }
  const out = await correlateFiles(job.inputs[0], job.inputs[1]);
  const fatal = out.problems.findIndex((p) => p.fatal);
  if (fatal >= 0) throw new JobError(`${job.names[fatal]}: ${out.problems[fatal]!.messages[0] ?? "no packets"}`);
  const report = renamed(out.report, job.inputs, job.names);
  writeAtomic(join(job.dir, "report.json"), JSON.stringify(report));
  writeAtomic(join(job.dir, "report.html"), renderCorrelateHtml(report));
  // One image per finding that has a side-by-side ladder: ladders/<finding index>.svg.
  report.findings.forEach((_, i) => {
    const svg = correlateFindingLadderSvg(report, i);
    if (svg) writeLadder(job.dir, i, svg);
  });
  return {
    type: "done",
    verdict: report.verdict,
    headline: report.headline,
    findings: report.findings.filter((f) => f.id !== "healthy").length,
    packets: report.files[0].packets + report.files[1].packets,
  };
}

async function runDetail(job: Extract<JobRequest, { kind: "detail" }>): Promise<JobMessage> {
  let frames: Float64Array | null = null;
  if (job.streamFrames !== null && existsSync(job.streamFrames)) {
    const b = readFileSync(job.streamFrames);
    frames = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  const detail = await streamDetail(job.input, job.stream, job.evidence, job.record ?? undefined, 3000, frames);
  writeAtomic(job.out, JSON.stringify(detail));
  return { type: "done" };
}

async function run(job: JobRequest): Promise<JobMessage> {
  switch (job.kind) {
    case "capture":
      return runCapture(job);
    case "detail":
      return runDetail(job);
    default:
      return runComparison(job);
  }
}

// The server is gone (killed): nobody will read the result.
process.once("disconnect", () => process.exit(1));

process.once("message", (job: JobRequest) => {
  run(job)
    .then((m) => send(m))
    .catch((err: unknown) => {
      const e = err as Error;
      const message = err instanceof JobError ? e.message : `the analysis failed: ${e.message}`;
      if (!(err instanceof JobError) && process.env.TCPSLEUTH_DEBUG) process.stderr.write(`${e.stack}\n`);
      return send({ type: "failed", error: message });
    })
    .finally(() => {
      process.removeAllListeners("disconnect");
      process.disconnect?.();
    });
});
