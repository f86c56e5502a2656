/**
 * Decoder conformance against the tshark oracle: runs readCapture + decodeFrame over every capture
 * that has a `<capture>.tshark.tsv` next to it (shared corpus and scenarios) and compares the six
 * decode columns on frames that carry exactly one TCP header in the oracle (tcp.srcport set,
 * tcp.stream without a comma), as ../shared/tools/compare-oracle.py does.
 *
 * usage: node --import tsx scripts/check-decode.ts [--all-mismatches] [--live] [ROOT_OR_CAPTURE...]
 *        (default roots: ../shared/corpus/real and ../shared/scenarios next to the repository)
 *        --live: for a capture named on the command line without an oracle file, run tshark now
 *        (default preferences, same columns) — for checking hand-made edge-case captures.
 * Exit status 0 when at least 99.9 % of those frames agree on all six columns.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readCapture } from "../src/capture/index.js";
import { decodeFrame, netDst, netSrc } from "../src/decode/index.js";
import { RecordKind } from "../src/model/frame.js";
import { DecodedPacket, TcpField } from "../src/model/packet.js";

const COLUMNS = ["ip.src/ipv6.src", "ip.dst/ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.len"];
const NEED_PERCENT = 99.9;

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const showAll = args.includes("--all-mismatches");
const live = args.includes("--live");
const roots = args.filter((a) => !a.startsWith("--"));
if (roots.length === 0) {
  roots.push(resolve(here, "../../shared/corpus/real"), resolve(here, "../../shared/scenarios"));
}

function findCaptures(p: string, outList: string[]): void {
  const st = statSync(p);
  if (st.isFile()) {
    if (!p.endsWith(".tshark.tsv")) outList.push(p);
    return;
  }
  for (const name of readdirSync(p).sort()) {
    const full = join(p, name);
    if (statSync(full).isDirectory()) findCaptures(full, outList);
    else if (name.endsWith(".tshark.tsv")) outList.push(full.slice(0, -".tshark.tsv".length));
  }
}

/** The six columns as tcpsleuth would print them for a decoded frame. */
function columnsOf(p: DecodedPacket, data: Uint8Array): string[] {
  const f = p.tcpFields;
  return [
    netSrc(p, data),
    netDst(p, data),
    f & TcpField.PORTS ? String(p.srcPort) : "",
    f & TcpField.PORTS ? String(p.dstPort) : "",
    f & TcpField.FLAGS ? `0x${p.flags.toString(16).padStart(4, "0")}` : "",
    f & TcpField.LEN ? String(p.payloadLen) : "",
  ];
}

interface Oracle {
  /** Frames with exactly one TCP header: the six columns. */
  tcp: Map<number, string[]>;
  /** Frames without TCP whose network source/destination look like IP addresses. */
  ipOnly: Map<number, string[]>;
}

const IP_TEXT = /^[0-9a-f.:]+$/;

/** The oracle's TSV for a capture: its stored file, or with --live what tshark prints now. */
function oracleText(cap: string): string {
  const stored = `${cap}.tshark.tsv`;
  if (existsSync(stored) || !live) return readFileSync(stored, "utf8");
  const config = mkdtempSync(join(tmpdir(), "ws-config-"));
  try {
    const fields = [
      "frame.number",
      "tcp.stream",
      "_ws.col.NetSrc",
      "_ws.col.NetDst",
      "tcp.srcport",
      "tcp.dstport",
      "tcp.flags",
      "tcp.len",
    ];
    const r = spawnSync(
      "tshark",
      [
        "-n",
        "-r",
        cap,
        "-o",
        'gui.column.format:"NetSrc","%uns","NetDst","%und"',
        "-T",
        "fields",
        "-E",
        "header=n",
        "-E",
        "separator=/t",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=,",
        "-E",
        "quote=n",
        ...fields.flatMap((f) => ["-e", f]),
      ],
      { encoding: "utf8", env: { ...process.env, WIRESHARK_CONFIG_DIR: config }, maxBuffer: 1 << 30 },
    );
    const header = ["frame.number", "tcp.stream", ...COLUMNS].join("\t");
    return `${header}\n${r.stdout}`;
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}

function readOracle(cap: string): Oracle {
  const lines = oracleText(cap).split("\n");
  const header = lines[0]!.split("\t");
  const idx = COLUMNS.map((c) => header.indexOf(c));
  const iStream = header.indexOf("tcp.stream");
  const tcp = new Map<number, string[]>();
  const ipOnly = new Map<number, string[]>();
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const r = line.split("\t");
    const cols = idx.map((i) => r[i] ?? "");
    if (cols[2] && !r[iStream]!.includes(",")) tcp.set(Number(r[0]), cols);
    else if (!cols[2] && (IP_TEXT.test(cols[0]!) || IP_TEXT.test(cols[1]!))) ipOnly.set(Number(r[0]), cols);
  }
  return { tcp, ipOnly };
}

