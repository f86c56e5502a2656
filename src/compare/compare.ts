/**
 * compare GOOD BAD: pair the connections that do the same job in a capture where things worked and
 * one where they failed, and list the differences that matter, ranked by how well each explains the
 * failure. How a connection ends outranks everything: a job that fails "at the very end" differs
 * there. Findings present in BAD and absent from GOOD are leads too.
 */
import type { Finding } from "../model/finding.js";
import type { ConnectionDetail } from "../model/report.js";
import type { ConnectionRecord, Direction, PacketBrief } from "../tcp/connection/types.js";

export interface CompareSide {
  file: string;
  connections: readonly ConnectionRecord[];
  findings: readonly Finding[];
}

export interface Difference {
  /** What differs: close, finding, zero-window, retransmissions, handshake-options, bytes, push, duration. */
  kind: string;
  /** How telling, 0–100 (higher first). */
  score: number;
  /** Plain-data facts for both sides; the words come from render/compare-text.ts. */
  good: Record<string, unknown>;
  bad: Record<string, unknown>;
  /** Evidence per file (1-based frame numbers). */
  frames: { file: string; frames: number[] }[];
  /** One sentence, phrased by render/compare-text.ts. */
  summary: string;
  /** The pair's service and streams. */
  service: string;
  goodStream: number | null;
  badStream: number | null;
}

export interface ComparePair {
  service: string;
  good: ConnectionRecord | null;
  bad: ConnectionRecord | null;
}

export interface CompareResult {
  version: 1;
  good: string;
  bad: string;
  pairs: {
    service: string;
    goodStream: number | null;
    badStream: number | null;
    goodUid: number | null;
    badUid: number | null;
  }[];
  differences: Difference[];
}

function serverSide(c: ConnectionRecord): Direction {
  return c.client === "orig" ? "resp" : "orig";
}

/** The job a connection does: the server's port (the service) and address family. */
function serviceOf(c: ConnectionRecord): string {
  const s = serverSide(c) === "orig" ? c.orig : c.resp;
  return `tcp/${s.port}`;
}

function streamOf(c: ConnectionRecord | null): number | null {
  return c ? (c.wsStreams[0] ?? null) : null;
}

/** Pairs connections by service in order of appearance; connections without a counterpart pair with null. */
export function pairConnections(
  good: readonly ConnectionRecord[],
  bad: readonly ConnectionRecord[],
): ComparePair[] {
  const byService = (list: readonly ConnectionRecord[]) => {
    const m = new Map<string, ConnectionRecord[]>();
    // Handshake-only attempts that never carried data are not "the job"; keep them at the end.
    const sorted = [...list].sort(
      (a, b) =>
        Number(a.packets <= 3 && a.origStats.dataPackets + a.respStats.dataPackets === 0) -
          Number(b.packets <= 3 && b.origStats.dataPackets + b.respStats.dataPackets === 0) || a.uid - b.uid,
    );
    for (const c of sorted) {
      const k = serviceOf(c);
      const l = m.get(k) ?? [];
      l.push(c);
      m.set(k, l);
    }
    return m;
  };
  const g = byService(good);
  const b = byService(bad);
  const out: ComparePair[] = [];
  for (const service of new Set([...g.keys(), ...b.keys()])) {
    const gl = g.get(service) ?? [];
    const bl = b.get(service) ?? [];
    for (let i = 0; i < Math.max(gl.length, bl.length); i++)
      out.push({ service, good: gl[i] ?? null, bad: bl[i] ?? null });
  }
  return out;
}

function role(c: ConnectionRecord, d: Direction | null): string | null {
  if (d === null) return null;
  return d === c.client ? "client" : "server";
}

function closeFacts(c: ConnectionRecord): Record<string, unknown> {
  const cl = c.close;
  return {
    kind: cl.kind,
    by: role(c, cl.by),
    frame: cl.frame,
    afterLastDataSec: cl.afterLastDataSec,
    lastDataBy: role(c, cl.lastDataBy),
    finBy: [
      cl.origFinFrame !== null ? role(c, "orig") : null,
      cl.respFinFrame !== null ? role(c, "resp") : null,
    ].filter(Boolean),
    state: c.connState,
  };
}

function pushTail(before: PacketBrief[]): number {
  return before.filter((p) => p.flags.includes("P")).length;
}

function frames(file: string, list: (number | null | undefined)[]): { file: string; frames: number[] } {
  return { file, frames: list.filter((x): x is number => typeof x === "number" && x > 0) };
}

function stats(c: ConnectionRecord) {
  const cs = c.client === "orig" ? c.origStats : c.respStats;
  const ss = c.client === "orig" ? c.respStats : c.origStats;
  return { cs, ss };
}

