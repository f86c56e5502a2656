/**
 * The words of each finding, phrased from its facts: a one-sentence summary with the key numbers,
 * an explanation for a reader new to TCP (what the packets show, what Wireshark's tags on them mean
 * here, why the blame lands where it does) and the next step. Rules compute; this file speaks.
 */
import type { FactValue, Finding } from "../model/finding.js";

type Facts = Record<string, FactValue>;

function n(f: Facts, k: string): number {
  const v = f[k];
  return typeof v === "number" ? v : 0;
}
function s(f: Facts, k: string): string {
  const v = f[k];
  return v === null || v === undefined ? "?" : String(v);
}
function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
function secs(x: number): string {
  if (x < 0.001) return `${Math.round(x * 1e6)} µs`;
  if (x < 1) return `${(x * 1000).toFixed(x < 0.01 ? 2 : 0)} ms`;
  return `${x < 10 ? x.toFixed(2) : x.toFixed(1)} s`;
}
function list(v: FactValue | undefined): string {
  return Array.isArray(v) ? (v as (number | string)[]).join(", ") : String(v ?? "");
}
function framesText(f: Finding): string {
  const fr = f.frames;
  if (fr.length === 0) return "";
  if (typeof fr[0] === "number") return `frames ${(fr as number[]).join(", ")}`;
  return (fr as { file: string; frames: number[] }[])
    .map((x) => `${x.file}: ${x.frames.join(", ") || "none"}`)
    .join("; ");
}

type Phrase = (f: Facts, x: Finding) => { summary: string; explanation: string; next: string };

