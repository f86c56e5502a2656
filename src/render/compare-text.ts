/**
 * The words and the terminal/Markdown layout of `tcpsleuth compare GOOD BAD`: each difference in one
 * sentence, ranked, with evidence frames per file and a side-by-side ladder of the paired connection
 * of the top difference (GOOD left, BAD right).
 */
import pc from "picocolors";
import type { CompareLadder, CompareResult, Difference } from "../compare/compare.js";
import type { ConnectionDetail } from "../model/report.js";
import type { ConnectionRecord, PacketBrief } from "../tcp/connection/types.js";
import { cleanText } from "../util/html.js";
import { ladderCellText } from "./ladder-cell.js";
import { gapText, type LadderOptions, samePlace, selectLadderRows } from "./ladder-rows.js";
import { packetKind, visibleLength } from "./report-common.js";
import { mdFence } from "./report-markdown.js";

type Colors = ReturnType<typeof pc.createColors>;

function secs(x: unknown): string {
  const v = typeof x === "number" ? x : 0;
  if (v < 0.001) return `${Math.round(v * 1e6)} µs`;
  if (v < 1) return `${(v * 1000).toFixed(v < 0.01 ? 2 : 0)} ms`;
  return `${v.toFixed(2)} s`;
}

function closeWords(c: Record<string, unknown>): string {
  if (c.kind === "rst") {
    return `a RST from the ${c.by}${c.afterLastDataSec !== null && c.afterLastDataSec !== undefined ? ` ${secs(c.afterLastDataSec)} after the last data` : ""} (frame ${c.frame})`;
  }
  if (c.kind === "fin") {
    const fins = (c.finBy as string[]).length;
    return fins === 2
      ? `a normal FIN exchange (first FIN from the ${c.by}, frame ${c.frame})`
      : `a FIN from the ${c.by} only (frame ${c.frame})`;
  }
  return "no close at all in the capture";
}

export function phraseDifference(d: Difference): string {
  const g = d.good;
  const b = d.bad;
  switch (d.kind) {
    case "close":
      return `The ${d.service} connection ends with ${closeWords(b)} in BAD, but with ${closeWords(g)} in GOOD.`;
    case "finding":
      return `Only BAD has ${String(b.id)}: ${String(b.summary)}`;
    case "zero-window":
      return `The receiver's window was closed for ${secs(b.zeroWindowSec)} in BAD against ${secs(g.zeroWindowSec)} in GOOD.`;
    case "retransmissions":
      return `${b.retransmissions} retransmissions in BAD against ${g.retransmissions} in GOOD.`;
    case "stall":
      return `BAD stalls for ${secs(b.longestIdleSec)} (after frame ${b.afterFrame}); GOOD's longest pause is ${secs(g.longestIdleSec)}.`;
    case "handshake-options":
      return `The ${b.side}'s handshake options differ: BAD MSS ${b.mss ?? "none"}, window scale ${b.windowScale ?? "none"}, SACK ${b.sackPermitted ? "on" : "off"}, timestamps ${b.timestamps ? "on" : "off"}; GOOD MSS ${g.mss ?? "none"}, window scale ${g.windowScale ?? "none"}, SACK ${g.sackPermitted ? "on" : "off"}, timestamps ${g.timestamps ? "on" : "off"}.`;
    case "bytes":
      return `BAD carried ${b.clientToServer} bytes to the server and ${b.serverToClient} back; GOOD ${g.clientToServer} and ${g.serverToClient}.`;
    case "push":
      return `PSH flags on the last packets: ${b.pushInLastPackets} of ${b.lastPackets} in BAD, ${g.pushInLastPackets} of ${g.lastPackets} in GOOD (PSH only asks the receiver to hand data to the application; it rarely explains a failure).`;
    case "duration":
      return `BAD took ${secs(b.durationSec)}, GOOD ${secs(g.durationSec)}.`;
    case "missing-connection":
      return g.present
        ? `GOOD has a ${d.service} connection that BAD does not.`
        : `BAD has a ${d.service} connection that GOOD does not (state ${String(b.state)}).`;
    default:
      return d.kind;
  }
}

