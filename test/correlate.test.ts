/**
 * `tcpsleuth correlate`: the two-point scenarios (middlebox-*) checked in-process the way the
 * reference scorer checks them, plus synthetic pairs built from real captures (NAT address/port
 * rewrite, per-connection sequence randomisation, TTL and IP-ID rewriting, a clock offset, a transit
 * delay, a known set of packets dropped by the "box"), where every dropped frame must be found,
 * nothing else, and the clock offset recovered within 1 ms.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { correlateFiles } from "../src/api/index.js";
import { type PcapngInterface, type WritePacket, writePcapng } from "../src/capture/writer.js";
import { correlateCaptures, Status, STATUS_NAMES } from "../src/compare/correlate/index.js";
import type { FileFrames, Finding } from "../src/model/finding.js";
import { phraseCorrelateReport } from "../src/render/correlate-text.js";
import { CORPUS_REAL, SCENARIOS } from "./support/corpus.js";
import { type SynthOptions, type SynthResult, synthesizePair } from "./support/two-point.js";

interface Expected {
  captures: string[];
  must: {
    id: string;
    culprit: string | null;
    culprit_aliases?: string[];
    stream: number | null;
    frames: FileFrames[];
  }[];
  must_not: string[];
}

function ipOf(c: string): string {
  if (c.startsWith("[")) return c.slice(1, c.indexOf("]"));
  return c.split(":").length === 2 ? c.slice(0, c.lastIndexOf(":")) : c;
}

function framesOf(f: Finding, file: string): number[] {
  return ((f.frames as FileFrames[]).find((x) => x.file === file)?.frames ?? []).slice();
}

for (const name of ["middlebox-dropped", "middlebox-idle-reset"]) {
  const dir = join(SCENARIOS, name);
  test(`scenario ${name}`, { skip: !existsSync(dir) && "scenario missing" }, async () => {
    const exp = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
    const [a, b] = exp.captures.map((c) => join(dir, c)) as [string, string];
    const { report } = await correlateFiles(a, b);
    assert.equal(report.version, 1);
    assert.deepEqual(
      report.files.map((f) => f.file),
      exp.captures,
    );
    for (const m of exp.must) {
      const cands = report.findings.filter((f) => f.id === m.id);
      assert.ok(cands.length > 0, `missing ${m.id}`);
      const ok = cands.some((f) => {
        const culprits = [m.culprit, ...(m.culprit_aliases ?? [])].filter((x): x is string => !!x);
        const culpritOk =
          m.culprit === null || (f.culprit !== null && culprits.some((c) => ipOf(c) === ipOf(f.culprit!)));
        const framesOk = m.frames.every(
          (e) => e.frames.length === 0 || e.frames.some((x) => framesOf(f, e.file).includes(x)),
        );
        return culpritOk && framesOk && (m.stream === null || f.stream === m.stream);
      });
      assert.ok(
        ok,
        `${m.id}: wrong culprit, stream or frames: ${JSON.stringify(cands.map((f) => [f.culprit, f.stream, f.frames]))}`,
      );
      for (const f of cands) assert.ok(f.summary && f.explanation && f.next, `${m.id} is phrased`);
    }
    for (const bad of exp.must_not) assert.ok(!report.findings.some((f) => f.id === bad), `false ${bad}`);
    assert.ok(Math.abs(report.clockOffsetSec!) < 0.001, "both captures were taken on one machine");
    assert.equal(report.mapping.length, 1);
    assert.equal(report.mapping[0]!.clientB.split(":")[0], "198.19.20.1", "NAT address seen inside");
    if (name === "middlebox-dropped") {
      // Exactly the 13 packets the router swallowed, nothing else missing on either side.
      const f = report.findings.find((x) => x.id === "middlebox.dropped")!;
      assert.deepEqual(framesOf(f, "outside.pcapng"), exp.must[0]!.frames[0]!.frames);
      assert.equal(report.packets.onlyA, 13);
      assert.equal(report.packets.onlyB, 0);
      assert.equal(f.facts.neverAcknowledged, 13);
    } else {
      const idle = report.findings.find((x) => x.id === "middlebox.idle-timeout")!;
      assert.deepEqual(framesOf(idle, "outside.pcapng").slice(0, 3), [33, 36, 37]);
      assert.deepEqual(framesOf(idle, "inside.pcapng"), [33]);
      assert.ok((idle.facts.idleSec as number) > 11.9 && (idle.facts.idleSec as number) < 12.1);
      const inj = report.findings.find((x) => x.id === "middlebox.injected")!;
      assert.equal(inj.facts.resets, 24);
      assert.equal(inj.facts.claimedSender, "198.19.20.2:9100");
      assert.equal(inj.facts.ttlInjected, 64);
      assert.equal(inj.facts.ttlReal, 63);
      assert.equal(report.findings[0]!.id, "middlebox.idle-timeout", "the cause comes first");
    }
  });
}

// ------------------------------------------------------------------ synthetic pairs

async function buildPair(
  src: string,
  opts: SynthOptions,
): Promise<{ a: Uint8Array; b: Uint8Array; synth: SynthResult }> {
  const a: (WritePacket & { linkType: number })[] = [];
  const b: (WritePacket & { linkType: number })[] = [];
  const synth = await synthesizePair(
    src,
    opts,
    (f) =>
      a.push({
        tsSec: f.tsSec,
        tsNsec: f.tsNsec,
        data: f.data.slice(),
        origLen: f.origLen,
        linkType: f.linkType,
      }),
    (f) =>
      b.push({
        tsSec: f.tsSec,
        tsNsec: f.tsNsec,
        data: f.data.slice(),
        origLen: f.origLen,
        linkType: f.linkType,
      }),
  );
  // B's capture machine records packets in its own time order.
  b.sort((x, y) => x.tsSec - y.tsSec || x.tsNsec - y.tsNsec);
  const write = (ps: (WritePacket & { linkType: number })[]): Uint8Array => {
    const links = [...new Set(ps.map((p) => p.linkType))];
    const interfaces: PcapngInterface[] = links.map((l) => ({ linkType: l, tsresol: 9 }));
    return writePcapng([
      { interfaces, packets: ps.map((p) => ({ ...p, interfaceId: links.indexOf(p.linkType) })) },
    ]);
  };
  return { a: write(a), b: write(b), synth };
}

/** Frames (A numbering) of TCP data packets that tshark marks as retransmitted later: the originals. */
function retransmittedOriginals(tsv: string): number[] {
  const rows = readFileSync(tsv, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split("\t"));
  const out = new Set<number>();
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (!r[2]) continue;
    const key = `${r[2]}|${r[3]}|${r[5]}|${r[8]}`;
    if (Number(r[10]) > 0 && (r[12] ?? "").includes("retransmission")) {
      const orig = seen.get(key);
      if (orig !== undefined) out.add(orig);
    } else if (Number(r[10]) > 0 && !seen.has(key)) seen.set(key, Number(r[0]));
  }
  return [...out].sort((x, y) => x - y);
}