const PHRASES: Record<string, Phrase> = {
  "handshake.synack-bad-ack": (f) => ({
    summary: `${s(f, "responder")} answered ${plural(n(f, "badSynAcks"), "connection attempt")} from ${s(f, "client")} with a SYN-ACK that acknowledges the wrong number (Ack ${s(f, "gotAck")} instead of ${s(f, "expectedAck")}), so the client reset ${n(f, "clientResets") === 1 ? "it" : "each one"}${f.recovered ? "; a later attempt got through" : " and never got connected"}.`,
    explanation:
      `To open a connection, the client sends a SYN carrying its starting sequence number (ISN). A working server must answer with a SYN-ACK that acknowledges exactly ISN + 1. ` +
      `Here the SYN-ACK acknowledges ${s(f, "gotAck")}, ${Math.abs(n(f, "ackOffset"))} ${n(f, "ackOffset") < 0 ? "below" : "above"} the ${s(f, "expectedAck")} the client expects` +
      `${f.sameOffsetEveryTime && n(f, "badSynAcks") > 1 ? ", and it does so every time, with the same wrong number" : ""}. ` +
      (list(f.wiresharkFlags).includes("ack_lost_segment")
        ? `Wireshark marks that SYN-ACK "[TCP ACKed unseen segment]", which makes it look as if packets were lost; they were not. `
        : `Wireshark 4 shows no warning on that SYN-ACK (a relative "Ack=" far from 1 is the only hint; older versions, or a Wireshark that saw an earlier SYN, mark it "[TCP ACKed unseen segment]", which reads like lost packets but is not), and may later call the repeats "[TCP Retransmission]". `) +
      `The server's TCP stack is answering as if this were some other, older connection it still remembers (or its TCP implementation is faulty). ` +
      `The client's stack does the right thing: it rejects the SYN-ACK with a RST and tries again. The fault is on ${s(f, "responder")}, not the client or the network.`,
    next: `Report this to the vendor of ${s(f, "responder")} with these frames: its TCP stack answers new connections with the acknowledgement number of another connection. Until it is fixed, power-cycling the device clears its state; check for a firmware update, and check whether anything (a print server, a monitoring probe) keeps connections to it half-open.`,
  }),
  "handshake.challenge-ack": (f) => ({
    summary: `${s(f, "responder")} answered ${n(f, "challengeAcks") === 1 ? "a new connection attempt" : `new connection attempts ${n(f, "challengeAcks")} times`} from ${s(f, "client")} with a plain ACK belonging to an older connection (a challenge ACK) instead of a SYN-ACK${f.recovered ? "; the client got through after resetting" : ""}.`,
    explanation:
      `The client sent a SYN to open a new connection from a source port it had used before. Instead of a SYN-ACK, ${s(f, "responder")} sent back an ordinary ACK whose numbers continue the previous connection on the same ports (acknowledgement ${s(f, "ackOffset")} bytes away from what this SYN needs). ` +
      `That is how a TCP stack reacts (RFC 5961 "challenge ACK") when it believes the old connection is still open: it asks the sender to prove who it is. ` +
      `Wireshark shows no warning at all on that ACK, or a misleading "ACKed unseen segment". ` +
      `${f.clientResetSeen ? "The client answers with a RST, which should clear the stale state, and retries." : "No RST from the client appears in this capture, so the server never learns the old connection is gone and keeps answering the same way."} ` +
      `The server still holding a connection the client has forgotten is the root of the problem.`,
    next: `Find out why ${s(f, "responder")} keeps the old connection: the client may have vanished without closing it (reboot, crash, NAT or firewall dropping the FIN/RST), or the server closes connections late. Look at how the previous connection on the same ports ended (see conn.stale-half-open / conn.port-reuse), and whether a firewall between them drops RSTs.`,
  }),
  "conn.stale-half-open": (f) => ({
    summary: `${s(f, "responder")} still held the older connection (stream ${s(f, "oldStream")}) from ${s(f, "client")}, idle for ${secs(n(f, "quietBeforeNewSynSec"))} and never closed, and answered the new SYN for it (frame ${s(f, "challengeAckFrame")}).`,
    explanation:
      `The earlier connection on the same addresses and ports went quiet at frame ${s(f, "oldLastFrame")} without a FIN or RST on the wire: one side simply stopped. ` +
      `${s(f, "responder")} kept it in its table as open ("half-open"), so when the client came back from the same port with a new connection, the server answered for the old one. ` +
      `Nothing in the network is at fault; the old connection was never torn down.`,
    next: `Check why the client stopped without closing (rebooted, crashed, or a device between them dropped the close). On ${s(f, "responder")}, shorter keep-alive or idle timeouts would clear such connections sooner.`,
  }),
  "handshake.no-response": (f) => ({
    summary: `${s(f, "server")} never answered: ${plural(n(f, "syns"), "SYN")} from ${list(f.clients)} over ${secs(n(f, "attemptsSec"))} got no SYN-ACK, no RST, nothing.`,
    explanation:
      `To open a connection the client sends a SYN and waits for a SYN-ACK (port open) or a RST (port closed). Neither came back. ` +
      `The client retried after ${list(f.retryIntervalsSec)} seconds (each operating system has its own schedule) and then gave up. ` +
      `Wireshark marks the repeats as "[TCP Retransmission]". ` +
      `${f.captureSeesReplies ? "Other connections in this capture do show replies, so the capture can see traffic coming back: the SYNs went unanswered." : "No connection in this capture shows any reply traffic at all: the capture may only see one direction, so check that first."}`,
    next: `Check that ${s(f, "server")} is up and reachable (ping it, check its address), that the service listens on that port, and that no firewall between them silently drops the SYNs. A capture on the server side shows whether the SYNs arrive.`,
  }),
  "handshake.refused": (f) => ({
    summary: `${s(f, "server")} refused ${plural(n(f, "refusals"), "connection attempt")}: ${n(f, "refusals") === 1 ? "the SYN was" : "each SYN was"} answered by a RST${f.someConnectionsSucceeded ? " (other attempts did connect)" : ""}.`,
    explanation:
      `The client sent a SYN and got a RST back, within ${list(f.rstDelaySec)} s. That is a clear "no": nothing listens on that port at that moment, the service refuses new connections (for example while it is busy or restarting), or a firewall rejects them on the server's behalf. ` +
      `The network delivered both packets; this is a decision of the host (or of a device answering for it).`,
    next: `Check that the service on ${s(f, "server")} is running and listening on that port, and whether it limits concurrent connections. If a firewall sits in between, compare with a capture taken next to the server.`,
  }),
  "conn.port-reuse": (f) => ({
    summary: `${s(f, "client")} reused source ports for ${plural(n(f, "reusedConnections"), "new connection")} to ${s(f, "server")} while the previous connection on the same port was not cleanly finished${f.smallPortRange ? ` (only ${n(f, "distinctSourcePorts")} ports, ${list(f.portRange)}, for ${n(f, "connectionsToServer")} connections)` : ""}.`,
    explanation:
      `Each TCP connection is identified by both addresses and both ports. ${s(f, "client")} opened a new connection from a port whose previous connection to ${s(f, "server")} had not been closed on both sides (${list(f.previousStates)}), as little as ${secs(n(f, "shortestGapSec"))} earlier. ` +
      `The server may still hold that old connection and then cannot accept the new one (Wireshark: "[TCP Port numbers reused]"). ` +
      `${f.smallPortRange ? "The client takes its source ports from a very small range (as the LPD protocol requires: ports 721-731), so ports come round again quickly." : ""}`,
    next: `Let connections close completely before a port is used again: on the client, use a wider source-port range or raw port 9100 printing instead of LPD; on the server, close finished connections promptly.`,
  }),
  "data.receiver-silent": (f) => ({
    summary: `${s(f, "receiver")} stopped responding: after frame ${s(f, "receiverLastFrame")} it sent nothing for ${secs(n(f, "silentForSec"))} while ${s(f, "sender")} retransmitted ${plural(n(f, "retransmissions"), "time")}${f.endedBy === "receiver-reset" ? `, then it reset the connection (frame ${s(f, "endFrame")})` : f.endedBy === "sender-reset" ? ", then the sender gave up with a reset" : ""}.`,
    explanation:
      `Every piece of data must be acknowledged by the receiver. ${s(f, "sender")} sent data and got no acknowledgement, so it sent the same data again, waiting longer each time (${list(f.retryIntervalsSec)} s between tries). ` +
      `Wireshark shows these as "[TCP Retransmission]", which suggests a network problem; but not one packet of any kind came back from ${s(f, "receiver")} during that time. ` +
      `${f.endedBy === "receiver-reset" ? `Then ${s(f, "receiver")} itself sent a RST, so it was alive but its TCP/application side had stopped handling this connection.` : "A receiver that goes completely silent is hung, overloaded, or has lost the connection."} The fault lies with ${s(f, "receiver")}.`,
    next: `Look at ${s(f, "receiver")}: its logs, memory and job queue at that time, its firmware. If the capture was taken next to the sender, a capture next to the receiver would rule out a device in between dropping its packets.`,
  }),
  "conn.reset": (f) => {
    const phase = String(f.phase);
    const when =
      phase === "right-after-data"
        ? `${secs(n(f, "afterLastDataSec"))} after the last data, instead of closing with FIN`
        : phase === "after-silence"
          ? "after the other side had stopped responding"
          : phase === "during-close"
            ? "while the connection was being closed"
            : phase === "before-any-data"
              ? "before any data was exchanged"
              : `${secs(n(f, "afterLastDataSec"))} after the last data`;
    return {
      summary:
        n(f, "connections") > 1
          ? `${n(f, "connections")} connections were reset by the ${s(f, "resetByRole")} ${when.replace(/^[0-9.]+ [µm]?s after/, "after")}${n(f, "distinctResetters") > 1 ? ` (${n(f, "distinctResetters")} different ${s(f, "resetByRole")}s)` : ""}; the first: ${s(f, "resetBy")}, frame ${s(f, "rstFrame")}.`
          : `${s(f, "resetBy")} (the ${s(f, "resetByRole")}) reset the connection ${when} (frame ${s(f, "rstFrame")}).`,
      explanation:
        `A normal TCP connection ends with both sides sending FIN ("I am done"). A RST instead aborts it at once, and whatever the other side had not yet processed may be thrown away. ` +
        `Here ${s(f, "resetBy")} sent the RST ${when}. ` +
        (phase === "right-after-data"
          ? `All data had been acknowledged, so it may have arrived, but the receiving application sees an abort rather than a clean end; printers often discard such a job. This is typical of a sending program that closes its socket with "linger 0" or exits at once.`
          : phase === "after-silence"
            ? "It comes after a period in which the other side stopped answering (see data.receiver-silent)."
            : "Wireshark shows no warning for the RST itself."),
      next:
        phase === "right-after-data"
          ? `Check the program or driver on ${s(f, "resetBy")} that sends the data: it should close the connection normally (shutdown, then close) and not abort it. Compare with a capture of a job that works.`
          : `Find out why ${s(f, "resetBy")} aborted the connection at that point: application logs around the time of frame ${s(f, "rstFrame")}.`,
    };
  },
  "flow.zero-window": (f) => ({
    summary: `${s(f, "receiver")} told the sender to stop (zero window) ${
      n(f, "periods") === 1
        ? `for ${secs(n(f, "totalSec"))}`
        : `${n(f, "periods")} times, for ${secs(n(f, "totalSec"))} in all (longest ${secs(n(f, "longestSec"))})`
    }${f.recovered ? ", then resumed" : " and never resumed"}.`,
    explanation:
      `A receiver advertises how much data it can still accept (its window). A window of 0 means its buffer is full because the application on ${s(f, "receiver")} is not reading the data. ` +
      `The sender must wait, checking now and then with small probe packets (${plural(n(f, "probes"), "probe")} here; Wireshark calls them "[TCP ZeroWindowProbe]" or "[TCP Keep-Alive]", and the answers "[TCP ZeroWindow]"). ` +
      `${f.recovered ? `At frame ${s(f, "reopenFrame")} the window opened again and the transfer went on.` : "The window never opened again in this capture."} The network is fine; the receiving application is slow or stuck.`,
    next: `Look at what ${s(f, "receiver")} was doing at that time: a printer waiting for paper or finishing a page, a full disk, a busy or hung application. Zero windows are normal flow control when short; long ones mean the receiver cannot keep up.`,
  }),
  "path.loss": (f) => ({
    summary:
      n(f, "connectionsAffected") > 1
        ? `Packets were lost on the path in ${n(f, "connectionsAffected")} of ${n(f, "connectionsTotal")} connections: ${plural(n(f, "lossSignalsAllConnections"), "retransmission")} in all (${s(f, "lossRateAllAffectedPct")} % of their data packets); the worst connection lost ${s(f, "worstLossRatePct")} %.`
        : `Packets were lost on the path: ${plural(n(f, "lossSignals"), "retransmission")} (worst direction ${s(f, "worstLossRatePct")} % of data packets) over ${secs(n(f, "connectionSec"))}.`,
    explanation:
      `When a packet is lost, the receiver keeps acknowledging the last byte it got (Wireshark: "[TCP Dup ACK]") and the sender sends the missing data again ("[TCP Retransmission]", "[TCP Fast Retransmission]"). ` +
      `Per direction: ${(f.directions as string[])
        .map((d) => {
          const x = JSON.parse(d) as Record<string, unknown>;
          return `${x.from} → ${x.to}: ${x.retransmissions} retransmitted of ${x.dataPackets} data packets, ${x.dupAcksFromReceiver} duplicate ACKs${x.lostAfterCapturePoint ? " (the capture saw the originals, so they were lost after the capture point)" : ""}${x.lostBeforeCapturePoint ? " (holes in the capture later filled by retransmissions: lost before the capture point)" : ""}`;
        })
        .join("; ")}. ` +
      `${f.sackInUse ? "Both sides use selective acknowledgements (SACK), which limits the damage." : ""}`,
    next: `Find the lossy link: check interface error and drop counters on the switches and routers on the path, duplex mismatches, Wi-Fi quality, and congested uplinks. Captures at both ends tell which segment loses them.`,
  }),
  "capture.incomplete": (f) => ({
    summary: `The capture missed packets: ${plural(n(f, "missedBytes"), "byte")} were acknowledged by the receiver but never appear in the capture, and nobody retransmitted them.`,
    explanation:
      `Wireshark shows "[TCP Previous segment not captured]" and "[TCP ACKed unseen segment]" here, which looks like loss. But the receiver acknowledged the missing data, so it did arrive; and the sender never sent it again. ` +
      `The packets passed the network and were just not recorded: the capturing machine or the mirror (SPAN) port dropped them. This is not a network fault.`,
    next: `Treat conclusions about loss in this capture with care. For a better capture: capture on a less loaded machine, with a capture filter, a bigger buffer (dumpcap -B), or from a network tap instead of a SPAN port.`,
  }),
  "middlebox.suspicious-packet": (f) => ({
    summary: `${plural(n(f, "resets"), "reset (RST)", "resets (RST)")} ${n(f, "resets") === 1 ? "arrives" : "arrive"} with IP TTL ${s(f, "ttl")}, while ${f.claimedSender ?? "its sender"} sent all its other ${n(f, "usualPackets")} packets with TTL ${s(f, "usualTtl")}: possibly forged by a device in between.`,
    explanation:
      `Every IP packet carries a TTL ("time to live") that each router on the way lowers by one. A host starts all its packets with the same TTL and they take the same path, so within one connection they all arrive with the same value. ` +
      `This RST arrives with a TTL ${Math.abs(n(f, "hopsDifference"))} ${Math.abs(n(f, "hopsDifference")) === 1 ? "hop" : "hops"} ${n(f, "hopsDifference") > 0 ? "closer to the capture point" : "further away"} than the rest of the traffic that claims to come from the same address. ` +
      `Firewalls, NAT routers and intrusion-prevention systems send such resets in the name of a server when they drop a connection (for example after an idle timeout). This is a hint from one capture, not proof.`,
    next: `Capture on the other side of the firewall or router at the same time and run \`tcpsleuth correlate OUTSIDE INSIDE\`: a RST that exists only on one side was made by the device. Check the device's connection-tracking idle timeout.`,
  }),
  "analysis.limit-reached": (f) => ({
    summary: `Some analysis detail was capped: ${n(f, "unackedSegmentsNotTracked")} segments not tracked, ${n(f, "connectionsEvicted")} connections evicted, ${n(f, "evidenceEventsDropped")} evidence events dropped.`,
    explanation: `tcpsleuth keeps its memory bounded. When a table fills up, it keeps analysing but with less detail, and says so here.`,
    next: `Raise the limits if the detail matters, or split the capture (editcap -c) and analyse the parts.`,
  }),
  healthy: (f) => ({
    summary: `No problem found in ${plural(n(f, "connections"), "TCP connection")} (${plural(n(f, "tcpPackets"), "TCP packet")}).`,
    explanation: `tcpsleuth checked ${list(f.checked)}. Everything looked normal. Wireshark may still colour some packets (window updates, for example); those are not faults.`,
    next: `If users still see a problem, capture again while it happens, as close to the affected device as possible.`,
  }),
};

/** Fills summary, explanation and next of each finding from its facts (in place, and returns it). */
export function phraseFindings(findings: Finding[]): Finding[] {
  for (const f of findings) {
    const p = PHRASES[f.id];
    if (!p) {
      f.summary = f.summary || `${f.id} (${framesText(f)})`;
      continue;
    }
    const w = p(f.facts, f);
    f.summary = w.summary;
    f.explanation = w.explanation;
    f.next = w.next;
  }
  return findings;
}

/** One line for the top of a report. */
export function headline(findings: Finding[]): string {
  const top = findings[0];
  if (!top) return "No TCP traffic found.";
  if (top.id === "healthy") {
    const notes = findings.filter((f) => f.id !== "healthy");
    const noted = notes.length ? ` Note: ${notes.map((f) => f.summary).join(" ")}` : "";
    return `Healthy: ${top.summary}${noted}`;
  }
  return `${top.summary}${top.culprit ? ` At fault: ${top.culprit}.` : ""}`;
}