function pairDifferences(p: ComparePair, goodFile: string, badFile: string): Difference[] {
  const out: Difference[] = [];
  const g = p.good;
  const b = p.bad;
  const base = { service: p.service, goodStream: streamOf(g), badStream: streamOf(b) };
  if (!g || !b) {
    out.push({
      ...base,
      summary: "",
      kind: "missing-connection",
      score: 40,
      good: g ? { present: true, state: g.connState } : { present: false },
      bad: b ? { present: true, state: b.connState } : { present: false },
      frames: [frames(goodFile, g ? [g.startFrame] : []), frames(badFile, b ? [b.startFrame] : [])],
    });
    return out;
  }
  // How the connection ended: the most telling difference for "fails at the very end".
  const gc = closeFacts(g);
  const bc = closeFacts(b);
  if (gc.kind !== bc.kind || gc.by !== bc.by) {
    const bad = bc.kind === "rst";
    out.push({
      ...base,
      summary: "",
      kind: "close",
      score: bad ? 100 : 80,
      good: gc,
      bad: bc,
      frames: [
        frames(goodFile, [g.close.before.at(-1)?.frame, g.close.frame]),
        frames(badFile, [b.close.before.at(-2)?.frame, b.close.before.at(-1)?.frame, b.close.frame]),
      ],
    });
  }
  const gs = stats(g);
  const bs = stats(b);
  // Zero windows.
  const gz = gs.cs.zeroWindowSec + gs.ss.zeroWindowSec;
  const bz = bs.cs.zeroWindowSec + bs.ss.zeroWindowSec;
  if (Math.abs(bz - gz) >= 0.2) {
    out.push({
      ...base,
      summary: "",
      kind: "zero-window",
      score: bz > gz ? 70 : 25,
      good: { zeroWindowSec: gz, periods: gs.cs.zeroWindowPeriods + gs.ss.zeroWindowPeriods },
      bad: { zeroWindowSec: bz, periods: bs.cs.zeroWindowPeriods + bs.ss.zeroWindowPeriods },
      frames: [
        frames(
          goodFile,
          g.events
            .filter((e) => e.kind === "zero-window")
            .map((e) => e.frame)
            .slice(0, 3),
        ),
        frames(
          badFile,
          b.events
            .filter((e) => e.kind === "zero-window")
            .map((e) => e.frame)
            .slice(0, 3),
        ),
      ],
    });
  }
  // Retransmissions.
  const gr = gs.cs.wsRetransmissions + gs.ss.wsRetransmissions;
  const br = bs.cs.wsRetransmissions + bs.ss.wsRetransmissions;
  if (gr !== br && Math.max(gr, br) >= 2) {
    out.push({
      ...base,
      summary: "",
      kind: "retransmissions",
      score: br > gr ? 60 : 20,
      good: { retransmissions: gr },
      bad: { retransmissions: br },
      frames: [
        frames(
          goodFile,
          g.events
            .filter((e) => e.kind === "retransmission")
            .map((e) => e.frame)
            .slice(0, 4),
        ),
        frames(
          badFile,
          b.events
            .filter((e) => e.kind === "retransmission")
            .map((e) => e.frame)
            .slice(0, 4),
        ),
      ],
    });
  }
  // Longest stall.
  const gi = g.longestIdle?.sec ?? 0;
  const bi = b.longestIdle?.sec ?? 0;
  if (bi > 2 * gi && bi - gi >= 0.5) {
    out.push({
      ...base,
      summary: "",
      kind: "stall",
      score: 55,
      good: { longestIdleSec: gi },
      bad: {
        longestIdleSec: bi,
        afterFrame: b.longestIdle?.afterFrame,
        beforeFrame: b.longestIdle?.beforeFrame,
      },
      frames: [
        frames(goodFile, [g.longestIdle?.afterFrame]),
        frames(badFile, [b.longestIdle?.afterFrame, b.longestIdle?.beforeFrame]),
      ],
    });
  }
  // Handshake options.
  for (const who of ["client", "server"] as const) {
    const go = (who === "client" ? gs.cs : gs.ss).synOptions;
    const bo = (who === "client" ? bs.cs : bs.ss).synOptions;
    if (go && bo && JSON.stringify(go) !== JSON.stringify(bo)) {
      out.push({
        ...base,
        summary: "",
        kind: "handshake-options",
        score: 30,
        good: { side: who, ...go },
        bad: { side: who, ...bo },
        frames: [
          frames(goodFile, [g.handshake.synFrames[0], g.handshake.synAckFrames[0]]),
          frames(badFile, [b.handshake.synFrames[0], b.handshake.synAckFrames[0]]),
        ],
      });
    }
  }
  // Bytes carried.
  const gb = gs.cs.payloadBytes + gs.ss.payloadBytes;
  const bb = bs.cs.payloadBytes + bs.ss.payloadBytes;
  if (gb !== bb && Math.abs(gb - bb) > 0.01 * Math.max(gb, bb)) {
    out.push({
      ...base,
      summary: "",
      kind: "bytes",
      score: 20,
      good: { clientToServer: gs.cs.payloadBytes, serverToClient: gs.ss.payloadBytes },
      bad: { clientToServer: bs.cs.payloadBytes, serverToClient: bs.ss.payloadBytes },
      frames: [frames(goodFile, [gs.cs.lastDataFrame]), frames(badFile, [bs.cs.lastDataFrame])],
    });
  }
  // PSH on the last packets (users notice this one; it is rarely the cause).
  const gp = pushTail(g.close.before);
  const bp = pushTail(b.close.before);
  if (gp !== bp) {
    out.push({
      ...base,
      summary: "",
      kind: "push",
      score: 10,
      good: { pushInLastPackets: gp, lastPackets: g.close.before.length },
      bad: { pushInLastPackets: bp, lastPackets: b.close.before.length },
      frames: [
        frames(
          goodFile,
          g.close.before.map((x) => x.frame),
        ),
        frames(
          badFile,
          b.close.before.map((x) => x.frame),
        ),
      ],
    });
  }
  // Duration.
  if (b.durationSec > 2 * g.durationSec && b.durationSec - g.durationSec > 1) {
    out.push({
      ...base,
      summary: "",
      kind: "duration",
      score: 15,
      good: { durationSec: g.durationSec },
      bad: { durationSec: b.durationSec },
      frames: [frames(goodFile, [g.startFrame, g.endFrame]), frames(badFile, [b.startFrame, b.endFrame])],
    });
  }
  return out;
}

