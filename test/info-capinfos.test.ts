/**
 * `info` against capinfos (tshark 4.0.17's `capinfos -M`, kept beside every corpus capture): packet
 * count, first and last packet time, for every corpus file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { captureInfo } from "../src/api/index.js";
import { formatUtc } from "../src/util/time.js";
import { capturesWith } from "./support/corpus.js";

/** Files where capinfos itself prints something we deliberately do not reproduce, with the reason. */
const EXPLAINED: Record<string, string> = {
  // Nanosecond fields of 1e9 and 2^31 (invalid on purpose): capinfos prints "10.-2147483648" as the
  // last time; we keep the raw fields for frame.time_epoch (matching tshark) but order them as numbers.
  "timestamp_invalid_nano.pcap": "invalid nanosecond fields",
};

function field(text: string, label: string): string | undefined {
  const m = new RegExp(`^${label}:\\s+(.*)$`, "m").exec(text);
  return m?.[1]?.trim();
}

const files = capturesWith(".capinfos.txt");

test("the corpus is there", () => {
  assert.ok(files.length >= 100, `found ${files.length} captures`);
});

for (const file of files) {
  test(`info agrees with capinfos: ${basename(file)}`, async () => {
    const cap = readFileSync(`${file}.capinfos.txt`, "utf8");
    const { summary } = await captureInfo(file);
    assert.equal(summary.frames, Number(field(cap, "Number of packets")), "packet count");
    if (EXPLAINED[basename(file)]) return;
    const first = field(cap, "First packet time");
    const last = field(cap, "Last packet time");
    const digits = Number(/\((\d+)\)/.exec(field(cap, "File timestamp precision") ?? "")?.[1] ?? 6);
    if (first && first !== "n/a") {
      assert.ok(summary.firstTs && summary.lastTs);
      assert.equal(formatUtc(summary.firstTs[0], summary.firstTs[1], digits), first, "first packet time");
      assert.equal(formatUtc(summary.lastTs[0], summary.lastTs[1], digits), last, "last packet time");
    }
  });
}