function unmatchedFrames(pk: { n: number; frame: Int32Array }, match: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < pk.n; i++) if (match[i]! < 0) out.push(pk.frame[i]!);
  return out;
}

const ESPN = join(CORPUS_REAL, "chrissanders-packets", "http_espn_fail.pcapng");
const GMAIL = join(CORPUS_REAL, "packetlife", "gmail.pcapng.cap");
const PATH_LOSS = join(SCENARIOS, "path-loss", "capture.pcapng");

test("synthetic NAT pair (TCP timestamps, 16 connections): exactly the dropped frames, offset recovered", {
  skip: !existsSync(ESPN) && "corpus missing",
}, async () => {
  const offset = 3.271_828_182;
  const { a, b, synth } = await buildPair(ESPN, {
    clockOffsetSec: offset,
    transitSec: 0.000_04,
    seqRandomize: true,
    rewriteIpId: true,
    seed: 11,
    drop: (p) => p.frame % 7 === 3,
  });
  assert.ok(synth.dropped.length >= 20, `enough drops (${synth.dropped.length})`);
  const r = await correlateCaptures(a, b, { names: ["client-side.pcapng", "nat-side.pcapng"] });
  const rep = r.report;
  assert.ok(Math.abs(rep.clockOffsetSec! - offset) < 0.001, `offset ${rep.clockOffsetSec}`);
  assert.ok(Math.abs(rep.clockOffsetSec! - offset) < 2e-6, "in fact within a few µs");
  assert.ok(Math.abs(rep.transitDelay.aToB.medianSec! - 0.000_04) < 2e-6, "transit recovered");
  assert.deepEqual(
    unmatchedFrames(r.a.pk, r.correlation.matchA),
    synth.dropped,
    "only the dropped frames are missing in B",
  );
  assert.deepEqual(unmatchedFrames(r.b.pk, r.correlation.matchB), [], "nothing appears in B alone");
  // Each is called dropped, or (when the receiver's ACKs prove it arrived) missed by B's capture.
  const st = r.classification.stA;
  const byFrame = new Map<number, number>();
  for (let i = 0; i < r.a.pk.n; i++) byFrame.set(r.a.pk.frame[i]!, st[i]!);
  for (const fr of synth.dropped)
    assert.ok(
      [Status.DROPPED, Status.MISSED_BY_OTHER].includes(byFrame.get(fr) as 1 | 2),
      `frame ${fr}: ${STATUS_NAMES[byFrame.get(fr)!]}`,
    );
  const listed = rep.findings
    .filter((f) => f.id === "middlebox.dropped" || f.id === "capture.incomplete")
    .flatMap((f) => framesOf(f, "client-side.pcapng"))
    .sort((x, y) => x - y);
  assert.deepEqual(listed, synth.dropped);
  assert.ok(rep.findings.some((f) => f.id === "middlebox.dropped"));
  assert.ok(!rep.findings.some((f) => f.id === "middlebox.injected" || f.id === "middlebox.idle-timeout"));
  // Every connection paired, NAT seen, and the box's sequence offsets learnt exactly.
  assert.equal(rep.unpaired.a.length + rep.unpaired.b.length, 0);
  assert.equal(rep.mapping.length, synth.connections);
  const offsets = new Set(synth.seqOffsets);
  for (const m of rep.mapping) {
    assert.ok(m.nat.client && !m.nat.server, "the client is behind the NAT");
    assert.equal(m.aSide, "client");
    assert.ok(offsets.has(m.seqOffset.clientToServer!), `seq offset of stream ${m.streamA}`);
    // (null for the connections whose server never answered: SYNs only)
    assert.ok(m.seqOffset.serverToClient === 0 || m.seqOffset.serverToClient === null);
  }
  assert.deepEqual(rep.box.addresses.includes("203.0.113.7"), true);
  const f = rep.findings.find((x) => x.id === "middlebox.dropped")!;
  assert.ok(f.culprit === "203.0.113.7", `culprit ${f.culprit}`);
});

