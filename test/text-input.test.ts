/**
 * Diagnose from pasted text: Wireshark/tshark/tcpdump lines are rebuilt into packets and get the
 * same analysis as a capture. Fixtures under test/fixtures/text were made once with the real tools
 * (tshark 4.0.17, tcpdump 4.99.3, TZ=UTC) from the scenario captures; nothing is generated here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { diagnoseFile, packetList, type DiagnosisReport } from "../src/api/index.js";
import { readCapture } from "../src/capture/index.js";
import { renderReportHtml } from "../src/render/report-html.js";
import { renderReportMarkdown } from "../src/render/report-markdown.js";
import { renderReportText } from "../src/render/report-text.js";
import { runCli } from "./support/cli.js";
import { SCENARIOS, scenarioDirs } from "./support/corpus.js";

const FIX = resolve(import.meta.dirname, "fixtures", "text");
const CASE01 = join(FIX, "case01-wireshark.txt");
const EXPORTS = ["tshark-n.txt", "tcpdump-nn.txt", "tcpdump-nn-S-tttt.txt"];
/**
 * Scenario/export pairs that cannot pass from text, each with the reason the text cannot carry it.
 * Empty: every single-capture scenario passes from all three exports. A listed pair must still fail
 * (so the list cannot go stale).
 */
const EXCEPTIONS: Record<string, string> = {};

interface Expected {
  capture?: string;
  must: { id: string; culprit: string | null; frames: number[] }[];
  must_not: string[];
}

function ipOf(c: string): string {
  if (c.startsWith("[")) return c.slice(1, c.indexOf("]"));
  return c.split(":").length === 2 ? c.slice(0, c.lastIndexOf(":")) : c;
}

/** What is wrong with a report against expected.json: must ids, culprit (address match when the port is unknown), a key frame. */
function problems(exp: Expected, report: DiagnosisReport): string[] {
  const out: string[] = [];
  const got = report.findings;
  for (const m of exp.must) {
    const cands = got.filter((f) => f.id === m.id);
    if (cands.length === 0) out.push(`missing ${m.id} (got ${got.map((f) => f.id).join(", ")})`);
    else if (
      !cands.some(
        (f) =>
          (m.culprit === null || (f.culprit !== null && (f.culprit === m.culprit || ipOf(f.culprit) === ipOf(m.culprit)))) &&
          (m.frames.length === 0 || m.frames.some((x) => (f.frames as number[]).includes(x))),
      )
    )
      out.push(`${m.id}: want ${m.culprit} ${m.frames}; got ${JSON.stringify(cands.map((f) => [f.culprit, f.frames]))}`);
  }
  for (const bad of exp.must_not) if (got.some((f) => f.id === bad)) out.push(`must not report ${bad}`);
  return out;
}

// ---------------------------------------------------------------- case 01: seven pasted lines

