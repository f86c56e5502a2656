/**
 * The words and the views of `tcpsleuth correlate`: each two-point finding phrased from its facts for
 * a reader new to TCP (what the two captures show side by side, why the device in between is to
 * blame, what to do), the headline, and the terminal and Markdown reports with a side-by-side ladder
 * (capture A on the left, capture B on the right, "—" where a packet has no counterpart).
 * Every capture-derived string goes through cleanText before it reaches a terminal.
 */
import pc from "picocolors";
import type { FactValue, FileFrames, Finding } from "../model/finding.js";
import type {
  CorrelateLadder,
  CorrelateLadderPacket,
  CorrelateLadderRow,
  CorrelationReport,
} from "../compare/correlate/types.js";
import { cleanText } from "../util/html.js";
import { ladderCellText } from "./ladder-cell.js";
import { mdFence, mdText } from "./report-markdown.js";
import {
  FINDING_TITLES,
  formatBytes,
  formatDuration,
  plural,
  sortFindings,
  wrapText,
} from "./report-common.js";

type Facts = Record<string, FactValue>;

function n(f: Facts, k: string): number {
  const v = f[k];
  return typeof v === "number" ? v : 0;
}
function s(f: Facts, k: string): string {
  const v = f[k];
  return v === null || v === undefined ? "?" : String(v);
}
function list(v: FactValue | undefined, max = 8): string {
  if (!Array.isArray(v)) return String(v ?? "");
  const xs = v as (number | string)[];
  return xs.slice(0, max).join(", ") + (xs.length > max ? `, … (${xs.length - max} more)` : "");
}
/** "the device in between (198.18.10.1 / 198.19.20.1)" or "the device between the two capture points". */
function boxName(f: Facts): string {
  const a = f.boxAddresses;
  return Array.isArray(a) && a.length
    ? `the device in between (${(a as string[]).join(" / ")})`
    : "the device between the two capture points";
}
function sidesIntro(f: Facts): string {
  return (
    `${s(f, "fileA")} and ${s(f, "fileB")} were captured at the same time on either side of ${boxName(f)}. ` +
    `tcpsleuth matched every TCP packet of one capture with its copy in the other, although the device may rewrite addresses and ports (NAT), sequence numbers, TTL and IP ID, and the two machines' clocks differ. `
  );
}

type Phrase = (f: Facts) => { summary: string; explanation: string; next: string };

