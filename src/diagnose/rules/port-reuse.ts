/**
 * conn.port-reuse — A client opens a new connection (a new ISN) from a source port whose previous
 * connection to the same server was not cleanly finished on both sides, so the server may still hold
 * it; or it draws its ports from a tiny range (LPD's 721–731) fast enough to collide. A retried SYN
 * with the same ISN is a retransmission, not reuse.
 */
import { listFor } from "../../util/collections.js";
import type { Finding } from "../../model/finding.js";
import type { ConnectionRecord } from "../../tcp/connection/types.js";
import {
  clientOf,
  type DiagnoseContext,
  endpointText,
  evidence,
  finding,
  round,
  serverOf,
  streamOf,
} from "../context.js";

export function portReuse(ctx: DiagnoseContext): Finding[] {
  const byUid = new Map<number, ConnectionRecord>(ctx.connections.map((c) => [c.uid, c]));
  const groups = new Map<string, { c: ConnectionRecord; prev: ConnectionRecord }[]>();
  for (const c of ctx.connections) {
    const link = c.previous;
    // A retried SYN (same ISN) is a retransmission; only a new ISN is a new connection on the same ports.
    if (link?.sameIsn !== false) continue;
    const prev = byUid.get(link.uid);
    if (!prev || prev.connState === "SF") continue;
    // The previous connection was refused or failed in its handshake: nothing to collide with.
    if (prev.connState === "REJ" || prev.connState === "S0" || prev.connState === "RSTOS0") continue;
    const key = `${clientOf(c).address}|${endpointText(serverOf(c))}`;
    const g = listFor(groups, key);
    g.push({ c, prev });
  }
  const out: Finding[] = [];
  for (const [key, hits] of groups) {
    const [clientIp, server] = key.split("|") as [string, string];
    const all = ctx.connections.filter(
      (x) => clientOf(x).address === clientIp && endpointText(serverOf(x)) === server,
    );
    const ports = [...new Set(all.map((x) => clientOf(x).port))].sort((a, b) => a - b);
    const { c } = hits[0]!;
    const reply = c.events.find(
      (e) => e.dir !== c.client && (e.kind === "ack-to-syn" || e.kind === "synack" || e.kind === "rst"),
    );
    const clientRst = c.events.find((e) => e.dir === c.client && e.kind === "rst");
    const smallRange =
      ports.length <= ctx.options.portReuseSmallRangeMax && all.length >= ctx.options.portReuseMinConnections;
    out.push(
      finding({
        id: "conn.port-reuse",
        severity: "warning",
        culprit: clientIp,
        stream: streamOf(c),
        frames: evidence(
          [
            c.handshake.synFrames[0],
            reply?.frame,
            clientRst?.frame,
            ...hits.slice(1).map((h) => h.c.handshake.synFrames[0]),
          ],
          ctx.options.maxEvidenceFrames,
        ),
        confidence: "high",
        facts: {
          client: clientIp,
          server,
          reusedConnections: hits.length,
          connectionsToServer: all.length,
          distinctSourcePorts: ports.length,
          portRange: ports.length ? [ports[0]!, ports[ports.length - 1]!] : [],
          smallPortRange: smallRange,
          previousStates: [...new Set(hits.map((h) => h.prev.connState))],
          shortestGapSec: round(Math.min(...hits.map((h) => h.c.startTs - h.prev.endTs))),
          streams: [...new Set(hits.map((h) => streamOf(h.c)))],
        },
      }),
    );
  }
  return out;
}
