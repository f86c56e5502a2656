/**
 * What a report made from text must say about the text: every assumption the rebuild made and every
 * kind of evidence the text does not carry, in words for the person who pasted it. (Which of the
 * report's findings are weaker for it is added by the pipeline, which knows the findings.)
 */
import type { Addresses, Ports, TextFamily } from "./text-model.js";
import type { Numbering, RebuildNotes } from "./text-rebuild.js";

export interface CaveatInput {
  family: TextFamily;
  numbering: Numbering;
  notes: RebuildNotes;
  timeNote: string | undefined;
  /** Wireshark No. of every packet line (undefined where not shown). */
  numbers: (number | undefined)[];
  tcpCount: number;
  hasIpInfo: boolean;
  addrs: Addresses;
  ports: Ports;
}

function list(m: ReadonlyMap<string, number | string>, max = 6): string {
  const items = [...m.entries()].map(([k, v]) => `${k} = ${v}`);
  return items.slice(0, max).join(", ") + (items.length > max ? `, and ${items.length - max} more` : "");
}

export function textCaveats(x: CaveatInput): string[] {
  const out: string[] = [];
  const n = x.notes;
  if (x.family === "wireshark") {
    if (x.numbering === "relative") {
      out.push(
        "Sequence numbers in the text are relative (Wireshark's default), so the real initial sequence numbers (ISNs) are unknown: each side's relative 0 is taken to be its ISN, and the report's raw numbers are the relative ones" +
          (n.reusedConversations > 0 ? " (connections that reuse a port pair got made-up bases of their own)." : "."),
      );
      if (n.hinted > 0)
        out.push(
          `${n.hinted} SYN-ACK(s) were judged by their relative Ack: a SYN-ACK must acknowledge the client's ISN + 1, i.e. relative Ack=1; this assumes the client's relative 0 is its SYN, as Wireshark counts when it saw that SYN.`,
        );
    } else if (x.numbering === "unknown") {
      out.push("The text does not show whether sequence numbers are relative or absolute: they were taken as printed.");
    }
  } else {
    if (x.numbering === "relative")
      out.push(
        "tcpdump printed relative numbers after each connection's first packet: they were turned back into absolute numbers the way tcpdump computed them" +
          (n.preexisting > 0 ? `; ${n.preexisting} connection(s) began before the text, so their numbers stay relative to an unknown start.` : "."),
      );
    out.push(
      "tcpdump prints no sequence number on a pure ACK: it was taken as the sender's next sequence number, so keep-alives and zero-window probes (which repeat an older byte) look like plain ACKs.",
      "tcpdump prints no frame numbers: the order of packet lines is used, which is Wireshark's numbering only if the text lists every packet of the capture.",
    );
  }
  const numbered = x.numbers.filter((v): v is number => v !== undefined);
  if (numbered.length > 0) {
    // A loop, not Math.min(...list): a long text has more numbers than a call may take arguments.
    let lo = numbered[0]!;
    let hi = lo;
    for (const v of numbered) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const missing = hi - lo + 1 - new Set(numbered).size;
    if (missing > 0)
      out.push(
        `Frames ${lo} to ${hi} are numbered, but ${missing} of them are not in the text (filtered out or not copied): whatever happened in them, in this connection or others, is unknown.`,
      );
    else if (lo > 1) out.push(`The text starts at frame ${lo}: what happened before it is unknown.`);
  }
  if (n.appLines.size > 0)
    out.push(
      `${[...n.appLines.values()].reduce((a, b) => a + b, 0)} row(s) showed an application protocol instead of TCP details (${list(n.appLines)}): their ports, flags, sequence numbers and payload lengths were inferred from the connection and the frame length.`,
    );
  if (n.windowsUnscaled > 0)
    out.push("Wireshark shows windows multiplied by the window scale of the handshake: they were divided back to the raw field.");
  if (n.windowsClamped > 0)
    out.push(`${n.windowsClamped} window(s) above 65535 without their handshake in the text were capped at 65535.`);
  out.push(
    x.hasIpInfo
      ? "Payload bytes are not in the text (zeros stand in for them)."
      : "Text carries no IP IDs or TTLs and no payload bytes, so a packet forged by a device in between (an injected RST) cannot be recognised by them.",
  );
  if (x.timeNote) out.push(`${x.timeNote[0]!.toUpperCase()}${x.timeNote.slice(1)}.`);
  if (x.addrs.placeholders.size > 0)
    out.push(`Host names stand in for addresses in the text; they were given placeholder addresses: ${list(x.addrs.placeholders)}.`);
  if (x.ports.named.size > 0) out.push(`Port names were read as numbers: ${list(x.ports.named)}.`);
  if (x.ports.unknown.size > 0)
    out.push(`Port names not in tcpsleuth's table got placeholder numbers: ${list(x.ports.unknown)}.`);
  if (n.tagged > 0)
    out.push(
      `Wireshark's bracketed notes (on ${n.tagged} line(s)) are kept as frame comments only: tcpsleuth analyses the lines itself, and can differ where Wireshark saw packets the text does not have.`,
    );
  return out;
}
