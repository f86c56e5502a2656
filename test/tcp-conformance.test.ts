/**
 * The conformance bar of the TCP analysis against the tshark 4.0.17 oracle TSVs of the shared
 * corpus and scenarios (scripts/conformance.ts prints the full report): at least 99.5 % of the
 * frames with exactly one TCP header identical on all 13 columns, and every flag seen at least 10
 * times with precision and recall of at least 0.98. Skipped when the shared corpus is absent.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { capturesWith, CORPUS_REAL } from "./support/corpus.js";
import { ConformanceStats, readOracle, tcpsleuthRows } from "./support/oracle.js";

test("TCP columns match tshark 4.0.17 on the corpus", { skip: !existsSync(CORPUS_REAL) }, async () => {
  const stats = new ConformanceStats();
  for (const cap of capturesWith(".tshark.tsv")) {
    const run = await tcpsleuthRows(cap);
    stats.add(cap, readOracle(`${cap}.tshark.tsv`), run.rows);
  }
  assert.ok(stats.total > 10_000, `only ${stats.total} TCP frames compared`);
  assert.ok(stats.meetsBar(), stats.report(5));
  // The foundation's own bar: reading and decoding agree on the decode columns for 99.9 %.
  assert.ok(stats.decodeOk / stats.total >= 0.999, `decode columns: ${stats.decodeOk}/${stats.total}`);
});
