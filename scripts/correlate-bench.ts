/**
 * Scale check of `tcpsleuth correlate`: makes a two-point pair from one benchmark capture (A is the
 * capture itself; B is written next to it in /tmp as seen behind a NAT that randomises the clients'
 * sequence numbers, lowers the TTL, rewrites IP IDs, runs its clock `--offset` seconds ahead and drops
 * `--drop` of the packets entering from A's side), correlates them and prints the speed (matched
 * packets per second per side), the exactness (drops found vs made) and the recovered clock offset.
 *
 * usage: node --import tsx scripts/correlate-bench.ts [CAPTURE...] [--drop 0.001] [--offset 7.654321] [--keep]
 *        (default: bench-data/bench-small.pcap; `npm run bench` makes the bench-data captures)
 */
import { closeSync, existsSync, openSync, statSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { correlateCaptures, STATUS_NAMES } from "../src/compare/correlate/index.js";
import { synthesizePair } from "../test/support/two-point.js";

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const dropRate = opt("--drop", 0.001);
const offset = opt("--offset", 7.654_321_123);
const keep = args.includes("--keep");
const files = args.filter((a) => !a.startsWith("--"));
if (files.length === 0) files.push(resolve(import.meta.dirname, "..", "bench-data", "bench-small.pcap"));

/** A streaming nanosecond pcap writer (one link type), buffered in 16 MiB blocks. */
class PcapOut {
  private fd: number;
  private buf = Buffer.alloc(16 << 20);
  private pos = 0;
  private linkType = -1;
  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }
  write(tsSec: number, tsNsec: number, data: Uint8Array, origLen: number, linkType: number): void {
    if (this.linkType < 0) {
      this.linkType = linkType;
      const h = Buffer.alloc(24);
      h.writeUInt32LE(0xa1b23c4d, 0);
      h.writeUInt16LE(2, 4);
      h.writeUInt16LE(4, 6);
      h.writeUInt32LE(262144, 16);
      h.writeUInt32LE(linkType, 20);
      writeSync(this.fd, h);
    } else if (linkType !== this.linkType) throw new Error("one link type per pcap");
    if (this.pos + 16 + data.length > this.buf.length) this.flush();
    const b = this.buf;
    b.writeUInt32LE(tsSec >>> 0, this.pos);
    b.writeUInt32LE(tsNsec >>> 0, this.pos + 4);
    b.writeUInt32LE(data.length, this.pos + 8);
    b.writeUInt32LE(origLen, this.pos + 12);
    b.set(data, this.pos + 16);
    this.pos += 16 + data.length;
  }
  flush(): void {
    if (this.pos) writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A fixed pseudo-random choice per frame number. */
function chosen(frame: number, rate: number): boolean {
  let x = Math.imul(frame ^ 0x9e3779b9, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296 < rate;
}

for (const file of files) {
  if (!existsSync(file)) {
    console.error(`${file}: not found (run npm run bench to make the benchmark captures)`);
    process.exitCode = 2;
    continue;
  }
  const outB = join(tmpdir(), `tcpsleuth-correlate-${process.pid}-${basename(file)}.B.pcap`);
  const w = new PcapOut(outB);
  const t0 = performance.now();
  const synth = await synthesizePair(
    file,
    {
      clockOffsetSec: offset,
      seqRandomize: true,
      rewriteIpId: true,
      seed: 3,
      drop: (p) => chosen(p.frame, dropRate),
    },
    () => {},
    (f) => w.write(f.tsSec, f.tsNsec, f.data, f.origLen, f.linkType),
  );
  w.close();
  const t1 = performance.now();
  console.log(
    `${basename(file)}: ${synth.framesA} frames, ${synth.connections} connections; B written in ${((t1 - t0) / 1000).toFixed(1)} s (${(statSync(outB).size / 1e6).toFixed(0)} MB), ${synth.dropped.length} packets dropped by the "box"`,
  );

  const r = await correlateCaptures(file, outB, { names: [basename(file), "B.pcap"] });
  const total = (r.timing.loadMs + r.timing.correlateMs) / 1000;
  const nA = r.a.pk.n;
  const nB = r.b.pk.n;
  const rep = r.report;
  console.log(
    `  read+decode both (in parallel): ${(r.timing.loadMs / 1000).toFixed(2)} s; correlation: ${(r.timing.correlateMs / 1000).toFixed(2)} s; total ${total.toFixed(2)} s`,
  );
  console.log(
    `  phases: ${Object.entries(r.correlation.timings)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`)
      .join(", ")}`,
  );
  console.log(
    `  speed: ${(nA / total / 1e6).toFixed(2)} M packets/s for A (${nA} TCP packets), ${(nB / total / 1e6).toFixed(2)} M packets/s for B (${nB})`,
  );
  // Exactness: the A packets without a counterpart against the ones dropped.
  const dropped = new Set(synth.dropped);
  let found = 0;
  let extra = 0;
  const split = new Map<string, number>();
  for (let i = 0; i < nA; i++) {
    if (r.correlation.matchA[i]! >= 0) continue;
    const fr = r.a.pk.frame[i]!;
    if (dropped.has(fr)) {
      found++;
      const s = STATUS_NAMES[r.classification.stA[i]!]!;
      split.set(s, (split.get(s) ?? 0) + 1);
    } else extra++;
  }
  let onlyB = 0;
  for (let j = 0; j < nB; j++) if (r.correlation.matchB[j]! < 0) onlyB++;
  console.log(
    `  exactness: ${found} of ${dropped.size} dropped packets found missing in B, ${extra} other A packets unmatched, ${onlyB} B packets unmatched`,
  );
  console.log(
    `  the dropped ones were classified: ${[...split].map(([k, v]) => `${k} ${v}`).join(", ")} (a synthetic drop keeps the receiver's ACKs, so a dropped data packet that was ACKed reads as "missed by B's capture")`,
  );
  console.log(
    `  clock offset: made ${offset.toFixed(9)} s, recovered ${rep.clockOffsetSec?.toFixed(9)} s (error ${(Math.round(((rep.clockOffsetSec ?? Number.NaN) - offset) * 1e9) / 1e3 || 0).toFixed(3)} µs, ${rep.clockOffset.method}, ${rep.clockOffset.samples} samples)`,
  );
  console.log(
    `  connections paired: ${rep.mapping.length} (unpaired: ${rep.unpaired.a.length} in A, ${rep.unpaired.b.length} in B); findings: ${rep.findings.map((f) => f.id).join(", ")}`,
  );
  if (!keep) unlinkSync(outB);
  else console.log(`  kept ${outB}`);
}
