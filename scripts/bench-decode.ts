/**
 * Decoder speed: (1) readCapture alone vs readCapture + decodeFrame over a whole capture, and
 * (2) decodeFrame alone over up to 1 M frames held in memory (no I/O), best of 5 rounds.
 * Best of 3 alternating rounds for (1): the machine's speed drifts.
 *
 * usage: node --import tsx scripts/bench-decode.ts CAPTURE
 */
import { readCapture } from "../src/capture/index.js";
import { decodeFrame } from "../src/decode/index.js";
import { RecordKind } from "../src/model/frame.js";
import { DecodedPacket } from "../src/model/packet.js";

const path = process.argv[2];
if (!path) {
  console.error("usage: bench-decode.ts CAPTURE");
  process.exit(2);
}
const out = new DecodedPacket();

async function pass(decode: boolean): Promise<[number, number, number]> {
  let frames = 0;
  let ok = 0;
  const t0 = performance.now();
  await readCapture(path!, (f) => {
    if (f.kind !== RecordKind.PACKET) return;
    frames++;
    if (decode) {
      decodeFrame(f.linkType, f.data, f.origLen, out);
      if (out.status === 0) ok++;
    }
  });
  return [performance.now() - t0, frames, ok];
}

// Alternate the passes and keep the best of each: the first read also warms the page cache.
let readMs = Infinity;
let bothMs = Infinity;
let frames = 0;
let ok = 0;
for (let round = 0; round < 3; round++) {
  const r = await pass(false);
  readMs = Math.min(readMs, r[0]);
  frames = r[1];
  const b = await pass(true);
  bothMs = Math.min(bothMs, b[0]);
  ok = b[2];
}
console.log(`read only:     ${readMs.toFixed(0)} ms for ${frames} frames`);
console.log(`read + decode: ${bothMs.toFixed(0)} ms (${ok} with a usable TCP header)`);
console.log(`decode share:  ${(((bothMs - readMs) * 1e6) / frames).toFixed(1)} ns/frame`);

// In-memory: copy the first frames into one buffer, then decode them repeatedly.
const MAX = 1_000_000;
const offs: number[] = [];
const lens: number[] = [];
const orig: number[] = [];
const links: number[] = [];
let store = new Uint8Array(64 * 1024 * 1024);
let used = 0;
await readCapture(
  path,
  (f) => {
    if (f.kind !== RecordKind.PACKET) return;
    if (used + f.data.length > store.length) {
      const bigger = new Uint8Array(store.length * 2);
      bigger.set(store.subarray(0, used));
      store = bigger;
    }
    store.set(f.data, used);
    offs.push(used);
    lens.push(f.data.length);
    orig.push(f.origLen);
    links.push(f.linkType);
    used += f.data.length;
  },
  { maxFrames: MAX },
);
const views = offs.map((o, i) => store.subarray(o, o + lens[i]!));
let best = Infinity;
for (let round = 0; round < 5; round++) {
  const t0 = performance.now();
  for (let i = 0; i < views.length; i++) decodeFrame(links[i]!, views[i]!, orig[i]!, out);
  best = Math.min(best, performance.now() - t0);
}
console.log(
  `decode only:   ${((best * 1e6) / views.length).toFixed(1)} ns/frame over ${views.length} frames in memory`,
);
