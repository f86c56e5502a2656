/**
 * data.receiver-silent — A receiver stops acknowledging: the sender retransmits the same data again
 * and again with growing timeouts while not a single packet comes back, until it gives up or a reset
 * ends the connection. Names the silent side (the receiver), not the sender that keeps trying.
 */
import type { Finding } from "../../model/finding.js";
import type { ConnectionEvent, ConnectionRecord, Direction } from "../../tcp/connection/types.js";
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

interface Run {
  c: ConnectionRecord;
  sender: Direction;
  peerLastFrame: number;
  retrans: ConnectionEvent[];
}

/** Runs of retransmissions (data or FIN) by one side during which the other side sent nothing at all. */
export function silentRuns(c: ConnectionRecord, minRetrans: number, minSec: number): Run[] {
  const runs: Run[] = [];
  for (const sender of ["orig", "resp"] as Direction[]) {
    let cur: Run | undefined;
    for (const e of c.events) {
      // Retransmitted FINs count too (they carry peerSilentSec only when they are resent).
      if ((e.kind !== "retransmission" && e.kind !== "fin") || e.dir !== sender || e.peerSilentSec === undefined)
        continue;
      const peerLast = e.value ?? 0;
      if (!cur || cur.peerLastFrame !== peerLast) {
        if (cur) runs.push(cur);
        cur = { c, sender, peerLastFrame: peerLast, retrans: [] };
      }
      cur.retrans.push(e);
    }
    if (cur) runs.push(cur);
  }
  return runs.filter(
    (r) => r.retrans.length >= minRetrans && (r.retrans[r.retrans.length - 1]!.peerSilentSec ?? 0) >= minSec,
  );
}

export function receiverSilent(ctx: DiagnoseContext): Finding[] {
  const out: Finding[] = [];
  for (const c of ctx.connections) {
    for (const run of silentRuns(c, ctx.options.silentMinRetransmissions, ctx.options.silentMinSec)) {
      const receiverDir = other(run.sender);
      const receiver = side(c, receiverDir);
      const last = run.retrans[run.retrans.length - 1]!;
      const first = run.retrans[0]!;
      const silenceStart = first.ts - (first.peerSilentSec ?? 0);
      // What ended the silence: the receiver came back (a RST or an ACK), the sender reset, or nothing.
      const after = c.events.find((e) => e.frame > last.frame && (e.dir === receiverDir || e.kind === "rst"));
      const receiverCameBack = c.endFrame > last.frame && after !== undefined && after.dir === receiverDir;
      const intervals: number[] = [];
      for (let i = 1; i < run.retrans.length; i++)
        intervals.push(round(run.retrans[i]!.ts - run.retrans[i - 1]!.ts));
      const endedBy =
        after?.kind === "rst"
          ? after.dir === receiverDir
            ? "receiver-reset"
            : "sender-reset"
          : receiverCameBack
            ? "receiver-resumed"
            : "capture-end";
      out.push(
        finding({
          id: "data.receiver-silent",
          severity: endedBy === "receiver-resumed" ? "warning" : "error",
          culprit: endpointText(receiver),
          stream: streamOf(c),
          frames: evidence(
            [
              run.peerLastFrame,
              first.frame,
              ...run.retrans.slice(1, -1).map((e) => e.frame),
              last.frame,
              after?.frame,
            ],
            ctx.options.maxEvidenceFrames,
          ),
          confidence: "high",
          facts: {
            receiver: endpointText(receiver),
            sender: endpointText(side(c, run.sender)),
            receiverLastFrame: run.peerLastFrame,
            retransmissions: run.retrans.length,
            retryIntervalsSec: intervals,
            silentForSec: round((after ? after.ts : last.ts) - silenceStart),
            endedBy,
            endFrame: after?.frame ?? null,
          },
        }),
      );
    }
  }
  return out;
}
