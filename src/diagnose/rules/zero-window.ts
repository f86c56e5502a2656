/**
 * flow.zero-window — A receiver advertises a zero window: its buffer is full because the application
 * is not reading. The sender can only probe. Measures how long, how often, the probes, and whether
 * and when it recovered. Brief zero windows are normal flow control and stay below the threshold.
 */
import type { Finding } from "../../model/finding.js";
import type { Direction } from "../../tcp/connection/types.js";
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

export function zeroWindow(ctx: DiagnoseContext): Finding[] {
  const out: Finding[] = [];
  for (const c of ctx.connections) {
    for (const d of ["orig", "resp"] as Direction[]) {
      const st = d === "orig" ? c.origStats : c.respStats;
      if (st.zeroWindowPeriods === 0 || st.longestZeroWindowSec < ctx.options.zeroWindowMinSec) continue;
      const zw = c.events.filter((e) => e.dir === d && e.kind === "zero-window");
      const opens = c.events.filter((e) => e.dir === d && e.kind === "window-open");
      const probes = c.events.filter(
        (e) => e.dir !== d && (e.kind === "zero-window-probe" || e.kind === "keep-alive"),
      );
      const first = zw[0];
      const open = opens.find((e) => !first || e.frame > first.frame);
      const sender = side(c, other(d));
      const completed = c.close.kind === "fin";
      out.push(
        finding({
          id: "flow.zero-window",
          severity: st.zeroWindowAtEnd || !completed ? "error" : "warning",
          culprit: endpointText(side(c, d)),
          stream: streamOf(c),
          frames: evidence(
            [
              first?.frame,
              ...probes.slice(0, 2).map((e) => e.frame),
              open?.frame,
              ...zw.slice(1).map((e) => e.frame),
            ],
            ctx.options.maxEvidenceFrames,
          ),
          confidence: "high",
          facts: {
            receiver: endpointText(side(c, d)),
            sender: endpointText(sender),
            periods: st.zeroWindowPeriods,
            totalSec: round(st.zeroWindowSec),
            longestSec: round(st.longestZeroWindowSec),
            probes:
              (d === "orig" ? c.respStats : c.origStats).zeroWindowProbes +
              (d === "orig" ? c.respStats : c.origStats).keepAlives,
            recovered: !st.zeroWindowAtEnd,
            stillZeroAtEnd: st.zeroWindowAtEnd,
            connectionCompleted: completed,
            firstFrame: first?.frame ?? null,
            reopenFrame: open?.frame ?? null,
          },
        }),
      );
    }
  }
  return out;
}
