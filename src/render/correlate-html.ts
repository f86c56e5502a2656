/**
 * `correlate A B` as one self-contained HTML evidence report, in the page and style of the diagnosis
 * report (html-page.ts): the verdict, the two capture points with the clock offset and how many
 * packets matched, then each finding (dropped, injected, idle timeout) with the device to blame, the
 * explanation, the next step, the evidence frames per file and the connection drawn at both capture
 * points side by side: rows line up in time (B's clock corrected by the offset), and a packet one
 * capture does not have is a dashed, crossed-out arrow in the colour of why it is missing.
 */
import type {
  CorrelateLadder,
  CorrelateLadderPacket,
  CorrelateLadderRow,
  CorrelationReport,
} from "../compare/correlate/types.js";
import type { FileFrames, Finding } from "../model/finding.js";
import type { PacketView } from "../model/report.js";
import { e, renderHtmlPage } from "./html-page.js";
import { type LadderSpec, renderLadderPairSvg, type SvgLadderRow } from "./ladder-svg.js";
import { KIND_COLOR, MUTED } from "./palette.js";
import {
  formatDuration,
  formatEpoch,
  plural,
  sortFindings,
  verdictWords,
} from "./report-common.js";
import {
  captureProblemRows,
  captureRows,
  checkedCard,
  dlRows,
  factsDetails,
  findingCardHead,
  findingOverview,
  healthyCard,
  verdictSection,
} from "./report-html.js";

/** Why a packet is missing from one capture, in the words and colour its dashed arrow gets. */
const ABSENT: Record<string, { here: string; there: string; color: string }> = {
  dropped: {
    here: "not here: dropped by the device",
    there: "lost inside the device",
    color: KIND_COLOR.rst,
  },
  injected: {
    here: "never sent on this side: forged by the device",
    there: "forged by the device",
    color: KIND_COLOR.zerowin,
  },
  "blocked-after-idle": {
    here: "not here: blocked after the idle pause",
    there: "blocked by the device",
    color: KIND_COLOR.rst,
  },
  "missed-by-other-capture": {
    here: "not here: this capture missed it",
    there: "the other capture missed it",
    color: MUTED,
  },
  resegmented: { here: "not here as such: resegmented", there: "resegmented by the device", color: MUTED },
  "not-through-box": {
    here: "not here: did not cross the device",
    there: "did not cross the device",
    color: MUTED,
  },
  "outside-overlap": {
    here: "not here: outside this capture's time",
    there: "outside the other capture's time",
    color: MUTED,
  },
};
const UNKNOWN_ABSENT = { here: "not in this capture", there: "only in this capture", color: MUTED };

export function renderCorrelateHtml(r: CorrelationReport): string {
  const findings = sortFindings(r.findings.filter((f) => f.id !== "healthy"));
  const body = [banner(r, findings), pointsCard(r)];
  findings.forEach((f, i) => {
    body.push(findingCard(r, f, i, findings.length));
  });
  if (findings.length === 0) body.push(healthyCard(r));
  body.push(checkedCard(r));
  const v = verdictWords(r);
  return renderHtmlPage({
    title: `${v.label}: ${r.files[0].file} ↔ ${r.files[1].file}`,
    generator: `${r.tool.name} ${r.tool.version}`,
    body: body.join("\n"),
    footer: `Correlation by ${e(r.tool.name)} ${e(r.tool.version)} (format v${r.version}).`,
    bodyClass: "wide",
  });
}

/** "the device in between (198.18.10.1 / 198.19.20.1)". */
function deviceName(r: CorrelationReport): string {
  return r.box.addresses.length
    ? `the device in between (${r.box.addresses.join(" / ")})`
    : "the device in between";
}

function banner(r: CorrelationReport, findings: Finding[]): string {
  const v = verdictWords(r);
  // "info" here means nothing could be matched, not "notes only".
  const label = r.verdict === "info" ? "NOTHING TO COMPARE" : v.label;
  const meta = [
    `A <span class="mono">${e(r.files[0].file)}</span>`,
    `B <span class="mono">${e(r.files[1].file)}</span>`,
    e(plural(r.mapping.length, "connection") + " paired"),
    r.files[0].firstTs !== null ? e(formatEpoch(r.files[0].firstTs)) : "",
  ].filter(Boolean);
  const list = findingOverview(findings, (f) => (f.culprit ? `at fault: ${deviceName(r)}` : ""));
  return verdictSection(v.tone, `${v.symbol} ${label}`, r.headline, meta, list);
}

