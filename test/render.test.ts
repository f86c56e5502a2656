/**
 * Diagnosis renderers: structure, not exact strings. Verdict first, evidence frames present, the most
 * severe finding first, diagrams well-formed, and nothing from a capture ever becomes markup.
 * Also writes sample reports to test-output/ (git-ignored) for a look in a browser.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import type { ConnectionDetail, DiagnosisReport, PacketView } from "../src/model/report.js";
import { cleanText, escapeHtml } from "../src/util/html.js";
import { renderLadderAscii } from "../src/render/ladder-ascii.js";
import { selectLadderRows } from "../src/render/ladder-rows.js";
import { renderLadderSvg } from "../src/render/ladder-svg.js";
import { renderReportHtml } from "../src/render/report-html.js";
import { mdCode, mdFence, renderReportMarkdown } from "../src/render/report-markdown.js";
import { renderReportText } from "../src/render/report-text.js";
import { tseqSeries } from "../src/render/tseq-data.js";
import { niceTicks, renderTseqSvg } from "../src/render/tseq-svg.js";
import { healthyReport, printerSynAckReport, zeroWindowReport } from "./support/report-fixtures.js";

const VOID = new Set(["meta", "br", "link", "img", "input", "hr", "col", "wbr", "source", "area", "base"]);

/**
 * A small tag-balance check: every element closes in order, and every "<" in the text starts a tag
 * (a stray one would mean unescaped content). Returns the element names in document order.
 */
function checkMarkup(doc: string, html = false): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  let tags = 0;
  for (const m of doc.matchAll(/<(!DOCTYPE[^>]*|!--[\s\S]*?--|(\/?)([a-zA-Z][\w:-]*)([^<>]*?)(\/?))>/g)) {
    tags++;
    if (m[1]!.startsWith("!")) continue;
    const [closing, name, , selfClose] = [m[2] === "/", m[3]!.toLowerCase(), m[4], m[5] === "/"];
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
      continue;
    }
    names.push(name);
    if (selfClose || (html && VOID.has(name))) continue;
    stack.push(name);
  }
  assert.deepEqual(stack, [], "unclosed elements");
  assert.equal(doc.split("<").length - 1, tags, "a '<' that starts no tag: unescaped text");
  return names;
}

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

const HOSTILE = [
  "<script>alert(1)</script>",
  `"><img src=x onerror=alert(1)>`,
  "</svg><script>alert(2)</script>",
  "'single' & \"double\" </style></title>",
  "pipe | and ``` fence ` tick",
  "\u001b[2J\u001b[31mred\u202eevil",
];

/** The printer report with every capture-derived string replaced by hostile text. */
function hostileReport(h: string[] = HOSTILE): DiagnosisReport {
  const r = printerSynAckReport();
  const pick = (i: number): string => h[i % h.length]!;
  r.capture.file = pick(0);
  r.capture.format = pick(3);
  r.capture.problems = [pick(2)];
  r.capture.skipped = [{ reason: pick(1), count: 1 }];
  r.headline = pick(2);
  r.checked = [pick(3), pick(4)];
  r.tool.version = pick(5);
  for (const f of r.findings) {
    f.culprit = pick(1);
    f.summary = pick(0);
    f.explanation = pick(3);
    f.next = pick(4);
    f.facts = { [pick(2)]: pick(0), list: [pick(1), pick(5)] };
    f.annotations = [{ frame: 4, text: pick(2) }];
  }
  const d = r.details[0]!;
  d.a = pick(1);
  d.b = pick(2);
  d.packets.forEach((p, i) => {
    p.tags = pick(i);
    p.flags = i % 5 === 0 ? pick(i + 1) : p.flags;
  });
  for (const c of r.connections) {
    c.client = pick(0);
    c.server = pick(4);
    c.close = pick(3);
    c.findings = [pick(2)];
  }
  return r;
}

