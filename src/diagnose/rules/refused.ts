/**
 * handshake.refused — A SYN is answered by a RST: nothing listens on that port, or a device in
 * between rejects the connection on the server's behalf. Reported once per refusing endpoint.
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

export function refused(ctx: DiagnoseContext): Finding[] {
  const byServer = new Map<string, ConnectionRecord[]>();
  for (const c of ctx.connections) {
    if (c.connState !== "REJ") continue;
    // Zeek also says REJ when the SYN-ACK's receiver resets it (a capture that starts after the SYN):
    // then the server accepted, and it was the client that refused a SYN-ACK.
    if (!c.events.some((e) => e.kind === "rst" && e.dir !== c.client)) continue;
    const key = endpointText(serverOf(c));
    const g = listFor(byServer, key);
    g.push(c);
  }
  const out: Finding[] = [];
  for (const [server, conns] of byServer) {
    const pairs = conns.map((c) => {
      const syn = c.events.find((e) => e.kind === "syn" && e.dir === c.client);
      const rst = c.events.find((e) => e.kind === "rst" && e.dir !== c.client);
      return { syn, rst };
    });
    const delays = pairs.filter((p) => p.syn && p.rst).map((p) => round(p.rst!.ts - p.syn!.ts, 6));
    const later = ctx.connections.some((x) => endpointText(serverOf(x)) === server && x.handshake.complete);
    out.push(
      finding({
        id: "handshake.refused",
        severity: later ? "warning" : "error",
        culprit: server,
        stream: streamOf(conns[0]!),
        frames: evidence(
          [pairs[0]!.syn?.frame, pairs[0]!.rst?.frame, ...pairs.slice(1).flatMap((p) => [p.rst?.frame])],
          ctx.options.maxEvidenceFrames,
        ),
        confidence: "high",
        facts: {
          server,
          clients: [...new Set(conns.map((c) => endpointText(clientOf(c))))],
          refusals: conns.length,
          rstDelaySec: delays,
          someConnectionsSucceeded: later,
          streams: [...new Set(conns.map(streamOf))],
        },
      }),
    );
  }
  return out;
}