function offsetText(x: number): string {
  return `${x < 0 ? "−" : "+"}${formatDuration(Math.abs(x))}`;
}

function pointsCard(r: CorrelationReport): string {
  const only = [r.packets.onlyA, r.packets.onlyB];
  const files = r.files
    .map((f, i) => {
      const rows = [
        ...captureRows(f),
        ["Only in this capture", e(plural(only[i] ?? 0, "TCP packet"))] as [string, string],
        ...captureProblemRows(f),
      ];
      return `<section><h3>${i === 0 ? "A" : "B"}</h3>${dlRows(rows)}</section>`;
    })
    .join("");
  const rows: [string, string][] = [
    [
      "Matched",
      `${r.packets.bothSides} TCP packets seen on both sides; ${e(plural(r.mapping.length, "connection"))} paired`,
    ],
  ];
  if (r.clockOffsetSec !== null)
    rows.push([
      "Clock offset",
      `B's clock − A's clock = <strong>${e(offsetText(r.clockOffsetSec))}</strong> (${e(r.clockOffset.method)}, from ${r.clockOffset.samples} packets: ${e(r.clockOffset.note)})`,
    ]);
  const delay = (d: CorrelationReport["transitDelay"]["aToB"]): string =>
    d.medianSec === null
      ? "no packet"
      : `median ${e(formatDuration(d.medianSec))}, 95% under ${e(formatDuration(d.p95Sec ?? d.medianSec))} (${d.packets} packets)`;
  rows.push(["Transit A → B", delay(r.transitDelay.aToB)], ["Transit B → A", delay(r.transitDelay.bToA)]);
  if (r.box.addresses.length)
    rows.push([
      "The device in between",
      `<span class="mono">${e(r.box.addresses.join(" / "))}</span>${r.box.nat ? " (it translates addresses: NAT)" : ""}`,
    ]);
  const classified = Object.entries(r.packets.classified);
  if (classified.length)
    rows.push(["Seen on one side only", classified.map(([k, n]) => `${n} × ${e(k)}`).join(", ")]);
  return `<section class="card capture" id="capture-points"><h2>The two capture points</h2>
<p class="hint">Both captures were taken at the same time, on either side of the device; every TCP packet of one was matched with its copy in the other, in spite of address, port and sequence-number rewriting.</p>
<div class="two-col">${files}</div><h3>How they match</h3>${dlRows(rows)}</section>`;
}

function framesPerFile(f: Finding): [string, string][] {
  if (!(f.frames.length && typeof f.frames[0] === "object"))
    return [["Evidence frames", e((f.frames as number[]).join(", "))]];
  return (f.frames as FileFrames[]).map((ff) => {
    const xs = ff.frames;
    const list = xs.length
      ? e(xs.slice(0, 30).join(", ") + (xs.length > 30 ? ` (+${xs.length - 30} more)` : ""))
      : "none (absent there)";
    return [`Evidence in <span class="mono">${e(ff.file)}</span>`, list];
  });
}

function findingCard(r: CorrelationReport, f: Finding, i: number, n: number): string {
  const facts: [string, string][] = [];
  if (f.culprit) facts.push(["At fault", `<span class="culprit">${e(deviceName(r))}</span>`]);
  const idx = r.findings.indexOf(f);
  const ladder = r.details.find((d) => d.finding === idx);
  if (ladder)
    facts.push([
      "Connection",
      e(
        `A stream ${ladder.streamA ?? "—"}: ${ladder.clientA || "?"} → ${ladder.serverA || "?"} · B stream ${ladder.streamB ?? "—"}: ${ladder.clientB || "?"} → ${ladder.serverB || "?"}`,
      ),
    ]);
  else if (f.stream !== null) facts.push(["Connection", e(`stream ${f.stream} of ${r.files[0].file}`)]);
  facts.push(...framesPerFile(f), ["Confidence", e(f.confidence)]);
  const parts = findingCardHead(f, i, n, facts);
  if (ladder) {
    parts.push(
      `<h3>The connection at both capture points</h3><p class="hint">A on the left, B on the right, one row per packet in time order (B's times moved onto A's clock). Highlighted rows are the evidence; a dashed, crossed-out arrow is a packet the other capture has and this one does not. Hover a row for its absolute time.</p>`,
      `<div class="scroll fit">${ladderSvg(r, ladder, `ladder-${i + 1}`)}</div>`,
    );
  } else parts.push(`<p class="hint">No ladder for this finding: its packets could not be placed.</p>`);
  parts.push(factsDetails(f), "</section>");
  return parts.join("\n");
}

