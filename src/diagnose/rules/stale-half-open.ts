/**
 * conn.stale-half-open — The responder still holds an older connection on the same address/port pair
 * that was never closed (no FIN or RST on the wire), and answers a new SYN for it with a challenge
 * ACK. Points at the older connection: where it went quiet, and who vanished.
 */
import type { Finding } from "../../model/finding.js";
import type { ConnectionRecord } from "../../tcp/connection/types.js";
import { type DiagnoseContext, endpointText, evidence, finding, round, side, streamOf } from "../context.js";

export function staleHalfOpen(ctx: DiagnoseContext): Finding[] {
  const byUid = new Map<number, ConnectionRecord>(ctx.connections.map((c) => [c.uid, c]));
  const out: Finding[] = [];
  const seen = new Set<number>();
  for (const c of ctx.connections) {
    const prev = c.previous ? byUid.get(c.previous.uid) : undefined;
    if (!prev || seen.has(prev.uid)) continue;
    // The old connection must have been left open: no FIN, no RST from either side.
    if (prev.close.kind !== "none") continue;
    // ...and it must have been a real connection (established), not an earlier unanswered attempt.
    const established =
      prev.handshake.complete || (prev.origStats.dataPackets > 0 && prev.respStats.dataPackets > 0);
    if (!established) continue;
    const challenge = c.events.find((e) => e.kind === "ack-to-syn");
    if (!challenge) continue;
    seen.add(prev.uid);
    const responder = side(c, challenge.dir);
    const oldClient = challenge.dir === "orig" ? prev.resp : prev.orig;
    const lastClientData =
      challenge.dir === "orig" ? prev.respStats.lastDataFrame : prev.origStats.lastDataFrame;
    out.push(
      finding({
        id: "conn.stale-half-open",
        severity: "warning",
        culprit: endpointText(responder),
        stream: streamOf(prev),
        frames: evidence([lastClientData, prev.endFrame, challenge.frame], ctx.options.maxEvidenceFrames),
        confidence: "high",
        facts: {
          responder: endpointText(responder),
          client: endpointText(oldClient),
          oldStream: streamOf(prev),
          newStream: streamOf(c),
          oldLastFrame: prev.endFrame,
          quietBeforeNewSynSec: round(c.startTs - prev.endTs),
          oldState: prev.connState,
          challengeAckFrame: challenge.frame,
        },
      }),
    );
  }
  return out;
}
