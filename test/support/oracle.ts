/**
 * Comparison of tcpsleuth's per-frame TCP columns with the tshark 4.0.17 oracle TSVs
 * (shared/corpus/ORACLE.md): reading the oracle, producing our 13 columns for a capture, and the
 * agreement statistics (per column, per flag precision/recall, whole-frame identity). Used by
 * scripts/conformance.ts and by tests that enforce thresholds.
 */
import { readFileSync } from "node:fs";
import { analyzeFrames, formatFrames } from "../../src/pipeline/packets.js";
import type { TcpAnalyzer } from "../../src/tcp/analyzer.js";
import { FLAG_NAMES } from "../../src/tcp/flags.js";

/** Oracle column names, in file order. */
export const COLUMNS = [
  "frame.number",
  "frame.time_epoch",
  "tcp.stream",
  "ip.src/ipv6.src",
  "ip.dst/ipv6.dst",
  "tcp.srcport",
  "tcp.dstport",
  "tcp.flags",
  "tcp.seq",
  "tcp.ack",
  "tcp.len",
  "tcp.window_size",
  "flags",
] as const;
export type Row = string[];

const COL_STREAM = 2;
/** The columns the foundation (reading and decoding) answers for, without TCP analysis. */
export const DECODE_COLUMNS = new Set<string>([
  "frame.number",
  "frame.time_epoch",
  "ip.src/ipv6.src",
  "ip.dst/ipv6.dst",
  "tcp.srcport",
  "tcp.dstport",
  "tcp.flags",
  "tcp.len",
]);
const COL_SRCPORT = 5;
const COL_FLAGS = 12;

export interface OracleTable {
  /** Rows by frame number. */
  rows: Map<number, Row>;
}

export function readOracle(tsvPath: string): OracleTable {
  const text = readFileSync(tsvPath, "utf8");
  const lines = text.split("\n");
  const header = lines[0]!.split("\t");
  if (header.join("\t") !== COLUMNS.join("\t")) throw new Error(`${tsvPath}: unexpected header`);
  const rows = new Map<number, Row>();
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === "") continue;
    const r = l.split("\t");
    while (r.length < COLUMNS.length) r.push("");
    rows.set(Number(r[0]), r);
  }
  return { rows };
}

/** A frame the conformance bar applies to: exactly one TCP header in tshark's output. */
export function isSingleTcpRow(r: Row): boolean {
  return r[COL_SRCPORT] !== "" && !r[COL_STREAM]!.includes(",");
}

export interface TcpsleuthRun {
  rows: Map<number, Row>;
  analyzer: TcpAnalyzer;
  problems: string[];
}

/**
 * Our 13 oracle columns per frame, produced by the very pipeline behind `tcpsleuth packets --format
 * tsv` (two passes, as tshark -2), so the conformance bar measures what users get.
 */
export async function tcpsleuthRows(capturePath: string): Promise<TcpsleuthRun> {
  const { summary, analyzer } = await analyzeFrames(capturePath);
  const rows = new Map<number, Row>();
  await formatFrames(capturePath, analyzer, (d) => {
    rows.set(d.number, [
      String(d.number),
      d.epoch,
      d.stream,
      d.src,
      d.dst,
      d.srcPort,
      d.dstPort,
      d.tcpFlagsHex,
      d.seq,
      d.ack,
      d.len,
      d.windowSize,
      d.analysisFlags,
    ]);
  });
  return { rows, analyzer, problems: summary.problems.map((p) => `${p.offset}: ${p.message}`) };
}

/** Same normalisation as shared/tools/compare-oracle.py. */
export function normalize(col: number, v: string): string {
  if (col === 1 && v !== "") {
    const x = Number(v);
    return Number.isFinite(x) ? x.toFixed(6) : v;
  }
  if (col === 7 && v !== "") {
    const x = Number.parseInt(v.split(",")[0]!, 16);
    return Number.isFinite(x) ? `0x${(x & 0xfff).toString(16).padStart(4, "0")}` : v;
  }
  return v;
}

export interface Mismatch {
  file: string;
  frame: number;
  /** Column name → [ours, tshark]. */
  diffs: [string, string, string][];
}

export class ConformanceStats {
  readonly agree = new Array<number>(COLUMNS.length).fill(0);
  total = 0;
  framesOk = 0;
  /** Frames identical on the decode columns (frame, time, addresses, ports, flags, len). */
  decodeOk = 0;
  readonly tp = new Map<string, number>();
  readonly fp = new Map<string, number>();
  readonly fn = new Map<string, number>();
  readonly mismatches: Mismatch[] = [];
  readonly perFile: { file: string; frames: number; ok: number }[] = [];

