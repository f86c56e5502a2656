/**
 * The details pass (src/pipeline/details.ts) — the packets of the streams the findings name — gives
 * the same packets, numbers and tags whichever way it finds the streams' tcp.stream numbers: from
 * the first pass's stream creation frames (only the named pairs' frames analysed), by a streaming
 * analysis of every frame beside the column analysis of the named pairs, or by a column analysis of
 * every frame. Captures with port reuse (several streams on one pair), many connections and IPv6.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { connections } from "../src/api/index.js";
import { collectDetails } from "../src/pipeline/details.js";
import { CORPUS_REAL, SCENARIOS } from "./support/corpus.js";

const CAPTURES = [
  join(SCENARIOS, "lpd-port-exhaustion", "capture.pcapng"),
  join(SCENARIOS, "synack-bad-ack", "capture.pcapng"),
  join(SCENARIOS, "receiver-silent", "capture.pcapng"),
  join(CORPUS_REAL, "chrissanders-packets", "http_espn_fail.pcapng"),
  join(CORPUS_REAL, "tcpdump", "kday3.pcap"),
  join(CORPUS_REAL, "markofu-pcaps", "evilprogram.pcap"),
].filter((f) => existsSync(f));

test("details numbered by the first pass's stream creation frames equal the other two ways", async () => {
  assert.ok(CAPTURES.length >= 4, "captures missing");
  let checked = 0;
  for (const file of CAPTURES) {
    const { result, connections: conns } = await connections(file, { workers: 1 });
    assert.ok(result.streamFrames !== null && result.streamFrames.length === result.streams, file);
    // Streams spread over the capture: the first, the last, some between, and every stream of a pair
    // that carries several (port reuse).
    const all = [...new Set(conns.flatMap((c) => c.wsStreams))].sort((a, b) => a - b);
    const reused = conns.find((c) => c.wsStreams.length > 1)?.wsStreams ?? [];
    const pick = new Set([all[0]!, all[all.length - 1]!, all[all.length >> 1]!, all[all.length >> 2]!, ...reused]);
    const evidence = new Set<number>();
    const options = { maxPacketsPerStream: 50 };
    const byFrames = await collectDetails(file, pick, evidence, {
      ...options,
      connections: conns,
      streamFrames: result.streamFrames,
    });
    const byNumbering = await collectDetails(file, pick, evidence, { ...options, connections: conns });
    const byColumns = await collectDetails(file, pick, evidence, options);
    assert.ok(byFrames.length >= Math.min(pick.size, 2), file);
    assert.deepEqual(byFrames, byNumbering, `${file}: creation frames vs streaming numbering`);
    assert.deepEqual(byFrames, byColumns, `${file}: creation frames vs column analysis of every frame`);
    checked += byFrames.length;
  }
  assert.ok(checked >= 12);
});

test("a first pass that forgot conversations gives no creation frames (the details pass numbers itself)", async () => {
  const file = join(SCENARIOS, "lpd-port-exhaustion", "capture.pcapng");
  const { result } = await connections(file, { workers: 1, maxConversations: 3 });
  assert.equal(result.streamFrames, null);
  const { result: whole } = await connections(file, { workers: 1 });
  assert.ok(whole.streamFrames !== null && whole.streamFrames.length > 3);
});
