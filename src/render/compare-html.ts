/**
 * `compare GOOD BAD` as one self-contained HTML evidence report, in the page and style of the
 * diagnosis report (html-page.ts): a banner with the top difference, the paired connection drawn as
 * two ladders side by side (GOOD left, BAD right, the difference's evidence highlighted), each ranked
 * difference with its evidence frames per file, the connection pairs, and the two captures.
 */
import type { CompareLadder, CompareResult, Difference } from "../compare/compare.js";
import type { DiagnosisReport } from "../model/report.js";
import { compareLadderOptions, phraseDifference } from "./compare-text.js";
import { e, renderHtmlPage } from "./html-page.js";
import {
  type LadderColumn,
  ladderSpec,
  renderLadderPairSvg,
  renderLadderSvg,
  svgPacketLabel,
} from "./ladder-svg.js";
import { formatDuration, packetLabel, plural } from "./report-common.js";
import {
  cardHeader,
  captureProblemRows,
  captureRows,
  dlRows,
  explainBlock,
  verdictSection,
} from "./report-html.js";

/** What the page can show beyond the ranked differences; each part is optional (a server may hold only the result). */
export interface CompareHtmlContext {
  /** The paired connection to draw side by side (compareFiles gives it). */
  ladder?: CompareLadder | null;
  /** The diagnoses of both captures: file facts, connection rows, and the words of BAD's findings. */
  good?: DiagnosisReport;
  bad?: DiagnosisReport;
}

/** A heading per kind of difference (compare.ts lists the kinds). */
const KIND_TITLES: Record<string, string> = {
  close: "The connection ends differently",
  finding: "A problem only BAD has",
  "zero-window": "The receiver's window stays closed longer",
  retransmissions: "More retransmissions",
  stall: "A longer stall",
  "handshake-options": "Different handshake options",
  bytes: "A different amount of data",
  push: "PSH flags on the last packets",
  duration: "It takes longer",
  "missing-connection": "A connection only one capture has",
};

/** How telling a difference is (its score) as the tone of its card. */
function tone(d: Difference): "error" | "warning" | "info" {
  return d.score >= 80 ? "error" : d.score >= 50 ? "warning" : "info";
}

export function renderCompareHtml(r: CompareResult, ctx: CompareHtmlContext = {}): string {
  const body = [banner(r)];
  if (ctx.ladder) body.push(ladderCard(r, ctx.ladder));
  r.differences.forEach((d, i) => {
    body.push(differenceCard(r, d, i, ctx));
  });
  body.push(pairsCard(r, ctx), filesCard(r, ctx));
  const tool = ctx.bad?.tool ?? { name: "tcpsleuth", version: "" };
  return renderHtmlPage({
    title: `${r.differences.length ? "DIFFERENT" : "SAME"}: ${r.good} vs ${r.bad}`,
    generator: `${tool.name} ${tool.version}`.trim(),
    body: body.join("\n"),
    footer: `Comparison by ${e(tool.name)} ${e(tool.version)} (format v${r.version}).`,
    bodyClass: "wide",
  });
}

function banner(r: CompareResult): string {
  const top = r.differences[0];
  const v = top
    ? { tone: "error", label: "✖ DIFFERENT", headline: top.summary || phraseDifference(top) }
    : { tone: "ok", label: "✔ SAME", headline: "No difference that matters between the two captures." };
  const meta = [
    `GOOD (it worked) <span class="mono">${e(r.good)}</span>`,
    `BAD (it failed) <span class="mono">${e(r.bad)}</span>`,
    e(plural(r.pairs.length, "connection pair")),
  ];
  const list = r.differences.length
    ? `<p class="meta">${e(plural(r.differences.length, "difference"))}, the most telling first:</p><ul class="overview">${r.differences
        .slice(0, 12)
        .map(
          (d, i) =>
            `<li class="tone-${tone(d)}"><span class="badge">#${i + 1}</span><a href="#difference-${i + 1}">${e(KIND_TITLES[d.kind] ?? d.kind)}</a><span class="who">${e(d.service)}</span></li>`,
        )
        .join("")}</ul>`
    : "";
  return verdictSection(v.tone, v.label, v.headline, meta, list);
}

/**
 * The GOOD | BAD ladder of the top difference as a standalone SVG (the web app shows it as an
 * image), with a note when only one capture has the connection; null when neither has it.
 */
export function compareLadderSvg(r: CompareResult, l: CompareLadder): { svg: string; title: string; only: string | null } | null {
  const caption = (side: "GOOD" | "BAD", file: string, stream: number | null): string =>
    `${side} · ${file}${stream !== null ? ` · stream ${stream}` : ""}`;
  const o = compareLadderOptions(l);
  const column = (side: "GOOD" | "BAD"): LadderColumn | null => {
    const d = side === "GOOD" ? l.good : l.bad;
    if (!d) return null;
    return {
      caption: caption(side, side === "GOOD" ? r.good : r.bad, d.stream),
      // Wireshark's Info wording keeps two columns narrow enough; the raw numbers are in the tooltips.
      spec: {
        ...ladderSpec(d, side === "GOOD" ? l.goodFrames : l.badFrames, side === "GOOD" ? o.good : o.bad),
        label: packetLabel,
        tipLabel: svgPacketLabel,
        minSpan: 330,
      },
    };
  };
  const g = column("GOOD");
  const b = column("BAD");
  const title = `The ${l.service || "paired"} connection in GOOD and in BAD`;
  if (g && b) return { svg: renderLadderPairSvg(g, b, { id: "ladder-pair", title }), title, only: null };
  const one = g ? l.good : l.bad;
  if (!one) return null;
  return {
    svg: renderLadderSvg(one, g ? l.goodFrames : l.badFrames, { id: "ladder-pair", title, maxEvidence: 8 }),
    title,
    only: g ? "GOOD" : "BAD",
  };
}

function ladderCard(r: CompareResult, l: CompareLadder): string {
  const drawn = compareLadderSvg(r, l);
  if (!drawn) return "";
  const { svg, title } = drawn;
  const missing = drawn.only
    ? `<p class="hint">Only ${drawn.only} has this connection, so only its ladder is drawn.</p>`
    : "";
  const d = r.differences[l.difference];
  return `<section class="card" id="ladders">
