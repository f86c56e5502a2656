/**
 * Which findings of a report made from pasted text are weaker for it, and why. The text reader lists
 * what the text could not carry; this adds, for each finding the report makes, what that means for it.
 */
import type { Finding } from "../model/finding.js";
import type { TextInputInfo } from "../model/report.js";

type Why = (t: TextInputInfo) => string | null;

const ABSENCE = "rests on packets that are not there; a filtered or partial paste may just not show them (check the full capture before acting)";

const WEAKER: Record<string, Why> = {
  "handshake.no-response": () => `handshake.no-response ${ABSENCE}.`,
  "data.receiver-silent": () => `data.receiver-silent ${ABSENCE}.`,
  "capture.incomplete": () =>
    "capture.incomplete: the missing data may be lines that were not copied rather than packets the capture missed.",
  "path.loss": () =>
    "path.loss counts retransmissions among the pasted lines only; lines left out change the count, and the sender of a loss cannot be placed without the whole capture.",
  "handshake.synack-bad-ack": (t) =>
    t.numbering === "relative"
      ? "handshake.synack-bad-ack assumes relative 0 is the client's initial sequence number (Wireshark's default); with absolute numbers or the SYN in the text this is certain."
      : null,
  "handshake.challenge-ack": (t) =>
    t.numbering === "relative"
      ? "handshake.challenge-ack: relative numbers hide whether the ACK carries the old connection's numbers; only that it does not acknowledge the new SYN is certain."
      : null,
  "conn.stale-half-open": () =>
    "conn.stale-half-open: that the old connection was never closed is judged from the pasted lines; a FIN or RST outside them would change that.",
  "conn.port-reuse": () =>
    "conn.port-reuse: how the earlier connection on the same ports ended may lie in lines that were not pasted.",
  "conn.reset": () =>
    "conn.reset: the text says who sent the RST, but without IP IDs and TTLs it cannot show whether a device in between forged it.",
  "flow.zero-window": (t) =>
    t.format === "tcpdump"
      ? "flow.zero-window: durations come from the printed times; tcpdump hides the probes' sequence numbers, so probes look like plain ACKs."
      : null,
  healthy: () => "healthy: only the pasted lines were checked; other connections and other times are not in them.",
};

/** The reader's textInput with the caveats for this report's findings added. */
export function textInputFor(t: TextInputInfo, findings: readonly Finding[]): TextInputInfo {
  const extra: string[] = [];
  for (const id of new Set(findings.map((f) => f.id as string))) {
    const why = (WEAKER[id] ?? (id.startsWith("middlebox.") ? () => `${id} needs IP IDs and TTLs, which text does not carry.` : undefined))?.(t);
    if (why) extra.push(`Weaker from text: ${why}`);
  }
  return { ...t, caveats: [...extra, ...t.caveats] };
}