  /** Compares one capture's rows with its oracle; keeps every mismatch. */
  add(file: string, oracle: OracleTable, mine: Map<number, Row>): void {
    let frames = 0;
    let ok = 0;
    for (const [n, theirs] of oracle.rows) {
      if (!isSingleTcpRow(theirs)) continue;
      frames++;
      this.total++;
      const ours = mine.get(n);
      const diffs: [string, string, string][] = [];
      for (let c = 0; c < COLUMNS.length; c++) {
        const a = ours ? normalize(c, ours[c] ?? "") : "<missing>";
        const b = normalize(c, theirs[c]!);
        if (a === b) this.agree[c]!++;
        else diffs.push([COLUMNS[c]!, ours ? (ours[c] ?? "") : "<missing>", theirs[c]!]);
      }
      if (!diffs.some(([col]) => DECODE_COLUMNS.has(col))) this.decodeOk++;
      if (diffs.length === 0) {
        ok++;
        this.framesOk++;
      } else {
        this.mismatches.push({ file, frame: n, diffs });
      }
      const fa = new Set((ours?.[COL_FLAGS] ?? "").split(",").filter(Boolean));
      const fb = new Set(theirs[COL_FLAGS]!.split(",").filter(Boolean));
      for (const f of fa) bump(fb.has(f) ? this.tp : this.fp, f);
      for (const f of fb) if (!fa.has(f)) bump(this.fn, f);
    }
    this.perFile.push({ file, frames, ok });
  }

  frameAgreement(): number {
    return this.total === 0 ? 1 : this.framesOk / this.total;
  }

  /** Per-flag precision, recall and support (n = occurrences in the oracle). */
  flagStats(): {
    flag: string;
    precision: number;
    recall: number;
    n: number;
    tp: number;
    fp: number;
    fn: number;
  }[] {
    const out = [];
    for (const flag of FLAG_NAMES) {
      const tp = this.tp.get(flag) ?? 0;
      const fp = this.fp.get(flag) ?? 0;
      const fn = this.fn.get(flag) ?? 0;
      if (tp + fp + fn === 0) continue;
      out.push({
        flag,
        precision: tp + fp === 0 ? 1 : tp / (tp + fp),
        recall: tp + fn === 0 ? 1 : tp / (tp + fn),
        n: tp + fn,
        tp,
        fp,
        fn,
      });
    }
    return out;
  }

  /** The issue's bar: ≥ 99.5 % identical frames; every flag with n ≥ 10 at P and R ≥ 0.98. */
  meetsBar(minFrames = 0.995, minPr = 0.98, minN = 10): boolean {
    if (this.frameAgreement() < minFrames) return false;
    return this.flagStats().every((f) => f.n < minN || (f.precision >= minPr && f.recall >= minPr));
  }

  report(mismatchLimitPerFile = 10): string {
    const lines: string[] = [];
    lines.push("column agreement:");
    for (let c = 0; c < COLUMNS.length; c++) {
      const pct = this.total === 0 ? 100 : (100 * this.agree[c]!) / this.total;
      lines.push(
        `  ${COLUMNS[c]!.padEnd(18)} ${pct.toFixed(3).padStart(8)}%  (${this.agree[c]}/${this.total})`,
      );
    }
    lines.push("flags:");
    for (const f of this.flagStats()) {
      lines.push(
        `  ${f.flag.padEnd(24)} P=${f.precision.toFixed(3)} R=${f.recall.toFixed(3)} n=${f.n} (tp ${f.tp}, fp ${f.fp}, fn ${f.fn})`,
      );
    }
    const byFile = new Map<string, Mismatch[]>();
    for (const m of this.mismatches) {
      const l = byFile.get(m.file) ?? [];
      l.push(m);
      byFile.set(m.file, l);
    }
    if (byFile.size > 0) lines.push("mismatching frames:");
    for (const [file, ms] of byFile) {
      const pf = this.perFile.find((p) => p.file === file);
      lines.push(`  ${file}: ${ms.length} of ${pf?.frames ?? "?"} frames differ`);
      for (const m of ms.slice(0, mismatchLimitPerFile)) {
        lines.push(
          `    frame ${m.frame}: ${m.diffs.map(([c, a, b]) => `${c} ours=${a || "∅"} tshark=${b || "∅"}`).join("; ")}`,
        );
      }
      if (ms.length > mismatchLimitPerFile) lines.push(`    ... ${ms.length - mismatchLimitPerFile} more`);
    }
    const pct = (100 * this.frameAgreement()).toFixed(3);
    lines.push(
      `${pct}% of ${this.total} single-TCP frames identical on all 13 columns (bar 99.5%); bar ${this.meetsBar() ? "met" : "NOT met"}`,
    );
    return lines.join("\n");
  }
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}