<h2>${e(title)}</h2>
<p class="hint">Left the capture where it worked, right the one where it failed. Highlighted rows are the evidence of ${d ? `<a href="#difference-${l.difference + 1}">difference ${l.difference + 1}</a>` : "the top difference"}; times are seconds since each connection's first packet (hover a row for its absolute time).</p>
${missing}<div class="scroll fit">${svg}</div>
</section>`;
}

function differenceCard(r: CompareResult, d: Difference, i: number, ctx: CompareHtmlContext): string {
  const streams = [
    d.goodStream !== null ? `GOOD stream ${d.goodStream}` : "",
    d.badStream !== null ? `BAD stream ${d.badStream}` : "",
  ].filter(Boolean);
  const facts: [string, string][] = [];
  if (d.service || streams.length)
    facts.push(["Connection", e([d.service, ...streams].filter(Boolean).join(" · "))]);
  for (const [side, file] of [
    ["GOOD", r.good],
    ["BAD", r.bad],
  ] as const) {
    const fr = d.frames.find((f) => f.file === file)?.frames ?? [];
    facts.push([
      `Evidence in ${side}`,
      `<span class="mono">${e(file)}</span>: ${fr.length ? e(framesList(fr)) : "none"}`,
    ]);
  }
  facts.push(["Weight", `${d.score} of 100 (how well it explains the failure)`]);
  // A finding of BAD carries its own explanation and next step: show them with the difference.
  const f =
    d.kind === "finding"
      ? ctx.bad?.findings.find((x) => x.id === d.bad.id && x.stream === d.badStream)
      : undefined;
  return [
    `<section class="card finding tone-${tone(d)}" id="difference-${i + 1}">`,
    cardHeader(`#${i + 1}`, KIND_TITLES[d.kind] ?? d.kind, d.kind, i, r.differences.length),
    dlRows(facts, "facts"),
    `<p class="summary">${e(d.summary || phraseDifference(d))}</p>`,
    f ? explainBlock(f.explanation, f.next) : "",
    "</section>",
  ]
    .filter(Boolean)
    .join("\n");
}

function framesList(frames: number[], max = 20): string {
  return frames.slice(0, max).join(", ") + (frames.length > max ? ` (+${frames.length - max} more)` : "");
}

function pairsCard(r: CompareResult, ctx: CompareHtmlContext): string {
  if (r.pairs.length === 0) return "";
  const row = (rep: DiagnosisReport | undefined, stream: number | null) =>
    stream === null ? undefined : rep?.connections.find((c) => c.stream === stream);
  const side = (rep: DiagnosisReport | undefined, stream: number | null): string => {
    if (stream === null) return "<td>—</td><td>none</td>";
    const c = row(rep, stream);
    return `<td class="num">${stream}</td><td>${c ? `${e(c.close)}<br><span class="to">${c.packets} packets, ${e(formatDuration(c.durationSec))}</span>` : ""}</td>`;
  };
  const shown = r.pairs.slice(0, 200);
  const rows = shown
    .map((p) => {
      const n = r.differences.findIndex(
        (d) =>
          (d.badStream !== null && d.badStream === p.badStream) ||
          (d.goodStream !== null && d.goodStream === p.goodStream),
      );
      const cls = n >= 0 ? ' class="has-findings"' : "";
      const link = n >= 0 ? `<a href="#difference-${n + 1}">#${n + 1}</a>` : "-";
      return `<tr${cls}><td>${e(p.service)}</td>${side(ctx.good, p.goodStream)}${side(ctx.bad, p.badStream)}<td>${link}</td></tr>`;
    })
    .join("\n");
  const more =
    r.pairs.length > shown.length
      ? `<p class="hint">… and ${e(plural(r.pairs.length - shown.length, "more pair"))} (see the JSON output).</p>`
      : "";
  return `<section class="card" id="pairs"><h2>Connection pairs (${r.pairs.length})</h2><p class="hint">Connections are paired by the job they do: the server port, in order of appearance.</p><div class="table-wrap"><table><thead><tr><th>service</th><th class="num">GOOD stream</th><th>GOOD: how it ended</th><th class="num">BAD stream</th><th>BAD: how it ended</th><th>difference</th></tr></thead><tbody>${rows}</tbody></table></div>${more}</section>`;
}

function filesCard(r: CompareResult, ctx: CompareHtmlContext): string {
  const one = (side: "GOOD" | "BAD", file: string, rep: DiagnosisReport | undefined): string => {
    const rows: [string, string][] = rep
      ? [...captureRows({ ...rep.capture, file }), ...captureProblemRows(rep.capture)]
      : [["File", `<span class="mono">${e(file)}</span>`]];
    if (rep) rows.push(["Diagnosis alone", e(rep.headline)]);
    return `<section><h3>${side}</h3>${dlRows(rows)}</section>`;
  };
  return `<section class="card capture" id="captures"><h2>The two captures</h2><div class="two-col">${one("GOOD", r.good, ctx.good)}${one("BAD", r.bad, ctx.bad)}</div></section>`;
}
