/**
 * path.loss — Retransmissions and duplicate ACKs consistent with packets lost on the path. Gives the
 * loss rate per direction and the time it cost. Where the capture sits matters: a retransmission whose
 * original the capture saw was lost after the capture point; a hole the capture saw filled later by a
 * retransmission was lost before it. Holes never filled are the capture's fault (capture.incomplete),
 * and retransmissions into a silent receiver are data.receiver-silent, not loss.
 */
import type { Finding } from "../../model/finding.js";
import type { Direction } from "../../tcp/connection/types.js";
import {
  type DiagnoseContext,
  endpointText,
  eventsOf,
  evidence,
  finding,
  other,
  round,
  side,
  streamOf,
} from "../context.js";
import { silentRuns } from "./receiver-silent.js";

interface LossCandidate {
  finding: Finding;
  worst: number;
  signals: number;
  dataPackets: number;
}

/**
 * One finding for the whole capture: loss is a property of the path, and a busy capture would
 * otherwise list it once per connection. The worst connection gives the stream and the evidence.
 */
export function pathLoss(ctx: DiagnoseContext): Finding[] {
  const cands = lossPerConnection(ctx);
  if (cands.length === 0) return [];
  cands.sort((a, b) => b.signals - a.signals || b.worst - a.worst);
  const top = cands[0]!;
  if (cands.length === 1) return [top.finding];
  const signals = cands.reduce((n, c) => n + c.signals, 0);
  const data = cands.reduce((n, c) => n + c.dataPackets, 0);
  const f = top.finding;
  f.severity = cands.some((c) => c.finding.severity === "warning") ? "warning" : "info";
  f.facts = {
    ...f.facts,
    connectionsAffected: cands.length,
    connectionsTotal: ctx.connections.length,
    lossSignalsAllConnections: signals,
    lossRateAllAffectedPct: round((signals / Math.max(1, data)) * 100, 2),
    worstStreams: cands.slice(0, 5).map((c) => c.finding.stream ?? -1),
  };
  return [f];
}

function lossPerConnection(ctx: DiagnoseContext): LossCandidate[] {
  const out: LossCandidate[] = [];
  const o = ctx.options;
  for (const c of ctx.connections) {
    const silent = new Set(
      silentRuns(c, o.silentMinRetransmissions, o.silentMinSec).flatMap((r) => r.retrans.map((e) => e.frame)),
    );
    const perDir: Record<string, unknown>[] = [];
    const frames: number[] = [];
    let signals = 0;
    let worst = 0;
    for (const d of ["orig", "resp"] as Direction[]) {
      const st = d === "orig" ? c.origStats : c.respStats;
      const peer = d === "orig" ? c.respStats : c.origStats;
      if (st.dataPackets === 0) continue;
      // Data retransmissions only: a repeated FIN or SYN says more about the peer than about the path.
      const retrans = c.events.filter(
        (e) =>
          e.dir === d &&
          e.len > 0 &&
          !silent.has(e.frame) &&
          (e.kind === "retransmission" || (e.ws?.includes("retransmission") ?? false)),
      );
      // Retransmissions (of data or of a FIN) into a silent receiver.
      const silentHere = c.events.filter((e) => e.dir === d && silent.has(e.frame)).length;
      const retransTotal = st.retransmittedPackets;
      const retransCount = Math.max(0, retransTotal - silentHere);
      // Holes the capture saw that were filled later: lost between the sender and the capture point.
      const filledHoles = st.gapBytes > 0 ? 0 : st.lostSegments;
      const lossSignals = retransCount + filledHoles;
      if (lossSignals < o.lossMinRetransmissions && peer.dupAcks < o.lossMinDupAcks) continue;
      if (lossSignals === 0) continue; // duplicate ACKs alone can be reordering
      signals += lossSignals;
      const rate = lossSignals / st.dataPackets;
      worst = Math.max(worst, rate);
      const dupAcks = eventsOf(c, "dup-ack").filter((e) => e.dir !== d);
      frames.push(...dupAcks.slice(0, 2).map((e) => e.frame), ...retrans.slice(0, 1).map((e) => e.frame));
      if (retrans.length > 1) frames.push(retrans[retrans.length - 1]!.frame);
      perDir.push({
        from: endpointText(side(c, d)),
        to: endpointText(side(c, other(d))),
        dataPackets: st.dataPackets,
        retransmissions: retransCount,
        fastRetransmissions: st.wsFastRetransmissions,
        holesFilledLater: filledHoles,
        dupAcksFromReceiver: peer.dupAcks,
        lossRatePct: round(rate * 100, 2),
        lostAfterCapturePoint: retransCount - filledHoles > 0,
        lostBeforeCapturePoint: filledHoles > 0,
      });
    }
    if (perDir.length === 0) continue;
    out.push({
      worst,
      signals,
      dataPackets: c.origStats.dataPackets + c.respStats.dataPackets,
      finding: finding({
        id: "path.loss",
        severity: worst >= 0.01 ? "warning" : "info",
        culprit: null,
        stream: streamOf(c),
        frames: evidence(frames, o.maxEvidenceFrames),
        confidence: "medium",
        facts: {
          directions: perDir.map((p) => JSON.stringify(p)),
          lossSignals: signals,
          worstLossRatePct: round(worst * 100, 2),
          sackInUse: Boolean(c.origStats.synOptions?.sackPermitted && c.respStats.synOptions?.sackPermitted),
          connectionSec: round(c.durationSec),
        },
      }),
    });
  }
  return out;
}
