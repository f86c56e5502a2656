/**
 * The per-frame columns of the two-pass packet list spill to a temporary file once a capture outgrows
 * a few chunks (src/tcp/results.ts). Spilling must be invisible: the same values come back for every
 * frame, whatever the order of writes and reads, and `packets` prints the same lines with two
 * resident chunks as with all of them in memory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { CHUNK_MASK, CHUNK_SIZE, FrameColumns, setResidentChunkLimit } from "../src/tcp/results.js";
import { packetList } from "../src/api/index.js";
import { textLine } from "../src/render/packet-line.js";
import { SHARED } from "./support/corpus.js";

test("spilled chunks come back with every value a frame was given", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 4 }),
      fc.array(
        fc.record({
          frame: fc.integer({ min: 1, max: CHUNK_SIZE * 9 }),
          value: fc.integer({ min: 0, max: 0x7fffffff }),
          write: fc.boolean(),
        }),
        { minLength: 1, maxLength: 300 },
      ),
      (resident, ops) => {
        const cols = new FrameColumns(resident);
        const model = new Map<number, number>();
        for (const op of ops) {
          if (op.write) {
            const ch = cols.chunkFor(op.frame);
            const i = op.frame & CHUNK_MASK;
            ch.seq[i] = op.value;
            ch.flow[i] = op.value & 0xffff;
            ch.ackRttNs[i] = op.value / 7;
            model.set(op.frame, op.value);
          } else {
            const ch = cols.chunkOf(op.frame);
            const v = model.get(op.frame);
            const chunkMade = [...model.keys()].some((f) => f >>> 16 === op.frame >>> 16);
            assert.equal(ch !== undefined, chunkMade, `chunk of frame ${op.frame} exists`);
            if (ch === undefined) continue;
            const i = op.frame & CHUNK_MASK;
            assert.equal(ch.seq[i], v ?? 0);
            assert.equal(ch.flow[i], v === undefined ? -1 : v & 0xffff);
            assert.equal(ch.ackRttNs[i], v === undefined ? 0 : v / 7);
          }
        }
        // Read everything back at the end, in reverse order to force paging.
        for (const [frame, v] of [...model].reverse()) {
          const ch = cols.chunkOf(frame)!;
          assert.equal(ch.seq[frame & CHUNK_MASK], v);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test("a capture past the limit really goes through the spill file", () => {
  const cols = new FrameColumns(2);
  for (let f = 1; f < CHUNK_SIZE * 5; f += 1000) cols.chunkFor(f).seq[f & CHUNK_MASK] = f;
  assert.ok(cols.spilledChunks >= 3, `spilled ${cols.spilledChunks} chunks`);
  for (let f = 1; f < CHUNK_SIZE * 5; f += 1000) assert.equal(cols.chunkOf(f)!.seq[f & CHUNK_MASK], f);
});

test("packets prints the same lines with two resident chunks as with all in memory", async (t) => {
  const gen = join(SHARED, "bench", "gen-capture.js");
  if (!existsSync(gen)) {
    t.skip(`no benchmark generator at ${gen}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-spill-"));
  try {
    const file = join(dir, "bench-like.pcap");
    // ~25 MB: a few chunks of frames, with loss, retransmissions, dup ACKs, port reuse and RSTs.
    execFileSync(process.execPath, [gen, "--seed", "11", "--out", file, "--target-bytes", "25M"], {
      stdio: "ignore",
    });
    const lines = async (): Promise<string[]> => {
      const out: string[] = [];
      await packetList(file, (d) => out.push(textLine(d)));
      return out;
    };
    const inMemory = await lines();
    assert.ok(inMemory.length > CHUNK_SIZE * 2, `${inMemory.length} frames span several chunks`);
    const before = setResidentChunkLimit(2);
    let spilled: string[];
    try {
      spilled = await lines();
    } finally {
      setResidentChunkLimit(before);
    }
    assert.equal(spilled.length, inMemory.length);
    const first = spilled.findIndex((l, i) => l !== inMemory[i]);
    assert.equal(first, -1, `first difference at line ${first}:\n${spilled[first]}\n${inMemory[first]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