const PHRASES: Partial<Record<Finding["id"], Phrase>> = {
  "middlebox.dropped": (f) => {
    const blocked = n(f, "connectionsBlocked");
    const pure = n(f, "pureAcksOrResets");
    const what =
      blocked > 0 && n(f, "packets") === n(f, "syns")
        ? `${plural(blocked, "connection attempt")} (${plural(n(f, "syns"), "SYN")}) from ${s(f, "sender")} to ${s(f, "receiver")}`
        : `${plural(n(f, "packets"), "packet")} from ${s(f, "sender")} to ${s(f, "receiver")}${n(f, "dataPackets") ? ` (${plural(n(f, "dataPackets"), "data packet")}, ${formatBytes(n(f, "bytes"))})` : ""}`;
    return {
      summary:
        `${what} went into ${boxName(f)} and never came out: they are in ${s(f, "fileSeen")} but not in ${s(f, "fileMissing")}` +
        (n(f, "retransmitted")
          ? `; the sender had to send ${n(f, "retransmitted") === n(f, "packets") ? "every one" : n(f, "retransmitted")} of them again.`
          : "."),
      explanation:
        sidesIntro(f) +
        `A packet that appears on the side it came from (${s(f, "fileSeen")}, frame ${s(f, "firstFrame")}${n(f, "packets") > 1 ? " and the others listed" : ""}) and never on the far side (${s(f, "fileMissing")}) was lost inside the device. ` +
        (n(f, "neverAcknowledged")
          ? `It was not just the capture missing it: the receiver never acknowledged those bytes until a copy got through (${plural(n(f, "neverAcknowledged"), "packet")}), and the sender resent them (frames ${list(f.retransmissionFrames, 6)}). Wireshark marks the resent copies "[TCP Retransmission]" or "[TCP Fast Retransmission]", and on the far side the gap as "[TCP Previous segment not captured]". `
          : "") +
        (pure
          ? `${plural(pure, "of them is a pure acknowledgement or reset", "of them are pure acknowledgements or resets")}: such packets are never resent, so nothing confirms them either way, but they are missing all the same. `
          : "") +
        (blocked
          ? `${plural(blocked, "connection")} never appeared on the far side at all: the device blocked ${blocked === 1 ? "it" : "them"} from the first packet. `
          : "") +
        `Neither endpoint is at fault: the packets vanish inside the device.`,
      next: `Look at ${boxName(f)} at that time: its interface drop and error counters, firewall rules that drop silently, rate limits or policers, connection-tracking drops (packets judged "invalid"), a full queue, MTU problems. If it is a NAT or firewall, its logs for ${s(f, "sender")}.`,
    };
  },
  "middlebox.injected": (f) => {
    const rsts = n(f, "resets");
    const kind =
      rsts === n(f, "packets")
        ? plural(rsts, "reset (RST)", "resets (RST)")
        : plural(n(f, "packets"), "packet");
    const ttl =
      n(f, "ttlInjected") >= 0 && n(f, "ttlReal") >= 0 && n(f, "ttlInjected") !== n(f, "ttlReal")
        ? `They also look different: their TTL is ${n(f, "ttlInjected")}, while the real packets from ${s(f, "claimedSender")} arrive with TTL ${n(f, "ttlReal")}, so another IP stack (the device's) made them. `
        : "";
    const trig =
      Array.isArray(f.triggerFrames) && f.triggerFrames.length
        ? `Each one answers a packet of the other side (frames ${list(f.triggerFrames, 5)} in ${s(f, "fileSeen")}) that itself never reached ${s(f, "fileMissing")}. `
        : "";
    return {
      summary: `${boxName(f)[0]!.toUpperCase()}${boxName(f).slice(1)} forged ${kind} in the name of ${s(f, "claimedSender")}: ${n(f, "packets") === 1 ? "it is" : "they are"} in ${s(f, "fileSeen")} but ${s(f, "claimedSender")} never sent ${n(f, "packets") === 1 ? "it" : "them"} (absent from ${s(f, "fileMissing")}, on its side of the device).`,
      explanation:
        sidesIntro(f) +
        `Every real packet from ${s(f, "claimedSender")} has to cross the device, so it shows up in both captures. ` +
        `These show up only on the far side (${s(f, "fileSeen")}, frames ${list(f.firstFrame)}${n(f, "packets") > 1 ? " and others" : ""}), with ${s(f, "claimedSender")}'s address and port: the device generated them. ${ttl}${trig}` +
        (rsts
          ? `To ${s(f, "receiver")} a RST means "the server aborted the connection", which is not what happened: ${s(f, "claimedSender")} still considers the connection open. Wireshark shows nothing unusual about the RST itself; only the second capture proves it was forged.`
          : `To ${s(f, "receiver")} they look like normal packets from ${s(f, "claimedSender")}.`),
      next: `Check ${boxName(f)}: rules that "reject with tcp reset", connection-tracking state it no longer holds (see middlebox.idle-timeout), an intrusion-prevention or proxy feature that answers on behalf of servers. Its logs at the time of frame ${s(f, "firstFrame")} of ${s(f, "fileSeen")} should show the rule that fired.`,
    };
  },
  "middlebox.idle-timeout": (f) => {
    const ending = s(f, "ending");
    const idle = formatDuration(n(f, "idleSec"));
    return {
      summary:
        `${boxName(f)[0]!.toUpperCase()}${boxName(f).slice(1)} dropped the connection ${s(f, "sender")} → ${s(f, "receiver")} from its table after ${idle} without traffic: the next packet (frame ${s(f, "firstBlockedFrame")} of ${s(f, "fileSeen")}) never reached ${s(f, "fileMissing")}` +
        (ending === "reset"
          ? ` and the device answered it with a forged reset (frame ${s(f, "firstInjectedFrame")}).`
          : ending === "injected"
            ? ` and the device answered it itself (frame ${s(f, "firstInjectedFrame")}).`
            : `; nothing ever got through again.`),
      explanation:
        sidesIntro(f) +
        `Firewalls and NAT devices keep a table of open connections and forget an entry that has been idle longer than a timeout. ` +
        `Up to the pause, packets crossed normally (the last one: frame ${s(f, "lastBeforeFrame")} of ${s(f, "fileSeen")}${f.otherLastBeforeFrame !== null ? `, frame ${s(f, "otherLastBeforeFrame")} of ${s(f, "fileMissing")}` : ""}). ` +
        `Then nothing was sent for ${idle}. The first packet after the pause ${ending === "silence" ? "and every retry after it" : `and the ${plural(n(f, "blockedPackets") - 1, "packet")} after it`} stopped at the device: ${s(f, "fileMissing")} shows none of them. ` +
        (ending === "reset"
          ? `Instead the device sent back ${plural(n(f, "injectedResets"), "RST")} in the name of ${s(f, "receiver")}, so ${s(f, "sender")} believes the other end aborted the connection, while ${s(f, "receiver")} never sent a reset and still holds the connection open. `
          : ending === "silence"
            ? `Nothing came back, so ${s(f, "sender")} keeps retransmitting until it gives up, while ${s(f, "receiver")} never hears of it. `
            : "") +
        `The device's idle timeout is shorter than ${idle}${n(f, "survivedIdleSec") >= 1 ? ` and longer than the ${formatDuration(n(f, "survivedIdleSec"))} pause it let through earlier in this connection` : ""}. Neither endpoint is at fault.`,
      next: `Either raise the device's idle (established-connection) timeout for this traffic above the longest pause the application makes (for Linux conntrack: net.netfilter.nf_conntrack_tcp_timeout_established), or have the endpoints send TCP keep-alives more often than the timeout (e.g. SO_KEEPALIVE with a keep-alive time of a minute), or make the application close idle connections and reconnect.`,
    };
  },
  "capture.incomplete": (f) => ({
    summary: `${s(f, "fileMissing")} missed ${plural(n(f, "packets"), "packet")} that did cross the device: the other end acknowledged them (or its stream continues past them), so the capture, not the network, lost them.`,
    explanation:
      sidesIntro(f) +
      `These packets are in ${s(f, "fileSeen")} but not in ${s(f, "fileMissing")}, yet the receiver's acknowledgements in ${s(f, "fileMissing")} cover their bytes before any copy was resent: they arrived. The capturing machine (or a mirror port) dropped them. This is not a network fault.`,
    next: `Treat the absence of single packets in ${s(f, "fileMissing")} with care. For a better capture: a capture filter, a bigger buffer (dumpcap -B), a less loaded machine or a network tap.`,
  }),
  healthy: (f) => ({
    summary: `Nothing went missing between the two captures: all ${plural(n(f, "packetsBothSides"), "packet")} of ${plural(n(f, "connectionsPaired"), "connection")} that crossed the device appear on both sides, and the device added none.`,
    explanation: `${s(f, "fileA")} and ${s(f, "fileB")} were matched packet by packet. tcpsleuth checked ${list(f.checked)}. The device between the two capture points passed everything it received.`,
    next: `If users still see a problem, look at the endpoints (run tcpsleuth diagnose on each capture), or capture at a point further along the path.`,
  }),
};