/** Findings in BAD whose id GOOD does not have: leads. */
function findingDifferences(good: CompareSide, bad: CompareSide): Difference[] {
  const goodIds = new Set(good.findings.map((f) => f.id));
  const out: Difference[] = [];
  for (const f of bad.findings) {
    if (f.id === "healthy" || goodIds.has(f.id)) continue;
    out.push({
      summary: "",
      kind: "finding",
      score: f.severity === "error" ? 90 : f.severity === "warning" ? 75 : 35,
      good: { present: false },
      bad: { id: f.id, severity: f.severity, culprit: f.culprit, summary: f.summary },
      frames: [
        { file: good.file, frames: [] },
        { file: bad.file, frames: typeof f.frames[0] === "number" ? (f.frames as number[]) : [] },
      ],
      service: "",
      goodStream: null,
      badStream: f.stream,
    });
  }
  return out;
}

export function compareCaptures(good: CompareSide, bad: CompareSide): CompareResult {
  const pairs = pairConnections(good.connections, bad.connections);
  const diffs: Difference[] = [];
  for (const p of pairs) diffs.push(...pairDifferences(p, good.file, bad.file));
  const found = findingDifferences(good, bad);
  // A finding that only restates a connection-level difference already listed ranks just below it.
  for (const f of found) {
    const same = diffs.find(
      (d) => d.badStream === f.badStream && d.kind === "close" && f.bad.id === "conn.reset",
    );
    if (same) f.score = Math.min(f.score, same.score - 1);
  }
  diffs.push(...found);
  diffs.sort((a, b) => b.score - a.score);
  return {
    version: 1,
    good: good.file,
    bad: bad.file,
    pairs: pairs.map((p) => ({
      service: p.service,
      goodStream: streamOf(p.good),
      badStream: streamOf(p.bad),
      goodUid: p.good?.uid ?? null,
      badUid: p.bad?.uid ?? null,
    })),
    differences: diffs,
  };
}

/** The paired connections a side-by-side ladder shows, and the evidence frames to highlight in each. */
export interface LadderPair {
  /** Index in `differences` of the difference the ladder illustrates. */
  difference: number;
  service: string;
  goodStream: number | null;
  badStream: number | null;
  goodFrames: number[];
  badFrames: number[];
}

/** A LadderPair with the packets of both connections (null: that capture has no such connection). */
export interface CompareLadder extends LadderPair {
  good: ConnectionDetail | null;
  bad: ConnectionDetail | null;
}

/** The pair of connections to draw side by side: that of the most telling difference naming a connection. */
export function ladderPair(r: CompareResult): LadderPair | null {
  const framesIn = (d: Difference, file: string): number[] =>
    d.frames.find((f) => f.file === file)?.frames ?? [];
  const d = r.differences.find((x) => x.goodStream !== null || x.badStream !== null);
  if (!d) return null;
  // A finding names only BAD's stream: its GOOD counterpart is the connection paired with it.
  const pair = r.pairs.find((p) =>
    d.badStream !== null ? p.badStream === d.badStream : p.goodStream === d.goodStream,
  );
  return {
    difference: r.differences.indexOf(d),
    service: d.service || (pair?.service ?? ""),
    goodStream: d.goodStream ?? pair?.goodStream ?? null,
    badStream: d.badStream ?? pair?.badStream ?? null,
    goodFrames: framesIn(d, r.good),
    badFrames: framesIn(d, r.bad),
  };
}
