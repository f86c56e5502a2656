/**
 * The analysis pass on worker threads — the two-thread pipeline (src/pipeline/pipelined.ts) and flow
 * sharding (src/pipeline/parallel.ts) — gives the same result as on one thread, byte for byte: the
 * connections (uids, Wireshark streams, previous-connection links, events), the tracker's counters and
 * everything else analyzeCapture returns. Captures with port reuse, many
 * connections, ICMP-quoted headers, IPv6, VLANs and loss; a synthetic bench-like capture made with the
 * benchmark generator; and small global caps, where the worker path must hand over to one thread.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type AnalyzeOptions, type AnalyzeResult, connections, connectionsJson } from "../src/api/index.js";
import { analyzePipelined } from "../src/pipeline/pipelined.js";
import { JsonBytesBatch, piecesInUidOrder } from "../src/pipeline/record-text.js";
import { flowsJsonBlocks, renderFlowsJson } from "../src/render/flows.js";
import fc from "fast-check";
import { flowBucketV1, flowHashV1 } from "../src/util/flow-hash.js";
import { CORPUS_REAL, SCENARIOS, SHARED } from "./support/corpus.js";

const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

const CAPTURES = [
  join(CORPUS_REAL, "markofu-pcaps", "evilprogram.pcap"),
  join(CORPUS_REAL, "chrissanders-packets", "http_espn_fail.pcapng"),
  join(CORPUS_REAL, "tcpdump", "of13_ericsson.pcapng"),
  join(CORPUS_REAL, "tcpdump", "kday3.pcap"),
  join(CORPUS_REAL, "packetlife", "gmail.pcapng.cap"),
  join(SCENARIOS, "lpd-port-exhaustion", "capture.pcapng"),
  join(SCENARIOS, "synack-bad-ack", "capture.pcapng"),
  join(SCENARIOS, "middlebox-idle-reset", "inside.pcapng"),
].filter((f) => existsSync(f));

/** Asserts equal strings, reporting only where they first differ (they are large). */
function same(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  assert.fail(
    `${what}: differs at ${i}:\n  got      ...${actual.slice(i - 200, i + 200)}\n  expected ...${expected.slice(i - 200, i + 200)}`,
  );
}

/** Everything connections() returns, as one string (Maps made plain). */
async function run(input: string | Uint8Array, options: AnalyzeOptions): Promise<string> {
  const { result, connections: list } = await connections(input, options);
  return JSON.stringify({ list, result: { ...result, skipped: [...result.skipped] } });
}

test("the corpus captures come out the same with 1, 2 and 3 workers", async () => {
  assert.ok(CAPTURES.length >= 6, "corpus captures missing");
  for (const [i, file] of CAPTURES.entries()) {
    const one = await run(file, { workers: 1 });
    same(await run(file, { workers: i < 2 ? 3 : 2 }), one, file);
  }
});