test("synthetic NAT pair without TCP timestamps (41 connections, capture loss in the source)", {
  skip: !existsSync(GMAIL) && "corpus missing",
}, async () => {
  const offset = -1234.5678;
  const { a, b, synth } = await buildPair(GMAIL, {
    clockOffsetSec: offset,
    transitSec: 0.000_25,
    seqRandomize: true,
    seed: 5,
    drop: (p) => p.frame % 11 === 5,
  });
  const r = await correlateCaptures(a, b, { names: ["a.pcapng", "b.pcapng"] });
  assert.ok(Math.abs(r.report.clockOffsetSec! - offset) < 0.001, `offset ${r.report.clockOffsetSec}`);
  assert.deepEqual(unmatchedFrames(r.a.pk, r.correlation.matchA), synth.dropped);
  assert.deepEqual(unmatchedFrames(r.b.pk, r.correlation.matchB), []);
});

test("synthetic pair from a lossy transfer: the retransmitted originals are called dropped, with the proof", {
  skip: !existsSync(PATH_LOSS) && "scenario missing",
}, async () => {
  const originals = retransmittedOriginals(`${PATH_LOSS}.tshark.tsv`);
  assert.ok(originals.length >= 2);
  // Drop the originals and a pure ACK of the client's; keep everything else.
  let pureAck = -1;
  const { a, b, synth } = await buildPair(PATH_LOSS, {
    clockOffsetSec: 0.5,
    transitSec: 0.000_1,
    seqRandomize: true,
    drop: (p) => {
      if (originals.includes(p.frame)) return true;
      if (pureAck < 0 && p.len === 0 && p.flags === 0x10 && p.frame > 10) {
        pureAck = p.frame;
        return true;
      }
      return false;
    },
  });
  const r = await correlateCaptures(a, b, { names: ["a.pcapng", "b.pcapng"] });
  const rep = r.report;
  assert.deepEqual(unmatchedFrames(r.a.pk, r.correlation.matchA), synth.dropped);
  const f = rep.findings.find((x) => x.id === "middlebox.dropped")!;
  assert.deepEqual(framesOf(f, "a.pcapng"), synth.dropped);
  assert.deepEqual(framesOf(f, "b.pcapng"), []);
  assert.equal(f.facts.neverAcknowledged, originals.length, "the receiver never acknowledged the originals");
  assert.equal(f.facts.retransmitted, originals.length);
  assert.equal(f.facts.pureAcksOrResets, pureAck > 0 ? 1 : 0);
  assert.ok(!rep.findings.some((x) => x.id === "capture.incomplete"));
  assert.ok(Math.abs(rep.clockOffsetSec! - 0.5) < 0.001);
});

