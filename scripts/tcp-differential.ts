/**
 * Differential check of the TCP analysis against a local tshark 4.0.x, on more than the 13 oracle
 * columns: also duplicate_ack_num/frame, acks_frame, ack_rtt, initial_rtt, bytes_in_flight, rto,
 * rto_frame and the Info-column "[TCP ...]" tags.
 *
 *   node --import tsx scripts/tcp-differential.ts fuzz [SEEDS=20] [FIRST_SEED=1]
 *       random conversations (test/support/tcp-fuzz.ts), 30 per capture, one capture per seed
 *   node --import tsx scripts/tcp-differential.ts capture FILE...
 *       real captures (frames with exactly one TCP header)
 *
 * Needs tshark on PATH (default preferences are forced with an empty config dir). The Info tags of
 * frames whose payload an upper-layer dissector claims may differ (tshark rewrites the column).
 * Exit status 0 when nothing differs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../src/capture/index.js";
import { decodeFrame } from "../src/decode/index.js";
import { RecordKind } from "../src/model/frame.js";
import { DecodedPacket } from "../src/model/packet.js";
import { TcpAnalyzer } from "../src/tcp/analyzer.js";
import { randomCapture } from "../test/support/tcp-fuzz.js";
import {
  DIFF_FIELDS,
  diffWithTshark,
  haveTshark,
  ourFields,
  tsharkFields,
} from "../test/support/tshark-diff.js";

const [mode, ...rest] = process.argv.slice(2);
if (!haveTshark()) {
  console.error("tshark not found");
  process.exit(2);
}
const byField = new Map<string, number>();
let frames = 0;
let differing = 0;

function note(
  label: string,
  frame: number,
  field: string,
  ours: string,
  theirs: string,
  shown: { n: number },
): void {
  byField.set(field, (byField.get(field) ?? 0) + 1);
  if (shown.n++ < 8)
    console.log(`  ${label} frame ${frame} ${field}: ours=${ours || "∅"} tshark=${theirs || "∅"}`);
}

if (mode === "fuzz") {
  const seeds = Number(rest[0] ?? 20);
  const first = Number(rest[1] ?? 1);
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-diff-"));
  try {
    for (let seed = first; seed < first + seeds; seed++) {
      const packets = randomCapture(seed, 30);
      const r = diffWithTshark(packets, join(dir, `seed-${seed}.pcap`));
      frames += packets.length;
      const bad = new Set(r.diffs.map((d) => d.frame));
      differing += bad.size;
      const shown = { n: 0 };
      if (bad.size > 0) console.log(`seed ${seed}: ${bad.size}/${packets.length} frames differ`);
      for (const d of r.diffs) note(`seed ${seed}`, d.frame, d.field, d.ours, d.tshark, shown);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else if (mode === "capture") {
  for (const file of rest) {
    const a = new TcpAnalyzer();
    const pkt = new DecodedPacket();
    let last = 0;
    await readCapture(file, (f) => {
      if (f.kind !== RecordKind.PACKET) pkt.reset();
      else decodeFrame(f.linkType, f.data, f.origLen, pkt);
      a.analyze(f, pkt);
      last = f.number;
    });
    a.finish();
    const theirs = tsharkFields(file);
    const shown = { n: 0 };
    let bad = 0;
    let compared = 0;
    for (let n = 1; n <= last; n++) {
      const t = theirs[n - 1];
      if (t === undefined || t[0] === "" || t[0]!.includes(",")) continue;
      compared++;
      const o = ourFields(a, n);
      let diff = false;
      for (let k = 0; k < DIFF_FIELDS.length; k++) {
        if ((o[k] ?? "") !== (t[k] ?? "")) {
          diff = true;
          note(file, n, DIFF_FIELDS[k]!, o[k] ?? "", t[k] ?? "", shown);
        }
      }
      if (diff) bad++;
    }
    frames += compared;
    differing += bad;
    console.log(`${file}: ${compared} TCP frames, ${bad} differ`);
  }
} else {
  console.error("usage: tcp-differential.ts fuzz [SEEDS] [FIRST_SEED] | capture FILE...");
  process.exit(2);
}
console.log(`${frames} frames compared, ${differing} differ`, Object.fromEntries(byField));
process.exit(differing === 0 ? 0 : 1);
