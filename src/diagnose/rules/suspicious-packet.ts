/**
 * middlebox.suspicious-packet (a hint from one capture) — A RST arrives with a different IP TTL than
 * every other packet its supposed sender sent on that connection. Hosts use one initial TTL and the
 * path length does not change within a connection, so the RST probably did not come from that host:
 * a firewall, NAT or IPS between the capture point and the host may have forged it. Only a capture
 * on the other side of the device proves it (`tcpsleuth correlate`).
 */
import type { Finding } from "../../model/finding.js";
import { type DiagnoseContext, endpointText, evidence, finding, side, streamOf } from "../context.js";

export function suspiciousPacket(ctx: DiagnoseContext): Finding[] {
  const hits = ctx.capture.suspiciousResets;
  if (hits.length === 0) return [];
  const byStream = new Map(ctx.connections.map((c) => [streamOf(c), c]));
  const first = hits[0]!;
  const conn = byStream.get(first.stream);
  const rstEvent = conn?.events.find((e) => e.frame === first.frame);
  const sender = conn && rstEvent ? endpointText(side(conn, rstEvent.dir)) : null;
  return [
    finding({
      id: "middlebox.suspicious-packet",
      severity: "info",
      culprit: null,
      stream: first.stream,
      frames: evidence(
        hits.map((h) => h.frame),
        ctx.options.maxEvidenceFrames,
      ),
      confidence: "low",
      facts: {
        resets: hits.length,
        claimedSender: sender,
        ttl: first.ttl,
        usualTtl: first.usualTtl,
        usualPackets: first.usualCount,
        hopsDifference: first.usualTtl - first.ttl,
        streams: [...new Set(hits.map((h) => h.stream))].slice(0, 20),
      },
    }),
  ];
}
