/** Single-capture hints: a forged RST shows up by its TTL, as a hint and never as a verdict. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diagnoseFile } from "../src/api/index.js";
import { CORPUS_REAL, SCENARIOS } from "./support/corpus.js";
import { type SynthPacket, writeSynthPcap } from "./support/tcp-synth.js";

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

test("a FIN with the last data resent into a silent peer is that peer's silence, not path loss", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-finsilent-"));
  try {
    const C = { src: "10.0.0.5", dst: "10.0.0.9", sport: 40000, dport: 631 };
    const S = { src: "10.0.0.9", dst: "10.0.0.5", sport: 631, dport: 40000 };
    const pk: SynthPacket[] = [
      { t: 0, ...C, seq: 1000, flags: "S", win: 64000, mss: 1460 },
      { t: 0.001, ...S, seq: 5000, ack: 1001, flags: "SA", win: 64000, mss: 1460 },
      { t: 0.002, ...C, seq: 1001, ack: 5001, flags: "A", win: 64000 },
      { t: 0.003, ...C, seq: 1001, ack: 5001, flags: "PA", win: 64000, len: 200 },
      { t: 0.004, ...S, seq: 5001, ack: 1201, flags: "A", win: 64000 },
      { t: 0.005, ...S, seq: 5001, ack: 1201, flags: "PA", win: 64000, len: 300 },
      { t: 0.006, ...C, seq: 1201, ack: 5301, flags: "FA", win: 64000 },
      // The server answers the client's FIN with its last data and FIN; nothing ever comes back.
      { t: 0.007, ...S, seq: 5301, ack: 1202, flags: "FPA", win: 64000, len: 40 },
    ];
    let t = 0.007;
    for (const gap of [0.2, 0.4, 0.8, 1.6, 3.2]) {
      t += gap;
      pk.push({ t, ...S, seq: 5301, ack: 1202, flags: "FPA", win: 64000, len: 40 });
    }
    const file = join(dir, "fin-into-silence.pcap");
    writeSynthPcap(file, pk);
    const { report } = await diagnoseFile(file);
    const ids = report.findings.map((f) => f.id);
    assert.ok(ids.includes("data.receiver-silent"), `findings: ${ids.join(", ")}`);
    assert.ok(!ids.includes("path.loss"), `findings: ${ids.join(", ")}`);
    const silent = report.findings.find((f) => f.id === "data.receiver-silent")!;
    assert.equal(silent.culprit, "10.0.0.5:40000");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
