/**
 * handshake.synack-bad-ack — A SYN is answered by a SYN-ACK whose acknowledgement number is not the
 * client's ISN + 1. A correct stack can only acknowledge the SYN it received, so the responder is
 * answering for some other (stale) connection or is simply buggy; the client rightly resets.
 * Wireshark only says "ACKed unseen segment" on that SYN-ACK, which reads like packet loss.
 */
import type { Finding } from "../../model/finding.js";
import type { ConnectionEvent, ConnectionRecord } from "../../tcp/connection/types.js";
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

interface Hit {
  c: ConnectionRecord;
  e: ConnectionEvent;
}

export function synAckBadAck(ctx: DiagnoseContext): Finding[] {
  const groups: Map<string, Hit[]> = eventsBySender(ctx, "bad-synack");
  const out: Finding[] = [];
  for (const [responder, hits] of groups) {
    const { c, e, clientDir, syn, resets } = synAnswers(hits);
    const rst = firstAfter(c, e.frame, (x) => x.kind === "rst" && x.dir === clientDir);
    const conns = [...new Set(hits.map((h) => h.c))];
    const offsets = [...new Set(hits.map((h) => h.e.value ?? 0))];
    const isn = c.handshake.origIsn;
    const expected = isn === null ? null : (isn + 1) >>> 0;
    const got = expected === null ? null : (expected + (e.value ?? 0)) >>> 0;
    // Did any later attempt on the same client/server pair get through?
    const recovered = ctx.connections.some(
      (x) => x.uid > c.uid && x.handshake.complete && endpointText(side(x, e.dir)) === responder,
    );
    const first = hits[0]!.e.ts;
    const last = hits[hits.length - 1]!.e.ts;
    out.push(
      finding({
        id: "handshake.synack-bad-ack",
        severity: recovered ? "warning" : "error",
        culprit: responder,
        stream: streamOf(c),
        frames: evidence(
          [syn?.frame, e.frame, rst?.frame, ...hits.slice(1).map((h) => h.e.frame)],
          ctx.options.maxEvidenceFrames,
        ),
        confidence: "high",
        facts: {
          client: endpointText(side(c, clientDir)),
          responder,
          badSynAcks: hits.length,
          attempts: conns.reduce((n, x) => n + x.handshake.synCount, 0),
          expectedAck: expected,
          gotAck: got,
          ackOffset: e.value ?? null,
          wiresharkFlags: e.ws ?? [],
          sameOffsetEveryTime: offsets.length === 1,
          clientResets: resets,
          spanSec: round(last - first),
          recovered,
          streams: [...new Set(conns.map(streamOf))],
        },
      }),
    );
  }
  return out;
}