const captures: string[] = [];
for (const r of roots) findCaptures(resolve(r), captures);

const agree = new Array<number>(COLUMNS.length).fill(0);
let compared = 0;
let identical = 0;
let extraTcp = 0;
let decoded = 0;
let ipOnlyCompared = 0;
let ipOnlyAgree = 0;
const ipOnlyMismatches: string[] = [];
const mismatches: string[] = [];
const readProblems: string[] = [];
const out = new DecodedPacket();
const base = resolve(here, "../..");

for (const cap of captures) {
  const oracle = readOracle(cap);
  const name = relative(base, cap);
  const seen = new Set<number>();
  let fileMismatches = 0;
  const summary = await readCapture(cap, (frame) => {
    if (frame.kind !== RecordKind.PACKET) return;
    decodeFrame(frame.linkType, frame.data, frame.origLen, out);
    decoded++;
    const want = oracle.tcp.get(frame.number);
    if (want === undefined) {
      if (out.tcpFields & TcpField.PORTS) {
        extraTcp++;
        mismatches.push(`${name} frame ${frame.number}: tshark shows no single TCP header, we decode ports`);
      }
      const addrs = oracle.ipOnly.get(frame.number);
      if (addrs !== undefined) {
        // Information only: network addresses of IP frames that carry no TCP (UDP, ICMP, ...).
        ipOnlyCompared++;
        const src = netSrc(out, frame.data);
        const dst = netDst(out, frame.data);
        if (src === addrs[0] && dst === addrs[1]) ipOnlyAgree++;
        else
          ipOnlyMismatches.push(
            `${name} frame ${frame.number}: got ${src} > ${dst}, want ${addrs[0]} > ${addrs[1]}`,
          );
      }
      return;
    }
    seen.add(frame.number);
    const got = columnsOf(out, frame.data);
    compared++;
    let same = true;
    for (let c = 0; c < COLUMNS.length; c++) {
      if (got[c] === want[c]) agree[c]!++;
      else same = false;
    }
    if (same) {
      identical++;
      return;
    }
    fileMismatches++;
    if (showAll || fileMismatches <= 10) {
      const diff = COLUMNS.map((c, i) =>
        got[i] === want[i] ? "" : `${c}: got '${got[i]}' want '${want[i]}'`,
      )
        .filter(Boolean)
        .join("; ");
      mismatches.push(`${name} frame ${frame.number} (status ${out.status} ${out.reason}): ${diff}`);
    }
  });
  for (const p of summary.problems) if (p.fatal) readProblems.push(`${name}: ${p.message}`);
  for (const n of oracle.tcp.keys()) {
    if (!seen.has(n)) {
      compared++;
      mismatches.push(`${name} frame ${n}: not delivered by the reader`);
    }
  }
  if (fileMismatches > 10 && !showAll) mismatches.push(`${name}: ... ${fileMismatches - 10} more`);
}

console.log(
  `captures: ${captures.length}, frames decoded: ${decoded}, compared (one TCP header): ${compared}`,
);
for (let c = 0; c < COLUMNS.length; c++) {
  const pct = (100 * agree[c]!) / Math.max(1, compared);
  console.log(`${COLUMNS[c]!.padEnd(18)} ${pct.toFixed(3).padStart(8)}%  (${agree[c]}/${compared})`);
}
const pct = (100 * identical) / Math.max(1, compared);
console.log(`all six columns     ${pct.toFixed(3).padStart(8)}%  (${identical}/${compared})`);
console.log(`frames where tshark shows no single TCP header but we decode ports: ${extraTcp}`);
console.log(`addresses of IP frames without TCP (information): ${ipOnlyAgree}/${ipOnlyCompared} agree`);
for (const m of ipOnlyMismatches.slice(0, showAll ? undefined : 20)) console.log(`  ${m}`);
for (const p of readProblems) console.log(`reader stopped early (tshark does too): ${p}`);
if (mismatches.length > 0) {
  console.log("\nmismatches:");
  for (const m of mismatches) console.log(`  ${m}`);
}
process.exit(pct >= NEED_PERCENT ? 0 : 1);
