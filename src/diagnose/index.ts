/**
 * Diagnosis: every rule looks at the finished connections and returns findings with their facts and
 * evidence frames; the most important come first. When nothing of warning or error severity is
 * found, the verdict is `healthy`, with the list of what was checked.
 */
import type { Finding, Severity } from "../model/finding.js";
import type { ConnectionRecord } from "../tcp/connection/types.js";
import { buildContext, type CaptureFacts, finding, type Rule } from "./context.js";
import { type DiagnoseOptions, resolveDiagnoseOptions } from "./options.js";
import { captureIncomplete } from "./rules/capture-incomplete.js";
import { challengeAck } from "./rules/challenge-ack.js";
import { limitReached } from "./rules/limit-reached.js";
import { noResponse } from "./rules/no-response.js";
import { pathLoss } from "./rules/path-loss.js";
import { portReuse } from "./rules/port-reuse.js";
import { receiverSilent } from "./rules/receiver-silent.js";
import { refused } from "./rules/refused.js";
import { reset } from "./rules/reset.js";
import { staleHalfOpen } from "./rules/stale-half-open.js";
import { suspiciousPacket } from "./rules/suspicious-packet.js";
import { synAckBadAck } from "./rules/synack-bad-ack.js";
import { zeroWindow } from "./rules/zero-window.js";

export type { CaptureFacts } from "./context.js";
export { type DiagnoseOptions, DEFAULT_DIAGNOSE_OPTIONS, resolveDiagnoseOptions } from "./options.js";

/** The rules, in the order their findings are listed at equal severity (root causes first). */
const RULES: readonly Rule[] = [
  synAckBadAck,
  challengeAck,
  staleHalfOpen,
  noResponse,
  refused,
  receiverSilent,
  zeroWindow,
  portReuse,
  pathLoss,
  reset,
  captureIncomplete,
  suspiciousPacket,
  limitReached,
];

/** What a clean verdict rests on: every rule that ran, in words a reader can check. */
export const CHECKS: readonly string[] = [
  "every handshake: answered, with the right acknowledgement number, not refused",
  "stale connections and reused ports",
  "receivers that stop acknowledging",
  "zero windows (a receiver that stops reading)",
  "retransmissions and duplicate ACKs (loss on the path)",
  "how every connection ended (FIN or RST)",
  "packets the capture missed",
];

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface DiagnoseResult {
  findings: Finding[];
  verdict: "healthy" | Severity;
}

export function diagnose(
  connections: readonly ConnectionRecord[],
  capture: CaptureFacts,
  options: Partial<DiagnoseOptions> = {},
): DiagnoseResult {
  const ctx = buildContext(connections, capture, resolveDiagnoseOptions(options));
  const found: Finding[] = [];
  for (const rule of RULES) found.push(...rule(ctx));
  // Stable sort: severity first, then the rule order above.
  found.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const serious = found.some((f) => f.severity !== "info");
  if (!serious) {
    found.unshift(
      finding({
        id: "healthy",
        severity: "info",
        culprit: null,
        stream: null,
        frames: [],
        confidence: connections.length > 0 ? "high" : "low",
        facts: {
          connections: connections.length,
          tcpPackets: capture.tcpPackets,
          checked: [...CHECKS],
        },
      }),
    );
  }
  return { findings: found, verdict: serious ? found[0]!.severity : "healthy" };
}
