/** Single-capture hints: a forged RST shows up by its TTL, as a hint and never as a verdict. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { diagnoseFile } from "../src/api/index.js";
import { CORPUS_REAL, SCENARIOS } from "./support/corpus.js";

test("the router's forged RST (outside capture) is flagged by its TTL; the inside capture is clean", async () => {
  const outside = await diagnoseFile(join(SCENARIOS, "middlebox-idle-reset", "outside.pcapng"));
  const hint = outside.report.findings.find((f) => f.id === "middlebox.suspicious-packet");
  assert.ok(hint, "hint present");
  assert.equal(hint.severity, "info");
  assert.equal(hint.confidence, "low");
  assert.ok((hint.frames as number[]).includes(37));
  assert.ok(
    !outside.report.findings.some(
      (f) => f.id.startsWith("middlebox.") && f.id !== "middlebox.suspicious-packet",
    ),
  );
  const inside = await diagnoseFile(join(SCENARIOS, "middlebox-idle-reset", "inside.pcapng"));
  assert.ok(!inside.report.findings.some((f) => f.id === "middlebox.suspicious-packet"));
});

test("zeek's injected-RST trace gets the hint; clean scenarios do not", async () => {
  const rae = await diagnoseFile(join(CORPUS_REAL, "zeek", "rst-inject-rae.pcap"));
  assert.ok(rae.report.findings.some((f) => f.id === "middlebox.suspicious-packet"));
  for (const s of ["healthy", "rst-at-end/failure", "receiver-silent", "handshake-refused"]) {
    const { report } = await diagnoseFile(join(SCENARIOS, s, "capture.pcapng"));
    assert.ok(!report.findings.some((f) => f.id === "middlebox.suspicious-packet"), s);
  }
});
