/** Every corpus capture is diagnosed without a crash, and every finding carries evidence and words. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { basename } from "node:path";
import { diagnoseFile } from "../src/api/index.js";
import { FINDING_IDS } from "../src/model/finding.js";
import { capturesWith } from "./support/corpus.js";

const files = capturesWith(".capinfos.txt");

test("diagnose runs on every corpus capture", async () => {
  let findings = 0;
  for (const file of files) {
    const { report } = await diagnoseFile(file);
    assert.ok(["healthy", "error", "warning", "info"].includes(report.verdict), basename(file));
    for (const f of report.findings) {
      findings++;
      assert.ok((FINDING_IDS as readonly string[]).includes(f.id), `${basename(file)}: unknown id ${f.id}`);
      assert.ok(
        f.summary.length > 0 && f.explanation.length > 0 && f.next.length > 0,
        `${basename(file)}: ${f.id} phrased`,
      );
      if (f.id !== "healthy" && f.id !== "analysis.limit-reached")
        assert.ok(f.frames.length > 0, `${basename(file)}: ${f.id} has evidence`);
    }
    JSON.stringify(report);
  }
  assert.ok(findings > files.length);
});