test("case 01: the seven pasted lines blame the printer for its wrong SYN-ACKs", async () => {
  const { report } = await diagnoseFile(CASE01);
  const f = report.findings.find((x) => x.id === "handshake.synack-bad-ack");
  assert.ok(f, `got ${report.findings.map((x) => x.id).join(", ")}`);
  assert.equal(f.culprit, "192.168.1.11:9100");
  for (const n of [10683, 10705, 10708]) assert.ok((f.frames as number[]).includes(n), `frame ${n} cited`);
  assert.equal(f.severity, "error");
  // Plain words with the numbers from the paste: relative Ack 1020557286 where 1 was due.
  assert.match(f.summary, /Ack 1020557286 instead of 1\b/);
  assert.match(f.explanation, /ISN \+ 1/);
  assert.match(f.explanation, /client's stack does the right thing/);
  assert.equal(f.facts.badSynAcks, 3);
  // The printer accepted the connections: it refused nothing, so no handshake.refused.
  assert.ok(!report.findings.some((x) => x.id === "handshake.refused"));
  const t = report.capture.textInput;
  assert.ok(t);
  assert.equal(t.format, "Wireshark packet list");
  assert.equal(t.numbering, "relative");
  assert.equal(t.linesRead, 7);
  assert.ok(t.caveats.some((c) => /relative/.test(c) && /ISN/.test(c)));
  assert.ok(t.caveats.some((c) => /20 of them are not in the text/.test(c)));
  assert.ok(t.caveats.some((c) => /^Weaker from text: handshake\.synack-bad-ack/.test(c)));
  assert.ok(t.caveats.some((c) => /hp-pdl-datastr = 9100/.test(c)));
  // The ladder shows the numbers as pasted, not re-based ones.
  const d = report.details.find((x) => x.packets.some((p) => p.frame === 10683));
  assert.equal(d?.packets.find((p) => p.frame === 10683)?.ack, 1020557286);
});

test("case 01: every renderer says it came from text, and what text cannot tell", async () => {
  const { report } = await diagnoseFile(CASE01);
  const text = renderReportText(report, { color: false });
  assert.match(text, /What the text cannot tell/);
  assert.match(text, /from pasted text/);
  // Our stream numbers are not the user's; Wireshark's frame numbers are.
  assert.match(text, /frame\.number in \{10683 10684 10705 10708\}/);
  assert.doesNotMatch(text, /tcp\.stream eq/);
  assert.match(renderReportMarkdown(report), /## What the text cannot tell/);
  assert.match(renderReportHtml(report), /<h3>What the text cannot tell<\/h3>/);
});

// ---------------------------------------------------------------- every scenario × three exports

const dirs = scenarioDirs(SCENARIOS).filter(
  (d) => (JSON.parse(readFileSync(join(d, "expected.json"), "utf8")) as Expected).capture !== undefined,
);

test("text exports are committed for every single-capture scenario", () => {
  assert.ok(dirs.length >= 13, `found ${dirs.length}`);
  for (const d of dirs)
    for (const e of EXPORTS) assert.ok(existsSync(join(FIX, d.slice(SCENARIOS.length + 1), e)), `${d} ${e}`);
});

for (const dir of dirs) {
  const name = dir.slice(SCENARIOS.length + 1);
  const exp = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
  for (const e of EXPORTS) {
    test(`scenario ${name} from ${e}`, async () => {
      const { report } = await diagnoseFile(join(FIX, name, e));
      assert.ok(report.capture.textInput, "read as text");
      const bad = problems(exp, report);
      const why = EXCEPTIONS[`${name}/${e}`];
      if (why) assert.notDeepEqual(bad, [], `listed as an exception (${why}) but passes now`);
      else assert.deepEqual(bad, []);
      for (const f of report.findings) assert.ok(f.summary.length > 20 && f.explanation.length > 80, `${f.id} explained`);
    });
  }
}

/** Per TCP frame: Wireshark stream, relative seq/ack, length, window and analysis flags. */
async function columns(input: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  await packetList(input, (d) => {
    if (d.stream !== "") out.set(d.number, [d.stream, d.seq, d.ack, d.len, d.windowSize, d.analysisFlags].join(" "));
  });
  return out;
}

test("tcpdump text rebuilds the capture's packets exactly, but for what a pure ACK does not show", async () => {
  for (const dir of dirs) {
    const name = dir.slice(SCENARIOS.length + 1);
    const cap = await columns(join(dir, "capture.pcapng"));
    for (const e of ["tcpdump-nn.txt", "tcpdump-nn-S-tttt.txt"]) {
      const lines = readFileSync(join(FIX, name, e), "utf8").split("\n");
      const txt = await columns(join(FIX, name, e));
      assert.equal(txt.size, cap.size, `${name} ${e}: TCP frames`);
      for (const [n, v] of cap) {
        if (txt.get(n) === v) continue;
        // tcpdump prints no seq on a pure ACK: Linux's zero-window probes (seq = next − 1) look like ACKs.
        assert.ok(!/, seq \d/.test(lines[n - 1]!), `${name} ${e} frame ${n}: ${txt.get(n)} vs ${v}`);
      }
    }
  }
});

test("tshark text rebuilds TCP-only conversations exactly (relative numbers, scaled windows undone)", async () => {
  for (const name of ["synack-bad-ack", "path-loss", "receiver-silent", "zero-window", "rst-at-end/failure", "capture-incomplete"]) {
    const cap = await columns(join(SCENARIOS, name, "capture.pcapng"));
    const txt = await columns(join(FIX, name, "tshark-n.txt"));
    assert.deepEqual([...txt], [...cap], name);
  }
});

// ---------------------------------------------------------------- other layouts of the same text

const FORMATS: [file: string, format: string, numbering: string][] = [
  ["synack-tshark-tabs.txt", "tshark", "relative"],
  ["synack-tshark-date.txt", "tshark", "relative"],
  ["synack-tshark-delta.txt", "tshark", "relative"],
  ["synack-tshark-names.txt", "tshark", "relative"],
  ["synack-tshark-absolute.txt", "tshark", "absolute"],
  // These three mimic the Wireshark GUI's layouts (made from tshark output: see the report of this change).
  ["synack-wireshark.csv", "Wireshark CSV", "relative"],
  ["synack-wireshark-copy-tabs.txt", "Wireshark packet list", "relative"],
  ["synack-wireshark-export.txt", "Wireshark packet list", "relative"],
  ["synack-tcpdump-n.txt", "tcpdump", "unknown"],
  ["synack-tcpdump-t.txt", "tcpdump", "unknown"],
  ["synack-tcpdump-e-tt.txt", "tcpdump", "unknown"],
  ["synack-tcpdump-v-ttt.txt", "tcpdump", "unknown"],
  ["synack-tcpdump-ttttt.txt", "tcpdump", "unknown"],
];

for (const [file, format, numbering] of FORMATS) {
  test(`layout ${file}: ${format}, same diagnosis as the capture`, async () => {
    const { report } = await diagnoseFile(join(FIX, "formats", file));
    assert.equal(report.capture.textInput?.format, format);
    assert.equal(report.capture.textInput?.numbering, numbering);
    const exp = JSON.parse(readFileSync(join(SCENARIOS, "synack-bad-ack", "expected.json"), "utf8")) as Expected;
    assert.deepEqual(problems(exp, report), []);
    assert.equal(report.capture.tcpPackets, 24);
    if (!file.includes("-t.txt")) assert.ok(report.capture.durationSec! > 0.3, "times read");
  });
}

test("IPv6 text from tshark and tcpdump (-v two-line records too) matches the capture's verdict", async () => {
  const { report: cap } = await diagnoseFile(resolve(SCENARIOS, "..", "corpus", "real", "packetlife", "ipv6-smtp.pcapng.cap"));
  for (const f of ["ipv6-smtp-tshark-n.txt", "ipv6-smtp-tcpdump-nn.txt", "ipv6-smtp-tcpdump-v.txt"]) {
    const { report } = await diagnoseFile(join(FIX, "formats", f));
    assert.deepEqual(report.findings.map((x) => x.id), cap.findings.map((x) => x.id), f);
    assert.equal(report.capture.tcpPackets, 17, f);
    assert.match(report.connections[0]!.server, /^\[2607:f8b0:400c:c03::1a\]:25$/);
  }
});

// ---------------------------------------------------------------- input handling

async function read(input: string | Uint8Array) {
  const frames: number[] = [];
  const summary = await readCapture(typeof input === "string" ? new TextEncoder().encode(input) : input, (f) => {
    frames.push(f.number);
  });
  return { frames, summary };
}

test("standard input, a UTF-16 paste and out-of-order or repeated rows", async () => {
  const text = readFileSync(CASE01, "utf8");
  const { report } = await diagnoseFile(Readable.from([Buffer.from(text)]));
  assert.equal(report.findings[0]?.culprit, "192.168.1.11:9100");
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  assert.deepEqual((await read(utf16)).frames, [10683, 10684, 10705, 10706, 10707, 10708, 10709]);
  const lines = text.trim().split("\n");
  const shuffled = [lines[3], lines[0], lines[0], ...lines.slice(1)].join("\n");
  const r = await read(shuffled);
  assert.deepEqual(r.frames, [10683, 10684, 10705, 10706, 10707, 10708, 10709]);
  assert.deepEqual(r.summary.textInput?.linesSkipped, [{ reason: "repeats an earlier frame number", count: 2 }]);
});

test("prose around the lines is skipped and counted; tcpdump frames are packet-line numbers", async () => {
  const paste = `Here is what I see:\n\n${readFileSync(join(FIX, "synack-bad-ack", "tcpdump-nn.txt"), "utf8")}\nThanks!\n`;
  const { frames, summary } = await read(paste);
  assert.equal(frames[0], 3, "the two ARP lines count as frames 1 and 2");
  assert.equal(frames.length, 24);
  assert.deepEqual(
    summary.textInput?.linesSkipped.sort((a, b) => a.reason.localeCompare(b.reason)),
    [
      { reason: "ARP packet (not TCP)", count: 2 },
      { reason: "not a packet line", count: 2 },
    ],
  );
  assert.deepEqual([...summary.skipped], [["ARP packet (not TCP)", 2]]);
});

test("text that is no usable packet list gets a one-line message saying what it looks like", async () => {
  const dns = [
    "    1 0.000000 192.168.1.10 → 192.168.1.1  DNS 74 Standard query 0x1a2b A example.com",
    "    2 0.010211 192.168.1.1 → 192.168.1.10  DNS 90 Standard query response 0x1a2b A example.com A 93.184.216.34",
  ].join("\n");
  const udp = [
    "12:00:00.000000 IP 192.168.1.10.53000 > 192.168.1.1.53: 6699+ A? example.com. (29)",
    "12:00:00.000100 IP 192.168.1.10.5000 > 192.168.1.20.6000: UDP, length 100",
    "12:00:00.000200 ARP, Request who-has 192.168.1.1 tell 192.168.1.10, length 28",
  ].join("\n");
  const log = Array.from({ length: 3 }, (_, i) => `10.0.0.${i} - - [10/Oct/2000:13:55:3${i} -0700] "GET /a.gif HTTP/1.0" 200 2326`).join("\n");
  const cases: [string | Uint8Array, RegExp][] = [
    ["hello, these are my notes\nnothing to see\n", /^not a capture file: looks like text, but none of its 2 lines is a packet line/],
    [new Uint8Array(0), /^not a capture file: the input is empty$/],
    ["\n  \n\t\n", /^not a capture file: the text is empty/],
    [dns, /^text with no TCP packets: 2 lines of DNS$/],
    [udp, /^text with no TCP packets: 3 lines of DNS\/UDP\/ARP$/],
    [log, /^not a capture file: looks like a web server access log \(3 lines\)/],
    ['{"a": 1}\n{"b": 2}\n', /^not a capture file: looks like JSON/],
  ];
  for (const [input, re] of cases) {
    const { frames, summary } = await read(input);
    assert.equal(frames.length, 0);
    assert.equal(summary.problems.length, 1);
    assert.match(summary.problems[0]!.message, re);
    assert.doesNotMatch(summary.problems[0]!.message, /\n/);
  }
});

test("CLI: diagnose a text file and a paste on standard input", () => {
  const r = runCli(["diagnose", CASE01]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout.split("\n")[0]!, /192\.168\.1\.11:9100 answered 3 connection attempts/);
  assert.match(r.stdout, /What the text cannot tell/);
  const stdin = runCli(["diagnose", "--json", "-"], readFileSync(CASE01));
  assert.equal(stdin.code, 1, stdin.stderr);
  const j = JSON.parse(stdin.stdout) as DiagnosisReport;
  assert.equal(j.findings[0]!.culprit, "192.168.1.11:9100");
  assert.equal(j.capture.textInput?.numbering, "relative");
  const junk = runCli(["diagnose", "-"], "just some words\n");
  assert.equal(junk.code, 2);
  assert.equal(junk.stderr.trim().split("\n").length, 1);
  assert.match(junk.stderr, /not a capture file: looks like text/);
});

// ---------------------------------------------------------------- fuzzing the text parser

const SAMPLE_LINES = [
  ...readFileSync(CASE01, "utf8").split("\n"),
  ...readdirSync(join(FIX, "formats")).flatMap((f) => readFileSync(join(FIX, "formats", f), "utf8").split("\n").slice(0, 40)),
  ...EXPORTS.flatMap((e) => readFileSync(join(FIX, "challenge-ack-recovered", e), "utf8").split("\n")),
].filter((l) => l.trim() !== "");

const PIECES = ["→", ">", "->", "[", "]", "Seq=", "Ack=", "Win=", "Len=", "WS=", "SLE=", "SRE=", "TSval=", "Flags [", "S.]",
  ", seq ", ", ack ", ":", ".", "4294967295", "99999999999", "-1", "0", "\t", "  ", "TCP", "ARP", "IP6", "fe80::1", "::", "(", ")"];

async function mustNotThrow(text: string): Promise<void> {
  const started = performance.now();
  const { summary } = await read(text);
  for (const p of summary.problems) assert.equal(typeof p.message, "string");
  assert.ok(performance.now() - started < 3000, "bounded time");
}

test("fuzz: random text never throws and finishes quickly", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...PIECES), fc.constantFrom(...SAMPLE_LINES)), { maxLength: 60 }),
      fc.constantFrom(" ", "\n", "\t", ""),
      async (parts, sep) => mustNotThrow(parts.join(sep)),
    ),
    { numRuns: 300 },
  );
});

test("fuzz: mutated fixture lines never throw, through the whole diagnosis", async () => {
  const mutate = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...PIECES, "", "x", "7", " "));
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom(...SAMPLE_LINES), fc.array(mutate, { maxLength: 4 })), { minLength: 1, maxLength: 30 }),
      async (lines) => {
        const text = lines
          .map(([line, edits]) =>
            edits.reduce((l, [at, cut, put]) => {
              const i = at % (l.length + 1);
              return l.slice(0, i) + put + l.slice(i + (cut % 4));
            }, line),
          )
          .join("\n");
        await mustNotThrow(text);
        const { report } = await diagnoseFile(new TextEncoder().encode(text));
        assert.ok(Array.isArray(report.findings));
      },
    ),
    { numRuns: 150 },
  );
});
