/**
 * lightTcpKey (src/decode/light.ts) answers only where decodeFrame gives the same thing: on every frame
 * of the corpus, the scenarios and a bench-like capture, an accepted frame decodes fully to a packet
 * the connection tracker takes, with the same addresses and ports; lightDecodeFrame accepts the same
 * frames and fills every field of the DecodedPacket as decodeFrame does. The analysis pass relies on
 * both.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../src/capture/index.js";
import { decodeFrame, decodeFrameAt } from "../src/decode/index.js";
import { agreesWithDecode, LightKey, lightDecodeFrame, lightTcpKey } from "../src/decode/light.js";
import { RecordKind } from "../src/model/frame.js";
import { DecodedPacket } from "../src/model/packet.js";
import { flowHashV1 } from "../src/util/flow-hash.js";
import { CORPUS_REAL, SCENARIOS, SHARED } from "./support/corpus.js";

function captures(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) captures(p, out);
    else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The first field in which two decoded packets differ (SACK blocks included), or null. */
function samePacket(a: DecodedPacket, b: DecodedPacket): string | null {
  for (const key of Object.keys(a) as (keyof DecodedPacket)[]) {
    const x = a[key];
    const y = b[key];
    if (x instanceof Float64Array) {
      if (!(y instanceof Float64Array) || x.some((v, i) => v !== y[i])) return key;
    } else if (x !== y) {
      return key;
    }
  }
  return null;
}

async function check(file: string): Promise<{ frames: number; light: number }> {
  const k = new LightKey();
  const pkt = new DecodedPacket();
  const fused = new DecodedPacket();
  // (Reused as the pass reuses its packet: SACK blocks beyond sackCount are left from earlier frames.)
  const moved = new DecodedPacket();
  let frames = 0;
  let light = 0;
  await readCapture(file, (f) => {
    if (f.kind !== RecordKind.PACKET) return;
    frames++;
    // (The frame at an offset in a larger buffer, as the pass hands frames out.)
    const at = new Uint8Array(f.data.length + 7);
    at.set(f.data, 7);
    const accepted = lightDecodeFrame(f.linkType, at, 7, f.data.length, f.origLen, fused);
    assert.equal(accepted, lightTcpKey(f.linkType, f.data, 0, f.data.length, f.origLen, k), `${file} frame ${f.number}`);
    if (!accepted) return;
    light++;
    decodeFrame(f.linkType, f.data, f.origLen, pkt);
    assert.ok(agreesWithDecode(k, pkt), `${file} frame ${f.number}: light key disagrees with decodeFrame`);
    assert.equal(
      k.hash >>> 0,
      flowHashV1(f.data, k.ipVersion, k.srcAddrOff, k.dstAddrOff, k.srcPort, k.dstPort),
    );
    // lightDecodeFrame: the same, with every offset moved by the frame's place in its buffer.
    decodeFrameAt(f.linkType, at, 7, f.data.length, f.origLen, moved);
    const diffFused = samePacket(moved, fused);
    assert.equal(diffFused, null, `${file} frame ${f.number}: lightDecodeFrame differs from decodeFrame in ${diffFused}`);
  });
  return { frames, light };
}

test("lightTcpKey agrees with decodeFrame on every corpus and scenario frame", async () => {
  const files = [...captures(CORPUS_REAL), ...captures(SCENARIOS)];
  assert.ok(files.length > 50);
  let light = 0;
  for (const f of files) light += (await check(f)).light;
  assert.ok(light > 1000);
});

test("lightTcpKey takes nearly every frame of a bench-like capture, and agrees", async () => {
  const gen = join(SHARED, "bench", "gen-capture.js");
  if (!existsSync(gen)) return;
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-light-"));
  try {
    const file = join(dir, "bench-like.pcap");
    execFileSync(process.execPath, [gen, "--seed", "3", "--out", file, "--target-bytes", "4M"], {
      stdio: "ignore",
    });
    const { frames, light } = await check(file);
    assert.ok(light > 0.95 * frames, `${light} of ${frames}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