export function phraseDifferences(r: CompareResult): CompareResult {
  for (const d of r.differences) d.summary = phraseDifference(d);
  return r;
}

function frameList(d: Difference): string {
  return d.frames
    .map((f) => `${cleanText(f.file)}: ${f.frames.length ? f.frames.join(", ") : "—"}`)
    .join("   ");
}

function briefLine(p: PacketBrief | undefined): string {
  if (!p) return "";
  const arrow = p.dir === "orig" ? "→" : "←";
  return `${String(p.frame).padStart(5)} ${arrow} ${p.flags.padEnd(3)} len ${String(p.len).padStart(5)}`;
}

/** The last packets before each connection's close, side by side (when no ladder could be drawn). */
export function sideBySideClose(
  good: ConnectionRecord | undefined,
  bad: ConnectionRecord | undefined,
): string {
  const gl = good ? [...good.close.before] : [];
  const bl = bad ? [...bad.close.before] : [];
  const rows = Math.max(gl.length, bl.length);
  const out = [`  ${"GOOD (last packets)".padEnd(34)}  BAD (last packets)`];
  for (let i = 0; i < rows; i++) {
    const gp = gl[gl.length - rows + i];
    const bp = bl[bl.length - rows + i];
    out.push(`  ${briefLine(gp).padEnd(34)}  ${briefLine(bp)}`);
  }
  const end = (c: ConnectionRecord | undefined) =>
    !c || c.close.frame === null
      ? "(no close)"
      : `${String(c.close.frame).padStart(5)} ${c.close.kind === "rst" ? "RST" : "FIN"} by ${c.close.by === c.client ? "client" : "server"}`;
  out.push(`  ${end(good).padEnd(34)}  ${end(bad)}`);
  return out.join("\n");
}

/**
 * What each side's ladder shows: the difference's evidence frames, and for a side without any (a
 * finding only BAD has), the same place in its connection, unmarked, so the two read side by side.
 */
export function compareLadderOptions(l: CompareLadder): { good: LadderOptions; bad: LadderOptions } {
  const focus = (
    own: number[],
    d: ConnectionDetail | null,
    other: ConnectionDetail | null,
    frames: number[],
  ) => (own.length === 0 && d && other ? samePlace(other, frames, d) : []);
  return {
    good: { maxEvidence: 8, focus: focus(l.goodFrames, l.good, l.bad, l.badFrames) },
    bad: { maxEvidence: 8, focus: focus(l.badFrames, l.bad, l.good, l.goodFrames) },
  };
}

/** A side's ladder rows as text cells: ">> " marks evidence, "⋮" the packets left out. */
function ladderCells(
  detail: ConnectionDetail | null,
  frames: number[],
  opts: LadderOptions,
  width: number,
  c: Colors,
): string[] {
  if (!detail) return ["(no such connection in this capture)"];
  return selectLadderRows(detail, frames, opts).rows.map((row) => {
    if (row.kind === "gap") return c.dim(`   ${gapText(row)}`);
    const text = ladderCellText({ ...row.p, toServer: row.p.from === "a" }, width - 3);
    if (!row.evidence) return `   ${text}`;
    return c.bold(`>> ${packetKind(row.p) === "rst" ? c.red(text) : text}`);
  });
}

/**
 * The paired connection in GOOD and in BAD side by side, rows top-aligned: each side shows the
 * difference's evidence with a little context, as diagnose's ladder does.
 */
