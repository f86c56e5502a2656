/**
 * conn.reset — An established connection ends with a RST instead of a FIN exchange. Says who reset,
 * at what point (right after the last data was acknowledged, in the middle of a transfer, after
 * waiting in vain for an ACK, after an idle time), and what came just before. Handshake rejections
 * are the handshake findings' business, not this one's.
 */
import type { Finding } from "../../model/finding.js";
import {
  type DiagnoseContext,
  endpointText,
  evidence,
  finding,
  other,
  round,
  side,
  streamOf,
} from "../context.js";
import { silentRuns } from "./receiver-silent.js";

/**
 * Resets of the same kind (the same side resetting at the same point) are one finding with a
 * count: a capture of a hundred identical aborted jobs tells one story, not a hundred.
 */
export function reset(ctx: DiagnoseContext): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of resetPerConnection(ctx)) {
    const key = `${f.facts.resetByRole}|${f.facts.phase}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    const f = g[0]!;
    if (g.length > 1) {
      const resetters = new Set(g.map((x) => x.culprit));
      f.facts = {
        ...f.facts,
        connections: g.length,
        distinctResetters: resetters.size,
        streams: g.map((x) => x.stream ?? -1).slice(0, 50),
      };
      (f.frames as number[]).push(...g.slice(1, 6).map((x) => (x.frames as number[]).at(-1)!));
    }
    out.push(f);
  }
  return out;
}

function resetPerConnection(ctx: DiagnoseContext): Finding[] {
  const out: Finding[] = [];
  for (const c of ctx.connections) {
    const cl = c.close;
    if (cl.kind !== "rst" || cl.by === null || cl.frame === null) continue;
    const established = c.handshake.complete || (c.origStats.dataPackets > 0 && c.respStats.dataPackets > 0);
    if (!established) continue;
    // A RST after both sides already sent FIN is the tail of a normal close, not a reset.
    const finsBefore = [cl.origFinFrame, cl.respFinFrame].filter((f) => f !== null && f < cl.frame!).length;
    if (finsBefore === 2) continue;
    const resetter = side(c, cl.by);
    const silent = silentRuns(c, ctx.options.silentMinRetransmissions, ctx.options.silentMinSec).some(
      (r) => r.c === c,
    );
    const sinceData = cl.afterLastDataSec;
    const phase = silent
      ? "after-silence"
      : finsBefore === 1
        ? "during-close"
        : sinceData !== null && sinceData <= ctx.options.resetRightAfterDataSec
          ? "right-after-data"
          : sinceData === null
            ? "before-any-data"
            : "after-idle";
    const before = cl.before.map((p) => p.frame);
    out.push(
      finding({
        id: "conn.reset",
        severity: phase === "during-close" ? "info" : "warning",
        culprit: endpointText(resetter),
        stream: streamOf(c),
        frames: evidence([...before.slice(-2), cl.frame], ctx.options.maxEvidenceFrames),
        confidence: "high",
        facts: {
          resetBy: endpointText(resetter),
          resetByRole: cl.by === c.client ? "client" : "server",
          peer: endpointText(side(c, other(cl.by))),
          server: endpointText(cl.by === c.client ? side(c, other(cl.by)) : resetter),
          phase,
          afterLastDataSec: sinceData === null ? null : round(sinceData, 6),
          lastDataBy: cl.lastDataBy === null ? null : endpointText(side(c, cl.lastDataBy)),
          rstFrame: cl.frame,
          bytesClientToServer: (c.client === "orig" ? c.origStats : c.respStats).payloadBytes,
          bytesServerToClient: (c.client === "orig" ? c.respStats : c.origStats).payloadBytes,
          finBefore: finsBefore === 1,
        },
      }),
    );
  }
  return out;
}
