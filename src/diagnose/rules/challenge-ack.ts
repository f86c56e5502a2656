/**
 * handshake.challenge-ack — A SYN is answered not by a SYN-ACK but by a plain ACK whose numbers belong
 * to an older connection on the same address/port pair (RFC 5961 §4 challenge ACK, or a stale state
 * table). The responder believes the old connection is still open. The client's stack answers the
 * ACK with a RST (which should clear the old state) and retries the SYN.
 */
import type { Finding } from "../../model/finding.js";
import {
  type DiagnoseContext,
  endpointText,
  eventsBySender,
  evidence,
  finding,
  firstAfter,
  round,
  side,
  streamOf,
  synAnswers,
} from "../context.js";

export function challengeAck(ctx: DiagnoseContext): Finding[] {
  const groups = eventsBySender(ctx, "ack-to-syn");
  const out: Finding[] = [];
  for (const [responder, hits] of groups) {
    const { c, e, clientDir, syn, resets } = synAnswers(hits);
    const reply = firstAfter(
      c,
      e.frame,
      (x) => x.dir === clientDir && (x.kind === "rst" || x.kind === "syn-retransmit" || x.kind === "syn"),
    );
    const tuples = new Set(hits.map((h) => `${endpointText(h.c.orig)}-${endpointText(h.c.resp)}`));
    const recovered = [...tuples].every((t) =>
      ctx.connections.some(
        (x) =>
          `${endpointText(x.orig)}-${endpointText(x.resp)}` === t && x.handshake.complete && x.uid > c.uid,
      ),
    );
    out.push(
      finding({
        id: "handshake.challenge-ack",
        severity: recovered ? "warning" : "error",
        culprit: responder,
        stream: streamOf(c),
        frames: evidence(
          [syn?.frame, e.frame, reply?.frame, ...hits.slice(1).map((h) => h.e.frame)],
          ctx.options.maxEvidenceFrames,
        ),
        confidence: "high",
        facts: {
          client: endpointText(side(c, clientDir)),
          responder,
          challengeAcks: hits.length,
          connectionsAffected: tuples.size,
          ackOffset: e.value ?? null,
          clientResets: resets,
          clientResetSeen: resets > 0,
          recovered,
          delaySec: syn ? round(e.ts - syn.ts, 6) : null,
          streams: [...new Set(hits.map((h) => streamOf(h.c)))],
        },
      }),
    );
  }
  return out;
}