test("escapeHtml makes hostile strings inert; cleanText removes escapes and bidi overrides", () => {
  assert.equal(escapeHtml("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  assert.equal(escapeHtml(`a"b'c&d</svg>`), "a&quot;b&#39;c&amp;d&lt;/svg&gt;");
  assert.equal(escapeHtml("&amp;"), "&amp;amp;", "already-escaped text is escaped again, not trusted");
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (s) => {
      assert.doesNotMatch(escapeHtml(s), /[<>"']/);
    }),
  );
  assert.equal(cleanText("a\u001b[31mb\u202ec\n\td"), "a\uFFFD[31mb\uFFFDc\n\td");
});

test("text report: verdict on the first line, most severe finding first, evidence and ladder", () => {
  const out = renderReportText(printerSynAckReport(), { color: false });
  const lines = out.split("\n");
  assert.match(lines[0]!, /PROBLEM FOUND/);
  assert.match(lines[0]!, /198\.18\.1\.20:9100/);
  const synack = out.indexOf("(handshake.synack-bad-ack)");
  const reset = out.indexOf("(conn.reset)");
  assert.ok(synack > 0 && reset > synack, "error before info, although the rules listed it second");
  assert.match(out, /Evidence\s+frames 3, 4, 5, 7/);
  assert.match(out, /What this means/);
  assert.match(out, /What to do next/);
  assert.match(out, /tcp\.stream eq 0/);
  assert.match(out, /^\s*>>\s+3\s.*\|-- \[SYN\] Seq=0/m, "evidence SYN marked, drawn client → server");
  assert.match(
    out,
    /^\s*>>\s+4\s.*\|<-+ \[SYN, ACK\] Seq=0 Ack=2231665395/m,
    "SYN-ACK drawn server → client",
  );
  assert.match(out, /server · AT FAULT/);
  assert.match(out, /should be Ack=1/, "annotation shown next to its frame");
  assert.match(out, /Connections \(1\)/);
  assert.match(out, /What was checked/);
  assert.doesNotMatch(out, /\x1b/, "no colour codes when color is off");
  for (const l of lines) assert.ok(l.length <= 100, `line wider than 100 columns: ${l}`);
  const colored = renderReportText(printerSynAckReport(), { color: true });
  assert.match(colored, /\x1b\[/);
  assert.equal(plain(colored), out, "colour changes nothing but colour");
});

test("text report: healthy capture and zero window", () => {
  const h = renderReportText(healthyReport(), { color: false });
  assert.match(h.split("\n")[0]!, /HEALTHY/);
  assert.doesNotMatch(h, /ERROR|WARNING|>>/);
  assert.match(h, /What was checked[\s\S]*✓ 3-way handshakes/);
  const z = renderReportText(zeroWindowReport(), { color: false });
  assert.match(z.split("\n")[0]!, /PROBLEM FOUND.*zero window/);
  for (const f of [11, 12, 14, 23]) assert.match(z, new RegExp(`^\\s*>>\\s+${f}\\s`, "m"));
  assert.match(z, /⋮\s+\d+ packets \(frames 26–/);
  for (const l of z.split("\n")) assert.ok(l.length <= 100, `line wider than 100 columns: ${l}`);
});

test("text and markdown reports send no control characters from the capture to the reader", () => {
  const r = hostileReport();
  const text = renderReportText(r, { color: false });
  assert.doesNotMatch(text, /[\u001b\u202e]/);
  const md = renderReportMarkdown(r);
  assert.doesNotMatch(md, /[\u001b\u202e]/);
});

test("ladder selection: evidence plus context, one-packet gaps drawn, the rest elided", () => {
  const d = zeroWindowReport().details[0]!;
  const sel = selectLadderRows(d, [11, 12, 14, 23, 99999], { context: 1 });
  const drawn = sel.rows.flatMap((r) => (r.kind === "packet" ? [r.p.frame] : []));
  assert.deepEqual(drawn.slice(0, 5), [10, 11, 12, 13, 14]);
  assert.ok(drawn.includes(22) && drawn.includes(23) && drawn.includes(24));
  assert.deepEqual(sel.missing, [99999]);
  const evidence = sel.rows.flatMap((r) => (r.kind === "packet" && r.evidence ? [r.p.frame] : []));
  assert.deepEqual(evidence, [11, 12, 14, 23]);
  const gaps = sel.rows.filter((r) => r.kind === "gap");
  assert.equal(gaps[0]!.kind === "gap" && gaps[0]!.count, 7, "frames 3–9 before the first context packet");
  const total = sel.rows.reduce((n, r) => n + (r.kind === "packet" ? 1 : r.count), 0);
  assert.equal(total, d.packets.length, "every packet is drawn or counted in an elision");
  // The report's own cut is shown where it happened.
  const cut: ConnectionDetail = { ...d, truncated: 5000, truncatedAt: 100 };
  const sel2 = selectLadderRows(cut, [11, 200]);
  assert.ok(sel2.rows.some((r) => r.kind === "gap" && r.truncated && r.count > 5000));
});

test("ASCII ladder: lifelines, arrows, elisions; plain without colour", () => {
  const d = printerSynAckReport().details[0]!;
  const out = renderLadderAscii(d, [3, 4, 5], { culprit: "198.18.1.20" });
  assert.match(out, /198\.18\.1\.10:48766\s+198\.18\.1\.20:9100/);
  assert.match(out, /server · AT FAULT/, "an IP-only culprit still marks its side");
  assert.equal(out.match(/^>>/gm)?.length, 3);
  assert.match(out, /⋮\s+\d+ packets \(frames \d+–26\)/);
  assert.doesNotMatch(out, /\x1b/);
});

test("SVG ladder: well-formed, relative and absolute numbers, evidence coloured", () => {
  const d = printerSynAckReport().details[0]!;
  const svg = renderLadderSvg(d, [3, 4, 5], { culprit: "198.18.1.20:9100", id: "l1" });
  const names = checkMarkup(svg);
  assert.equal(names[0], "svg");
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="ladder" id="l1"/);
  assert.match(svg, /Seq=0 \(abs 2535840526\)/);
  assert.match(svg, /Ack=2231665395 \(abs 472538625\)/);
  assert.equal(svg.match(/class="pkt evidence"/g)?.length, 3);
  assert.match(svg, /#c62828/, "RST in red");
  assert.match(svg, /at fault/);
  assert.doesNotMatch(svg, /<script|href=|@import|url\(/i, "self-contained");
});

test("time-sequence graph: series, well-formed SVG, markers, no-data connections", () => {
  const d = zeroWindowReport().details[0]!;
  const s = tseqSeries(d, "a");
  assert.ok(s.segments.length > 100);
  assert.ok(s.segments.some((g) => g.retrans));
  assert.equal(s.zeroSpans.length, 2);
  assert.ok(Math.abs(s.zeroSpans[0]!.t0 - 0.08847) < 1e-9 && Math.abs(s.zeroSpans[0]!.t1 - 7.005555) < 1e-9);
  const svg = renderTseqSvg(d, { highlightFrames: [11, 23], id: "t1" });
  checkMarkup(svg);
  assert.match(svg, /class="tseq" id="t1"/);
  assert.match(svg, /Relative sequence number/);
  assert.match(svg, /Time since the connection's first packet \(s\)/);
  assert.match(svg, /retransmission/);
  assert.match(svg, /zero window/);
  assert.match(svg, /class="evidence"/);
  // The printer's bogus ACK must not flatten the scale; the graph says why it is empty.
  const p = printerSynAckReport().details[0]!;
  const ps = tseqSeries(p, "a");
  assert.equal(ps.offScaleAcks, 8);
  assert.ok(ps.yMax < 100);
  assert.match(renderTseqSvg(p), /No data was sent/);
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
});

test("time-sequence graph decimates a big connection to a few thousand marks", () => {
  const packets: PacketView[] = [];
  let seq = 1;
  for (let i = 0; i < 120_000; i++) {
    const rel = i * 0.0001;
    const rtx = i % 997 === 0;
    packets.push({
      frame: 2 * i + 1,
      ts: 1e9 + rel,
      rel,
      from: "a",
      flags: "ACK",
      seq: rtx ? seq - 1448 : seq,
      ack: 1,
      seqRaw: 0,
      ackRaw: 0,
      len: 1448,
      win: 65535,
      tags: rtx ? "[TCP Retransmission]" : "",
    });
    if (!rtx) seq += 1448;
    packets.push({
      frame: 2 * i + 2,
      ts: 1e9 + rel,
      rel: rel + 0.00005,
      from: "b",
      flags: "ACK",
      seq: 1,
      ack: seq,
      seqRaw: 0,
      ackRaw: 0,
      len: 0,
      win: i % 5000 < 10 ? 0 : 65535,
      tags: "",
    });
  }
  const d: ConnectionDetail = { stream: 7, a: "10.0.0.1:40000", b: "10.0.0.2:80", packets, truncated: 0 };
  const t0 = performance.now();
  const svg = renderTseqSvg(d, { maxMarks: 3000 });
  const ms = performance.now() - t0;
  const s = tseqSeries(d, "a", 3000);
  assert.ok(s.decimated);
  assert.ok(s.segments.length <= 3000, `${s.segments.length} segments drawn`);
  assert.ok(s.acks.length <= 6000 && s.windowEdge.length <= 6000);
  assert.ok(s.marks.length <= 1000 + 10);
  assert.ok(svg.length < 1_500_000, `SVG is ${svg.length} bytes`);
  assert.ok(ms < 3000, `took ${ms} ms`);
  checkMarkup(svg);
});

test("markdown report: verdict heading, findings, fenced ladder, connections table", () => {
  const md = renderReportMarkdown(printerSynAckReport());
  assert.match(md.split("\n")[0]!, /^# ✖ PROBLEM FOUND: The printer/);
  assert.ok(md.indexOf("handshake.synack-bad-ack") < md.indexOf("`conn.reset`"));
  assert.match(md, /\| Evidence frames \| 3, 4, 5, 7/);
  assert.match(md, /```text\n[\s\S]*>>\s+4\s[\s\S]*\n```/);
  assert.match(md, /## Connections \(1\)\n\n\| # \| client/);
  assert.match(md, /## What was checked/);
  assert.equal(mdCode("a`b"), "``a`b``");
  assert.match(mdFence("x ```` y"), /^`````text\n/);
});

test("markdown report: hostile strings neither break the layout nor inject HTML", () => {
  const md = renderReportMarkdown(hostileReport());
  // Inside code fences and code spans text is literal; everywhere else no "<" may survive.
  const prose = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "").replace(/(`+)[^`]*?\1/g, "");
  assert.doesNotMatch(prose.replace(/^<sub>|<\/sub>$/gm, ""), /</);
  // Fences stay balanced: every opening fence is closed by the same run.
  const fences = [...md.matchAll(/^(`{3,})/gm)].map((m) => m[1]);
  assert.equal(fences.length % 2, 0);
  // Table rows keep their column count (escaped pipes do not split cells).
  for (const line of md.split("\n").filter((l) => l.startsWith("| 0 |"))) {
    assert.equal(line.split(/(?<!\\)\|/).length - 2, 11, line);
  }
});

test("HTML report: self-contained, verdict first, diagrams with stable classes", () => {
  const html = renderReportHtml(printerSynAckReport());
  const names = checkMarkup(html, true);
  assert.ok(names.includes("svg"));
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(html, /<script|<link|<img|@import|url\(/i);
  assert.deepEqual(
    html.match(/https?:\/\/[^"\s<]+/g)?.filter((u) => u !== "http://www.w3.org/2000/svg") ?? [],
    [],
  );
  const verdict = html.indexOf('class="card verdict');
  const first = html.indexOf('class="card finding');
  assert.ok(verdict > 0 && first > verdict);
  assert.ok(html.indexOf('id="finding-1"') < html.indexOf('id="finding-2"'));
  assert.ok(html.indexOf("handshake.synack-bad-ack</code>") < html.indexOf("conn.reset</code>"));
  assert.match(html, /<svg [^>]*class="ladder"/);
  assert.match(html, /never carried any data/, "no empty graph for a connection without data");
  const z = renderReportHtml(zeroWindowReport());
  checkMarkup(z, true);
  assert.match(z, /<svg [^>]*class="ladder"/);
  assert.match(z, /<svg [^>]*class="tseq"/);
  assert.match(z, /What this means[\s\S]*What to do next/);
  const h = renderReportHtml(healthyReport());
  checkMarkup(h, true);
  assert.match(h, /HEALTHY/);
  assert.match(h, /What was checked/);
});

test("HTML report: every capture string is escaped", () => {
  const html = renderReportHtml(hostileReport());
  checkMarkup(html, true);
  assert.doesNotMatch(html, /<script|<img|onerror=alert\(1\)>/i);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /&lt;\/svg&gt;&lt;script&gt;/);
  assert.doesNotMatch(html, /[\u001b\u202e]/);
  fc.assert(
    fc.property(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 6 }), (strings) => {
      const out = renderReportHtml(hostileReport(strings));
      checkMarkup(out, true);
      assert.doesNotMatch(out, /<(script|img|iframe|object)/i);
    }),
    { numRuns: 60 },
  );
});

test("sample reports for a look in a browser (test-output/)", () => {
  const dir = resolve(import.meta.dirname, "..", "test-output");
  mkdirSync(dir, { recursive: true });
  const samples: [string, DiagnosisReport][] = [
    ["printer-synack", printerSynAckReport()],
    ["zero-window", zeroWindowReport()],
    ["healthy", healthyReport()],
    ["hostile", hostileReport()],
  ];
  for (const [name, r] of samples) {
    writeFileSync(join(dir, `report-${name}.html`), renderReportHtml(r));
    writeFileSync(join(dir, `report-${name}.md`), renderReportMarkdown(r));
    writeFileSync(join(dir, `report-${name}.txt`), renderReportText(r, { color: false }));
  }
});

test("the connections tables give one row per Wireshark stream, adding up its connections", () => {
  const base = printerSynAckReport();
  const conn = (uid: number, stream: number, client: string, packets: number, close: string, findings: string[]) => ({
    stream,
    uid,
    client,
    server: "198.18.1.20:9100",
    state: "RSTO",
    history: "ShR",
    startTs: 100 + uid,
    durationSec: 0.5,
    packets,
    bytesClientToServer: 10 * packets,
    bytesServerToClient: 0,
    retransmissions: 1,
    zeroWindowSec: 0,
    close,
    findings,
  });
  const r: DiagnosisReport = {
    ...base,
    connections: [
      conn(1, 0, "198.18.1.10:1000", 3, "RST by orig", ["handshake.synack-bad-ack"]),
      conn(2, 0, "198.18.1.10:1000", 4, "RST by orig", []),
      conn(3, 0, "198.18.1.10:1000", 5, "FIN both", ["conn.reset"]),
      conn(4, 1, "198.18.1.10:2000", 7, "FIN both", []),
    ],
  };
  const md = renderReportMarkdown(r);
  const rows = md.split("\n").filter((l) => /^\| [0-9]/.test(l));
  assert.equal(rows.length, 2, md);
  // Stream 0: 3 + 4 + 5 packets, 2.5 s from the first start to the last end, the last close, every finding.
  assert.match(rows[0]!, /^\| 0 \| 198\\\.18\.1\.10:1000 .*\| 2\.50 s \| 12 \| 120 B \|/);
  assert.match(rows[0]!, /FIN both \(the last of 3 on these ports\)/);
  assert.match(rows[0]!, /`handshake\.synack-bad-ack`, `conn\.reset`/);
  assert.match(rows[1]!, /^\| 1 \| .*\| 7 \| 70 B \|/);
  assert.match(md, /One row per Wireshark stream/);
  const text = renderReportText(r, { color: false, width: 140 });
  assert.match(text, /One row per Wireshark stream/);
  assert.match(renderReportHtml(r), /One row per Wireshark stream/);
  // A report whose connections are one each has no such note.
  assert.doesNotMatch(renderReportMarkdown(base), /One row per Wireshark stream/);
});
