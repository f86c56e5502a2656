/**
 * handshake.no-response — A SYN and its retransmissions get no answer at all: no SYN-ACK, no RST, not
 * a single packet back. The host is down, a firewall drops the SYNs, or the address is wrong. Retry
 * timing is reported as measured: stacks differ (Linux 1, 2, 4 s…; Windows 3, 6 s…; printers anything).
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

export function noResponse(ctx: DiagnoseContext): Finding[] {
  const byServer = new Map<string, ConnectionRecord[]>();
  for (const [, conns] of ctx.byStream) {
    // A Wireshark stream whose every connection is a bare attempt: SYNs only, nothing back.
    const bare = conns.every(
      (c) =>
        c.handshake.synCount > 0 &&
        c.handshake.synAckCount === 0 &&
        (c.client === "orig" ? c.respStats : c.origStats).packets === 0,
    );
    if (!bare) continue;
    const key = endpointText(serverOf(conns[0]!));
    const g = listFor(byServer, key);
    g.push(...conns);
  }
  // Does the capture see replies at all? If no connection has packets both ways, it may be one-sided.
  const seesReplies = ctx.connections.some((c) => c.origStats.packets > 0 && c.respStats.packets > 0);
  const captureEnd = Math.max(...ctx.connections.map((c) => c.endTs));
  const out: Finding[] = [];
  for (const [server, conns] of byServer) {
    const synFrames = conns.flatMap((c) => c.handshake.synFrames);
    const synTs = conns.flatMap((c) => c.handshake.synTs);
    const syns = conns.reduce((n, c) => n + c.handshake.synCount, 0);
    const waited = captureEnd - synTs[0]!;
    if (syns < ctx.options.noResponseMinSyns && waited < ctx.options.noResponseMinWaitSec) continue;
    const intervals: number[] = [];
    for (let i = 1; i < synTs.length; i++) intervals.push(round(synTs[i]! - synTs[i - 1]!));
    const clients = [...new Set(conns.map((c) => endpointText(clientOf(c))))];
    out.push(
      finding({
        id: "handshake.no-response",
        severity: "error",
        culprit: server,
        stream: streamOf(conns[0]!),
        frames: evidence(synFrames, ctx.options.maxEvidenceFrames),
        confidence: seesReplies ? "high" : "medium",
        facts: {
          server,
          clients,
          syns,
          attemptsSec: round(synTs[synTs.length - 1]! - synTs[0]!),
          retryIntervalsSec: intervals,
          waitedUntilCaptureEndSec: round(waited),
          captureSeesReplies: seesReplies,
          streams: [...new Set(conns.map(streamOf))],
        },
      }),
    );
  }
  return out;
}