test("a bench-like capture (generator, mixed profile) comes out the same with 1 and 2 workers", async () => {
  const gen = join(SHARED, "bench", "gen-capture.js");
  if (!existsSync(gen)) return;
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-workers-"));
  try {
    const file = join(dir, "bench-like.pcap");
    execFileSync(process.execPath, [gen, "--seed", "7", "--out", file, "--target-bytes", "6M"], {
      stdio: "ignore",
    });
    const one = await run(file, { workers: 1 });
    assert.ok(one.length > 100_000);
    same(await run(file, { workers: 2 }), one, "2 workers (pipeline)");
    same(await run(file, { workers: 3 }), one, "3 workers (shards)");
    // A ring much smaller than the capture: the analysis thread waits for room again and again.
    const asText = (r: { result: AnalyzeResult; pieces: Uint8Array[] }): string =>
      JSON.stringify({ ...r.result, skipped: [...r.result.skipped], texts: r.pieces.map(utf8) });
    const oneJson = await connectionsJson(file, { workers: 1 });
    assert.ok(oneJson.result.summary.frames > 4 * 2048);
    const expected = asText({ result: oneJson.result, pieces: oneJson.connections });
    same(asText(await analyzePipelined(file, {}, null, true, 2048)), expected, "small ring");
    // The file read by the tracker's thread from the start, or after a head read here (the default
    // head is larger than this capture).
    for (const head of [0, 100_000])
      same(asText(await analyzePipelined(file, {}, null, true, 1 << 17, head)), expected, `read head ${head}`);
    // Compressed input is pipelined too (it is read once).
    const gz = join(dir, "bench-like.pcap.gz");
    writeFileSync(gz, gzipSync(readFileSync(file)));
    same(await run(gz, { workers: 2 }), await run(gz, { workers: 1 }), "gzip, pipeline");
    // the same from memory, and with checksums verified (records then carry the segments)
    const bytes = readFileSync(file);
    same(
      await run(new Uint8Array(bytes), { workers: 2 }),
      await run(new Uint8Array(bytes), { workers: 1 }),
      "from memory",
    );
    const checked = { connections: { verifyChecksums: true } };
    same(
      await run(file, { ...checked, workers: 2 }),
      await run(file, { ...checked, workers: 1 }),
      "checksums",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("connections as JSON text (made in the workers) are JSON.stringify of the records", async () => {
  for (const file of CAPTURES.slice(0, 4)) {
    const { connections: list } = await connections(file, { workers: 1 });
    const expected = list.map((r) => JSON.stringify(r));
    for (const workers of [1, 2, 3]) {
      const { connections: pieces } = await connectionsJson(file, { workers });
      same(pieces.map(utf8).join("\n"), expected.join("\n"), `${file}, ${workers} workers`);
    }
  }
});

test("when a global cap comes into play the pipeline and the shards give the one-thread result", async () => {
  const file = join(SCENARIOS, "lpd-port-exhaustion", "capture.pcapng");
  const caps: AnalyzeOptions[] = [
    { connections: { maxOpenConnections: 2 } },
    { connections: { maxRememberedTuples: 3 } },
    { maxConversations: 5 },
  ];
  for (const o of caps) {
    const one = await run(file, { ...o, workers: 1 });
    same(await run(file, { ...o, workers: 2 }), one, `${JSON.stringify(o)}, pipeline`);
    same(await run(file, { ...o, workers: 3 }), one, `${JSON.stringify(o)}, 3 shards`);
  }
});

test("flowBucketV1 is symmetric and frozen", () => {
  const d = new Uint8Array([192, 0, 2, 1, 198, 51, 100, 7]);
  const a = flowHashV1(d, 4, 0, 4, 40000, 443);
  assert.equal(flowHashV1(d, 4, 4, 0, 443, 40000), a);
  // Version 1 values: never change them (a new mix is flowBucketV2).
  assert.equal(a, 0x7a51c5eb);
  assert.equal(flowBucketV1(d, 4, 0, 4, 40000, 443, 7), 0x7a51c5eb % 7);
  const v6 = new Uint8Array(32);
  v6[0] = 0x20;
  v6[1] = 0x01;
  v6[15] = 1;
  v6[16] = 0x20;
  v6[17] = 0x01;
  v6[31] = 2;
  assert.equal(flowHashV1(v6, 6, 0, 16, 1, 2), flowHashV1(v6, 6, 16, 0, 2, 1));
  assert.equal(flowBucketV1(v6, 6, 0, 16, 1, 2, 1), 0);
});

test("connection texts cross threads as UTF-8 exactly, in uid order, and the listing's blocks join to renderFlowsJson (property)", () => {
  fc.assert(
    fc.property(
      // texts with any characters (also outside the BMP), batches taken now and then, small blocks
      fc.array(fc.record({ text: fc.string({ unit: "binary", maxLength: 3000 }), take: fc.boolean() }), {
        maxLength: 40,
      }),
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 64 }),
      (items, blockBytes, initialBytes) => {
        // (A small first buffer: texts are encoded in several steps as it grows.)
        const batch = new JsonBytesBatch(initialBytes);
        const batches = [];
        // uids handed out in a shuffled order, as connections end in any order
        const uids = items.map((_, i) => i + 1).sort((a, b) => ((a * 7919) % 97) - ((b * 7919) % 97));
        items.forEach((it, i) => {
          batch.push(uids[i]!, it.text);
          if (it.take) batches.push(batch.take());
        });
        batches.push(batch.take());
        const pieces = piecesInUidOrder(batches);
        const byUid = new Map(items.map((it, i) => [uids[i]!, it.text]));
        const expected = [...byUid.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
        assert.deepEqual(pieces.map(utf8), expected);
        // The blocks written for `flows --json` are the text of the same listing.
        const joined = Buffer.concat([...flowsJsonBlocks(pieces, blockBytes)]).toString("utf8");
        const listing = renderFlowsJson([]).replace("[]", expected.length === 0 ? "[]" : `[\n${expected.join(",\n")}\n]`);
        assert.equal(joined, listing);
      },
    ),
    { numRuns: 200 },
  );
});
