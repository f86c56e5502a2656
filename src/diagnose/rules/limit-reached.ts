/**
 * analysis.limit-reached — A bounded table filled up (unacked segments per flow, open connections,
 * evidence per connection). Analysis went on, but some detail was not kept: say so, never silently.
 */
import type { Finding } from "../../model/finding.js";
import { type DiagnoseContext, finding } from "../context.js";

export function limitReached(ctx: DiagnoseContext): Finding[] {
  const c = ctx.capture;
  if (c.unackedCapHits === 0 && c.connectionsEvicted === 0) return [];
  return [
    finding({
      id: "analysis.limit-reached",
      severity: "info",
      culprit: null,
      stream: null,
      frames: [],
      confidence: "high",
      facts: {
        unackedSegmentsNotTracked: c.unackedCapHits,
        connectionsEvicted: c.connectionsEvicted,
        evidenceEventsDropped: c.eventsDropped,
      },
    }),
  ];
}