/** A correlate ladder packet as the SVG ladder's packet ("a" = the connection's client). */
function packetView(p: CorrelateLadderPacket, startTs: number): PacketView {
  return {
    frame: p.frame,
    ts: startTs + p.rel,
    rel: p.rel,
    from: p.dir === "c2s" ? "a" : "b",
    flags: p.flags,
    seq: p.seq,
    ack: p.ack,
    seqRaw: p.seq,
    ackRaw: p.ack,
    len: p.len,
    win: 0,
    tags: "",
  };
}

/** "[ACK] Seq=20001 Ack=1 Len=1448 TTL=63": TTL tells a forged packet from a real one. */
function correlateLabel(ttl: Map<number, number>): (p: PacketView) => string {
  return (p) => {
    const ack = /\bACK\b/.test(p.flags) ? ` Ack=${p.ack}` : "";
    const t = ttl.get(p.frame);
    return `[${p.flags || "<None>"}] Seq=${p.seq}${ack} Len=${p.len}${t !== undefined ? ` TTL=${t}` : ""}`;
  };
}

/**
 * The side-by-side ladder of `r.findings[findingIndex]` as a standalone SVG (the web app shows it as
 * an image), or null when that finding has none.
 */
export function correlateFindingLadderSvg(r: CorrelationReport, findingIndex: number): string | null {
  const ladder = r.details.find((d) => d.finding === findingIndex);
  return ladder ? ladderSvg(r, ladder, `ladder-${findingIndex + 1}`) : null;
}

function ladderSvg(r: CorrelationReport, l: CorrelateLadder, id: string): string {
  const column = (side: "a" | "b"): LadderSpec => {
    const ttl = new Map<number, number>();
    const rows: SvgLadderRow[] = [];
    const gap = (text: string): void => {
      rows.push({ kind: "gap", text });
    };
    if (l.omittedBefore) gap(`⋮ ${plural(l.omittedBefore, "earlier packet")} of this connection`);
    // Time since this capture's previous packet, unknown across packets the ladder leaves out.
    const since = new Map<number, number>();
    let prevRel: number | null = null;
    for (const row of l.rows) {
      if (row.skippedBefore) {
        gap(`⋮ ${plural(row.skippedBefore, "packet")} later`);
        prevRel = null;
      } else if (row.gapBeforeSec !== undefined)
        gap(`··· ${formatDuration(row.gapBeforeSec)} with no packet ···`);
      const c = cell(row, side, l.startTs, ttl);
      rows.push(c);
      if (c.kind !== "packet") continue;
      if (prevRel !== null) since.set(c.p.frame, c.p.rel - prevRel);
      prevRel = c.p.rel;
    }
    if (l.omittedAfter) gap(`⋮ ${plural(l.omittedAfter, "later packet")} of this connection`);
    const client = side === "a" ? l.clientA : l.clientB;
    const server = side === "a" ? l.serverA : l.serverB;
    return {
      a: client || "(no such connection)",
      b: server || "",
      culpritSide: null,
      rows,
      notes: side === "a" ? [`Time 0 = ${formatEpoch(l.startTs)} on A's clock.`] : [],
      since,
      label: correlateLabel(ttl),
      minSpan: 330,
    };
  };
  const caption = (side: 0 | 1): string => `${side === 0 ? "A" : "B"} · ${r.files[side].file}`;
  return renderLadderPairSvg(
    { caption: caption(0), spec: column("a") },
    { caption: caption(1), spec: column("b") },
    { id, title: `The connection in ${r.files[0].file} and ${r.files[1].file}` },
  );
}

/** One side of a ladder row: the packet this capture has, or a dashed arrow for the one it lacks. */
function cell(
  row: CorrelateLadderRow,
  side: "a" | "b",
  startTs: number,
  ttl: Map<number, number>,
): SvgLadderRow {
  const here = side === "a" ? row.a : row.b;
  const there = side === "a" ? row.b : row.a;
  const why = ABSENT[row.status] ?? UNKNOWN_ABSENT;
  if (here) {
    ttl.set(here.frame, here.ttl);
    return {
      kind: "packet",
      p: packetView(here, startTs),
      evidence: row.evidence,
      note: there ? row.note : [why.there, row.note].filter(Boolean).join("; "),
    };
  }
  return {
    kind: "absent",
    from: there?.dir === "s2c" ? "b" : "a",
    text: why.here,
    color: why.color,
    evidence: row.evidence,
  };
}
