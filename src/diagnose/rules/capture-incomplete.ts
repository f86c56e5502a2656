/**
 * capture.incomplete — Data was acknowledged that never appears in the capture, and nobody ever
 * retransmitted it: the receiver got it, the capture did not. A capture artefact (a busy capture
 * host, a SPAN port dropping, a filter), not network loss — so it must not be read as path.loss.
 * Gaps before a connection was established (a capture that started mid-connection) do not count.
 */
import type { Finding } from "../../model/finding.js";
import { type DiagnoseContext, endpointText, evidence, finding, streamOf } from "../context.js";

export function captureIncomplete(ctx: DiagnoseContext): Finding[] {
  const out: Finding[] = [];
  let totalBytes = 0;
  const hits: { stream: number; frames: number[]; missed: number; conn: string }[] = [];
  for (const c of ctx.connections) {
    if (c.missedBytes <= 0) continue;
    // Bogus acknowledgements (a SYN-ACK or challenge ACK from another connection) are not capture gaps.
    if (!c.handshake.complete && c.origStats.dataPackets + c.respStats.dataPackets === 0) continue;
    const gapFrames = c.events
      .filter((e) => e.kind === "lost-segment" || e.kind === "ack-lost-segment" || e.kind === "gap")
      .map((e) => e.frame);
    hits.push({
      stream: streamOf(c),
      frames: gapFrames,
      missed: c.missedBytes,
      conn: `${endpointText(c.orig)} ↔ ${endpointText(c.resp)}`,
    });
    totalBytes += c.missedBytes;
  }
  if (hits.length === 0) return out;
  const gaps = hits.reduce((n, h) => n + h.frames.length, 0);
  out.push(
    finding({
      id: "capture.incomplete",
      severity: "info",
      culprit: null,
      stream: hits[0]!.stream,
      frames: evidence(
        hits.flatMap((h) => h.frames),
        Math.max(ctx.options.maxEvidenceFrames, 12),
      ),
      confidence: "high",
      facts: {
        missedBytes: totalBytes,
        connectionsAffected: hits.length,
        gapFrames: gaps,
        streams: hits.map((h) => h.stream),
        firstConnection: hits[0]!.conn,
      },
    }),
  );
  return out;
}
