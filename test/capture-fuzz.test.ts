/**
 * Property tests: readers turn any bytes into frames or a typed problem, never an exception, and
 * finish in bounded time. Inputs: random bytes behind each magic, and corpus files mutated and cut.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { readCapture } from "../src/capture/index.js";
import { capturesWith } from "./support/corpus.js";

const MAGICS = [
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0x0a, 0x0d, 0x0d, 0x0a],
  [0x1f, 0x8b],
];

async function readAll(bytes: Uint8Array, chunkBytes?: number) {
  let frames = 0;
  let lastNumber = 0;
  const summary = await readCapture(
    bytes,
    (f) => {
      frames++;
      // Frame numbers run on without gaps, and the view never exceeds what the record says.
      assert.equal(f.number, lastNumber + 1);
      lastNumber = f.number;
      assert.equal(f.data.length, f.capLen);
    },
    chunkBytes ? { chunkBytes } : {},
  );
  for (const p of summary.problems) {
    assert.equal(typeof p.message, "string");
    assert.ok(p.offset >= 0 && Number.isFinite(p.offset));
  }
  return { frames, summary };
}

test("random bytes behind every magic: frames or a typed problem, never a throw", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...MAGICS),
      fc.uint8Array({ maxLength: 2048 }),
      fc.constantFrom(undefined, 16, 300),
      async (magic, body, chunk) => {
        const bytes = new Uint8Array(magic.length + body.length);
        bytes.set(magic);
        bytes.set(body, magic.length);
        await readAll(bytes, chunk);
      },
    ),
    { numRuns: 400 },
  );
});

const corpus = capturesWith(".capinfos.txt")
  .filter((f) => !f.endsWith(".gz"))
  .map((f) => readFileSync(f))
  .filter((b) => b.length < 200_000);

test("mutated and truncated corpus captures never throw and never hang", async () => {
  assert.ok(corpus.length > 20);
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: corpus.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 8 }),
      fc.option(fc.nat(), { nil: undefined }),
      async (which, flips, cut) => {
        const orig = corpus[which]!;
        const bytes = Uint8Array.from(orig);
        for (const [pos, val] of flips) bytes[pos % bytes.length] = val;
        const input = cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
        const started = performance.now();
        await readAll(input);
        assert.ok(performance.now() - started < 5000, "bounded time");
      },
    ),
    { numRuns: 300 },
  );
});

test("a gzip stream of a mutated capture never throws", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: corpus.length - 1 }),
      fc.nat(),
      fc.nat({ max: 255 }),
      async (which, pos, val) => {
        const gz = Uint8Array.from(gzipSync(corpus[which]!));
        gz[10 + (pos % (gz.length - 10))] = val;
        await readAll(gz);
      },
    ),
    { numRuns: 100 },
  );
});