/** Fills summary, explanation and next of every finding and the report's headline (in place). */
export function phraseCorrelateReport(r: CorrelationReport): CorrelationReport {
  for (const f of r.findings) {
    const p = PHRASES[f.id];
    if (!p) continue;
    const w = p(f.facts);
    f.summary = w.summary;
    f.explanation = w.explanation;
    f.next = w.next;
  }
  r.headline = correlateHeadline(r);
  return r;
}

export function correlateHeadline(r: CorrelationReport): string {
  if (r.mapping.length === 0) {
    return `No connection could be matched between ${r.files[0].file} and ${r.files[1].file}: they were not captured at the same time, or not on the same traffic.`;
  }
  const problems = sortFindings(r.findings.filter((f) => f.id !== "healthy" && f.severity !== "info"));
  const top = problems[0];
  if (!top) {
    const h = r.findings.find((f) => f.id === "healthy");
    const notes = r.findings.filter((f) => f.id !== "healthy");
    return `Healthy: ${h?.summary ?? ""}${notes.length ? ` Note: ${notes.map((f) => f.summary).join(" ")}` : ""}`;
  }
  return `${top.summary}${top.culprit ? ` At fault: the device in between (${r.box.addresses.join(" / ") || top.culprit}).` : ""}`;
}

// ------------------------------------------------------------------------ terminal and Markdown

