/**
 * node --import tsx scripts/conformance.ts [--limit N] [captures...]
 *
 * Compares tcpsleuth's 13 per-frame columns (decode + TCP analysis) with the tshark 4.0.17 oracle
 * `<capture>.tshark.tsv` beside each capture. Without arguments: every capture under
 * shared/corpus/real and shared/scenarios that has an oracle. Prints per-column agreement,
 * per-flag precision/recall/n and the mismatching frames per file (N per file, default 10).
 * Exit status 0 when the bar holds (≥ 99.5 % identical frames, flags with n ≥ 10 at P, R ≥ 0.98).
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { capturesWith, SHARED } from "../test/support/corpus.js";
import { ConformanceStats, readOracle, tcpsleuthRows } from "../test/support/oracle.js";

const args = process.argv.slice(2);
let limit = 10;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--limit") limit = Number(args[++i]);
  else files.push(args[i]!);
}
const captures = files.length > 0 ? files : capturesWith(".tshark.tsv");
const stats = new ConformanceStats();
const failed: string[] = [];
for (const cap of captures) {
  const oraclePath = `${cap}.tshark.tsv`;
  const name = relative(SHARED, cap).startsWith("..") ? cap : relative(SHARED, cap);
  if (!existsSync(oraclePath)) {
    failed.push(`${name}: no oracle`);
    continue;
  }
  try {
    const run = await tcpsleuthRows(cap);
    stats.add(name, readOracle(oraclePath), run.rows);
    if (run.analyzer.unackedCapHits > 0)
      console.log(`${name}: ${run.analyzer.unackedCapHits} unacked-list cap hits`);
  } catch (err) {
    failed.push(`${name}: ${(err as Error).stack ?? err}`);
  }
}
console.log(stats.report(limit));
for (const f of failed) console.log(`FAILED ${f}`);
process.exit(stats.meetsBar() && failed.length === 0 ? 0 : 1);