test("a packet the receiver acknowledged is the other capture's loss, not the box's", {
  skip: !existsSync(PATH_LOSS) && "scenario missing",
}, async () => {
  // Remove a client data packet from B although the server's ACKs (in B) cover it: B's capture lost it.
  let victim = -1;
  const { a, b } = await buildPair(PATH_LOSS, {
    clockOffsetSec: 0,
    transitSec: 0.000_1,
    drop: (p) => {
      if (victim < 0 && p.len > 0 && p.frame > 100) {
        victim = p.frame;
        return true;
      }
      return false;
    },
  });
  const r = await correlateCaptures(a, b, { names: ["a.pcapng", "b.pcapng"] });
  assert.ok(!r.report.findings.some((x) => x.id === "middlebox.dropped"), "not a drop by the box");
  const f = r.report.findings.find((x) => x.id === "capture.incomplete")!;
  assert.deepEqual(framesOf(f, "a.pcapng"), [victim]);
  assert.equal(r.report.verdict, "healthy");
  assert.equal(r.report.findings[0]!.id, "healthy");
});

test("a clean pair is healthy", { skip: !existsSync(ESPN) && "corpus missing" }, async () => {
  const { a, b } = await buildPair(ESPN, { clockOffsetSec: 42, transitSec: 0.001, seqRandomize: true });
  const { report } = await correlateFiles(a, b);
  assert.equal(report.verdict, "healthy");
  assert.deepEqual(
    report.findings.map((f) => f.id),
    ["healthy"],
  );
  assert.equal(report.packets.onlyA + report.packets.onlyB, 0);
  assert.ok(report.headline.startsWith("Healthy"));
});

test("a connection the box never let through (SYNs only on A's side) is a blocked connection", {
  skip: !existsSync(ESPN) && "corpus missing",
}, async () => {
  // Stream 2 of this capture is a client that keeps sending SYNs nobody answers: as if a firewall
  // between the captures dropped them all, B has none of them.
  const rows = readFileSync(`${ESPN}.tshark.tsv`, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split("\t"));
  const stream2 = rows.filter((r) => r[2] === "2").map((r) => Number(r[0]));
  assert.ok(stream2.length >= 5);
  const { a, b, synth } = await buildPair(ESPN, {
    clockOffsetSec: 0.25,
    transitSec: 0.000_05,
    seqRandomize: true,
    drop: (p) => stream2.includes(p.frame),
  });
  assert.deepEqual(synth.dropped, stream2);
  const r = await correlateCaptures(a, b, { names: ["a.pcapng", "b.pcapng"] });
  const rep = r.report;
  assert.deepEqual(unmatchedFrames(r.a.pk, r.correlation.matchA), stream2);
  assert.deepEqual(
    rep.unpaired.a.map((u) => [u.stream, u.reason]),
    [[2, "blocked"]],
  );
  const f = rep.findings.find((x) => x.id === "middlebox.dropped")!;
  assert.deepEqual(framesOf(f, "a.pcapng"), stream2);
  assert.equal(f.facts.connectionsBlocked, 1);
  assert.equal(f.facts.syns, stream2.length);
  assert.equal(f.stream, 2);
  phraseCorrelateReport(rep);
  assert.ok(f.summary.startsWith("1 connection attempt (11 SYNs)"), f.summary);
});

test("packets before the second capture started or after it stopped are not blamed on the box", {
  skip: !existsSync(ESPN) && "corpus missing",
}, async () => {
  const rows = readFileSync(`${ESPN}.tshark.tsv`, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split("\t"));
  const t0 = Number(rows[0]![1]);
  const t1 = Number(rows[rows.length - 1]![1]);
  // B is started 0.6 s late and stopped 20 s early.
  const { a, b } = await buildPair(ESPN, {
    clockOffsetSec: 3,
    transitSec: 0.000_05,
    seqRandomize: true,
    bRunning: (t) => t >= t0 + 0.6 && t <= t1 - 20,
  });
  const { report } = await correlateFiles(a, b);
  assert.ok(
    !report.findings.some((f) => f.id.startsWith("middlebox.")),
    JSON.stringify(report.findings.map((f) => f.id)),
  );
  assert.equal(report.verdict, "healthy");
  assert.ok((report.packets.classified["outside-overlap"] ?? 0) > 0);
  assert.equal(report.packets.classified.dropped ?? 0, 0);
  assert.equal(report.packets.classified.injected ?? 0, 0);
});