export interface CorrelateTextOptions {
  color: boolean;
  width?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

function framesLine(f: Finding, max = 12): string[] {
  if (!(f.frames.length && typeof f.frames[0] === "object"))
    return [`frames ${(f.frames as number[]).join(", ")}`];
  return (f.frames as FileFrames[]).map((ff) => {
    const xs = ff.frames;
    const t = xs.length
      ? xs.slice(0, max).join(", ") + (xs.length > max ? ` (+${xs.length - max} more)` : "")
      : "none (absent there)";
    return `${cleanText(ff.file)}: ${t}`;
  });
}

function fmtSec(x: number | null): string {
  return x === null ? "?" : formatDuration(x);
}

export function renderCorrelateText(r: CorrelationReport, opts: CorrelateTextOptions): string {
  const c = pc.createColors(opts.color);
  const width = Math.max(70, opts.width ?? 100);
  const out: string[] = [];
  const tone =
    r.verdict === "healthy"
      ? (x: string) => c.bold(c.bgGreen(c.black(x)))
      : r.verdict === "error"
        ? (x: string) => c.bold(c.bgRed(c.white(x)))
        : r.verdict === "warning"
          ? (x: string) => c.bold(c.bgYellow(c.black(x)))
          : (x: string) => c.bold(c.bgBlue(c.white(x)));
  const label =
    r.verdict === "healthy"
      ? " ✔ HEALTHY "
      : r.verdict === "info"
        ? " i NOTHING TO COMPARE "
        : " ✖ PROBLEM FOUND ";
  const head = wrapText(cleanText(r.headline), width - label.length - 2);
  out.push(`${tone(label)}  ${c.bold(head[0] ?? "")}`);
  for (const l of head.slice(1)) out.push(`${" ".repeat(label.length + 2)}${c.bold(l)}`);
  out.push("");
  out.push(
    `  ${c.dim("A")} ${cleanText(r.files[0].file)}: ${r.files[0].tcpPackets} TCP packets   ${c.dim("B")} ${cleanText(r.files[1].file)}: ${r.files[1].tcpPackets} TCP packets`,
  );
  out.push(
    `  ${r.packets.bothSides} seen on both sides, ${r.packets.onlyA} only in A, ${r.packets.onlyB} only in B; ${plural(r.mapping.length, "connection")} paired`,
  );
  if (r.clockOffsetSec !== null) {
    out.push(
      `  clock of B − clock of A: ${formatOffset(r.clockOffsetSec)} (${r.clockOffset.method}, ${r.clockOffset.samples} packets); transit through the box: median ${fmtSec(r.transitDelay.aToB.medianSec)} A→B, ${fmtSec(r.transitDelay.bToA.medianSec)} B→A`,
    );
  }
  if (r.box.addresses.length)
    out.push(
      `  the device in between: ${cleanText(r.box.addresses.join(" / "))}${r.box.nat ? " (it translates addresses: NAT)" : ""}`,
    );
  const findings = sortFindings(r.findings.filter((f) => f.id !== "healthy"));
  findings.forEach((f, i) => {
    out.push("", c.dim("─".repeat(width)));
    const sev =
      f.severity === "error"
        ? c.red("error")
        : f.severity === "warning"
          ? c.yellow("warning")
          : c.blue("note");
    out.push(`${c.bold(`${i + 1}/${findings.length}  ${FINDING_TITLES[f.id]}`)}  ${sev}  ${c.dim(f.id)}`);
    if (f.culprit)
      out.push(
        `  At fault: ${c.bold(cleanText(r.box.addresses.join(" / ") || f.culprit))} (the device between the captures)`,
      );
    out.push(`  Stream (tcp.stream in ${cleanText(r.files[0].file)}): ${f.stream ?? "—"}`);
    out.push("  Evidence:");
    for (const l of framesLine(f)) out.push(`    ${l}`);
    out.push("");
    for (const l of wrapText(cleanText(f.summary), width - 2)) out.push(`  ${c.bold(l)}`);
    out.push("");
    for (const l of wrapText(cleanText(f.explanation), width - 2)) out.push(`  ${l}`);
    out.push("");
    const next = wrapText(cleanText(f.next), width - 8);
    out.push(`  ${c.green("Next:")} ${next[0] ?? ""}`);
    for (const l of next.slice(1)) out.push(`        ${l}`);
    const idx = r.findings.indexOf(f);
    const ladder = r.details.find((d) => d.finding === idx);
    if (ladder) {
      out.push("");
      out.push(...renderCorrelateLadder(r, ladder, { color: opts.color, width, indent: "  " }));
    }
  });
  if (findings.length === 0) {
    const h = r.findings.find((f) => f.id === "healthy");
    if (h) {
      out.push("");
      for (const l of wrapText(cleanText(h.explanation), width - 2)) out.push(`  ${l}`);
      out.push("", ...wrapText(cleanText(h.next), width - 2).map((l) => `  ${l}`));
    }
  }
  out.push("", c.dim("─".repeat(width)), c.bold("What was checked"));
  for (const item of r.checked) out.push(`  ${c.green("✓")} ${cleanText(item)}`);
  return `${out.join("\n")}\n`;
}

function formatOffset(x: number): string {
  const sign = x < 0 ? "−" : "+";
  return `${sign}${formatDuration(Math.abs(x))}`;
}

function cell(p: CorrelateLadderPacket | null, width: number): string {
  return p ? ladderCellText({ ...p, toServer: p.dir === "c2s" }, width) : "—";
}

/** Side-by-side ladder: A's packet left, B's right, one row per packet, ">>" marks evidence. */
export function renderCorrelateLadder(
  r: CorrelationReport,
  l: CorrelateLadder,
  opts: { color: boolean; width?: number; indent?: string },
): string[] {
  const c = pc.createColors(opts.color);
  const width = Math.max(70, opts.width ?? 100);
  const indent = opts.indent ?? "";
  const col = Math.floor((width - indent.length - 3 - 3) / 2);
  const pad = (x: string, w: number): string => (x.length >= w ? x : x + " ".repeat(w - x.length));
  const out: string[] = [];
  const hdr = (a: string, b: string): string => `${indent}   ${pad(cleanText(a), col)} │ ${cleanText(b)}`;
  out.push(c.bold(hdr(`A: ${r.files[0].file}`, `B: ${r.files[1].file}`)));
  out.push(
    c.dim(
      hdr(
        l.clientA ? `${l.clientA} → ${l.serverA}` : "(no such connection)",
        l.clientB ? `${l.clientB} → ${l.serverB}` : "(no such connection)",
      ),
    ),
  );
  if (l.omittedBefore) out.push(c.dim(`${indent}   … ${plural(l.omittedBefore, "earlier packet")}`));
  for (const row of l.rows) {
    if (row.skippedBefore) out.push(c.dim(`${indent}   … ${plural(row.skippedBefore, "packet")} later …`));
    if (row.gapBeforeSec !== undefined)
      out.push(c.dim(`${indent}   ··· ${formatDuration(row.gapBeforeSec)} with no packet ···`));
    out.push(ladderLine(row, col, indent, c));
  }
  if (l.omittedAfter) out.push(c.dim(`${indent}   … ${plural(l.omittedAfter, "later packet")}`));
  return out;
}

function ladderLine(row: CorrelateLadderRow, col: number, indent: string, c: Colors): string {
  const mark = row.evidence ? ">> " : "   ";
  const left = cell(row.a, col);
  const right = cell(row.b, col);
  const note =
    row.transitSec !== null
      ? c.dim(` (${formatDuration(row.transitSec)})`)
      : row.status !== "crossed"
        ? ` ${row.status === "injected" ? c.red(row.status) : row.status === "dropped" || row.status === "blocked-after-idle" ? c.yellow(row.status) : c.dim(row.status)}`
        : "";
  const paint = row.evidence ? (x: string) => c.bold(x) : (x: string) => x;
  const remark = row.note ? ` ${c.cyan(`(${row.note})`)}` : "";
  const l = left + " ".repeat(Math.max(0, col - left.length));
  return `${indent}${paint(mark)}${paint(l)} │ ${paint(right)}${note}${remark}`;
}

/** The correlation as Markdown, for a ticket. */
export function renderCorrelateMarkdown(r: CorrelationReport): string {
  const out: string[] = [];
  out.push(`# tcpsleuth correlate: ${mdText(r.files[0].file)} ↔ ${mdText(r.files[1].file)}`, "");
  out.push(`**Verdict: ${r.verdict.toUpperCase()}** — ${mdText(r.headline)}`, "");
  out.push("| | A | B |", "| --- | --- | --- |");
  out.push(`| file | ${mdText(r.files[0].file)} | ${mdText(r.files[1].file)} |`);
  out.push(`| TCP packets | ${r.files[0].tcpPackets} | ${r.files[1].tcpPackets} |`);
  out.push(`| seen on this side only | ${r.packets.onlyA} | ${r.packets.onlyB} |`, "");
  out.push(`- packets seen on both sides: ${r.packets.bothSides}; connections paired: ${r.mapping.length}`);
  if (r.clockOffsetSec !== null)
    out.push(
      `- clock of B − clock of A: ${formatOffset(r.clockOffsetSec)} (${r.clockOffset.method}, ${r.clockOffset.samples} packets)`,
    );
  out.push(
    `- transit through the box (median): A→B ${fmtSec(r.transitDelay.aToB.medianSec)}, B→A ${fmtSec(r.transitDelay.bToA.medianSec)}`,
  );
  if (r.box.addresses.length)
    out.push(`- the device in between: ${mdText(r.box.addresses.join(" / "))}${r.box.nat ? " (NAT)" : ""}`);
  const findings = sortFindings(r.findings);
  for (const f of findings) {
    out.push("", `## ${FINDING_TITLES[f.id]} (\`${f.id}\`, ${f.severity})`, "");
    out.push(mdText(f.summary), "");
    if (f.culprit)
      out.push(
        `- **At fault:** ${mdText(r.box.addresses.join(" / ") || f.culprit)} (the device between the captures)`,
      );
    if (f.stream !== null) out.push(`- **Stream** (tcp.stream in ${mdText(r.files[0].file)}): ${f.stream}`);
    for (const l of framesLine(f)) out.push(`- **Evidence** ${mdText(l)}`);
    out.push("", mdText(f.explanation), "", `**Next:** ${mdText(f.next)}`);
    const idx = r.findings.indexOf(f);
    const ladder = r.details.find((d) => d.finding === idx);
    if (ladder)
      out.push("", mdFence(renderCorrelateLadder(r, ladder, { color: false, width: 110 }).join("\n")));
  }
  return `${out.join("\n")}\n`;
}