export function renderCompareLadderText(
  r: CompareResult,
  l: CompareLadder,
  opts: { color: boolean; width?: number; indent?: string },
): string[] {
  const c = pc.createColors(opts.color);
  const indent = opts.indent ?? "";
  // Columns as wide as their longest row, within the line width (longer cells end in "…").
  const most = Math.floor((Math.max(80, opts.width ?? 140) - indent.length - 3) / 2);
  const o = compareLadderOptions(l);
  const left = ladderCells(l.good, l.goodFrames, o.good, most, c);
  const right = ladderCells(l.bad, l.badFrames, o.bad, most, c);
  const col = Math.min(most, Math.max(...left.map(visibleLength), 40));
  const pad = (x: string): string => x + " ".repeat(Math.max(0, col - visibleLength(x)));
  const side = (name: string, file: string, d: ConnectionDetail | null): [string, string] => [
    cleanText(`${name}: ${file}${d ? ` (stream ${d.stream})` : ""}`),
    d ? cleanText(`${d.a} → ${d.b}`) : "",
  ];
  const [gHead, gEnds] = side("GOOD", r.good, l.good);
  const [bHead, bEnds] = side("BAD", r.bad, l.bad);
  const out = [
    `${indent}${c.bold(pad(gHead))} │ ${c.bold(bHead)}`,
    `${indent}${c.dim(pad(gEnds))} │ ${c.dim(bEnds)}`,
  ];
  for (let i = 0; i < Math.max(left.length, right.length); i++)
    out.push(`${indent}${pad(left[i] ?? "")} │ ${right[i] ?? ""}`.trimEnd());
  return out;
}

export function renderCompareText(
  r: CompareResult,
  conns: { good: ConnectionRecord[]; bad: ConnectionRecord[] },
  opts: { color: boolean; width?: number; ladder?: CompareLadder | null },
): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  const top = r.differences[0];
  out.push(
    top
      ? `${c.bold(c.red("✖ DIFFERENT"))}  ${top.summary}`
      : `${c.bold(c.green("✔ SAME"))}  No difference that matters between the two captures.`,
  );
  out.push(
    c.dim(`  GOOD ${cleanText(r.good)}   BAD ${cleanText(r.bad)}   ${r.pairs.length} connection pair(s)`),
    "",
  );
  r.differences.forEach((d, i) => {
    out.push(`${String(i + 1).padStart(2)}. ${c.bold(d.kind)}  ${d.summary}`);
    out.push(c.dim(`    evidence  ${frameList(d)}`));
  });
  const ladder = opts.ladder;
  if (ladder) {
    out.push("", c.bold(ladderHeading(r, ladder)), "");
    out.push(...renderCompareLadderText(r, ladder, { color: opts.color, width: opts.width, indent: "  " }));
  } else if (top && top.kind === "close") {
    const g = conns.good.find((x) => x.wsStreams[0] === top.goodStream);
    const b = conns.bad.find((x) => x.wsStreams[0] === top.badStream);
    out.push("", "How the two connections ended:", sideBySideClose(g, b));
  }
  return `${out.join("\n")}\n`;
}

/** "The tcp/9100 connection in both captures (difference 1: close)". */
function ladderHeading(r: CompareResult, l: CompareLadder): string {
  const d = r.differences[l.difference];
  return `The ${l.service || "paired"} connection in both captures, side by side${d ? ` (difference ${l.difference + 1}: ${d.kind})` : ""}:`;
}

export function renderCompareMarkdown(r: CompareResult, ladder: CompareLadder | null = null): string {
  const out = [
    `# tcpsleuth compare`,
    "",
    `GOOD: \`${cleanText(r.good)}\` — BAD: \`${cleanText(r.bad)}\``,
    "",
  ];
  out.push("| # | difference | evidence |", "|---|---|---|");
  r.differences.forEach((d, i) => {
    out.push(`| ${i + 1} | ${d.summary.replace(/\|/g, "\\|")} | ${frameList(d).replace(/\|/g, "\\|")} |`);
  });
  if (ladder)
    out.push(
      "",
      `## ${ladderHeading(r, ladder).replace(/:$/, "")}`,
      "",
      mdFence(renderCompareLadderText(r, ladder, { color: false }).join("\n")),
    );
  return `${out.join("\n")}\n`;
}
