/**
 * Differential check against a local tshark (4.0.x): write synthetic packets as a pcap, ask tshark
 * for the TCP analysis fields (two-pass, default preferences via an empty config dir) and compare
 * them with TcpAnalyzer, field by field. Only for development scripts; tests must not need tshark.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TcpAnalyzer } from "../../src/tcp/analyzer.js";
import { tcpFieldStrings } from "../../src/tcp/fields.js";
import { FLAG_NAMES } from "../../src/tcp/flags.js";
import { frameInfoTags } from "../../src/tcp/info.js";
import { analyzeSynth, type SynthPacket, writeSynthPcap } from "./tcp-synth.js";

export const DIFF_FIELDS = [
  "tcp.stream",
  "tcp.seq",
  "tcp.ack",
  "tcp.window_size",
  "flags",
  "tcp.analysis.duplicate_ack_num",
  "tcp.analysis.duplicate_ack_frame",
  "tcp.analysis.acks_frame",
  "tcp.analysis.ack_rtt",
  "tcp.analysis.initial_rtt",
  "tcp.analysis.bytes_in_flight",
  "tcp.analysis.rto",
  "tcp.analysis.rto_frame",
  "info",
] as const;

export function haveTshark(): boolean {
  return spawnSync("tshark", ["-v"], { stdio: "ignore" }).status === 0;
}

const ns = (v: number): string => (Number.isNaN(v) ? "" : (v / 1e9).toFixed(9));
const nz = (v: number): string => (v === 0 ? "" : String(v));

/** Our values for one frame, formatted as tshark prints them. */
export function ourFields(a: TcpAnalyzer, n: number): string[] {
  const t = tcpFieldStrings(a, n);
  const tags = frameInfoTags(a, n);
  return [
    t.stream,
    t.seq,
    t.ack,
    t.windowSize,
    t.flags,
    nz(a.dupAckNum(n)),
    a.dupAckNum(n) !== 0 ? String(a.dupAckFrame(n)) : "",
    nz(a.acksFrame(n)),
    ns(a.ackRttNs(n)),
    ns(a.initialRttNs(n)),
    nz(a.bytesInFlight(n)),
    ns(a.rtoNs(n)),
    nz(a.rtoFrame(n)),
    tags,
  ];
}

/** tshark's values per frame (same layout as ourFields; "info" holds the leading [TCP ...] tags). */
export function tsharkFields(pcap: string): string[][] {
  const cfg = mkdtempSync(join(tmpdir(), "tcpsleuth-ws-"));
  try {
    const flagArgs = FLAG_NAMES.flatMap((f) => ["-e", `tcp.analysis.${f}`]);
    const r = spawnSync(
      "tshark",
      [
        "-n",
        "-2",
        "-r",
        pcap,
        "-T",
        "fields",
        "-E",
        "separator=/t",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=,",
        "-e",
        "tcp.stream",
        "-e",
        "tcp.seq",
        "-e",
        "tcp.ack",
        "-e",
        "tcp.window_size",
        ...DIFF_FIELDS.slice(5, 13).flatMap((f) => ["-e", f]),
        "-e",
        "_ws.col.Info",
        ...flagArgs,
      ],
      { encoding: "utf8", env: { ...process.env, WIRESHARK_CONFIG_DIR: cfg }, maxBuffer: 1 << 28 },
    );
    if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
    const rows: string[][] = [];
    for (const line of r.stdout.split("\n")) {
      if (line === "") continue;
      const c = line.split("\t");
      const flags = FLAG_NAMES.filter((_, i) => (c[13 + i] ?? "") !== "").join(",");
      const info = c[12] ?? "";
      const m = /^((?:\[TCP [^\]]*\] ?)*)/.exec(info);
      const tags = (m?.[1] ?? "").trim();
      rows.push([c[0]!, c[1]!, c[2]!, c[3]!, flags, ...c.slice(4, 12), tags]);
    }
    return rows;
  } finally {
    rmSync(cfg, { recursive: true, force: true });
  }
}

export interface FieldDiff {
  frame: number;
  field: string;
  ours: string;
  tshark: string;
}

/** Runs both on the packets and returns every differing field. */
export function diffWithTshark(
  packets: SynthPacket[],
  pcapPath: string,
): { diffs: FieldDiff[]; tshark: string[][]; ours: string[][] } {
  writeSynthPcap(pcapPath, packets);
  const theirs = tsharkFields(pcapPath);
  const a = analyzeSynth(packets);
  const ours: string[][] = [];
  const diffs: FieldDiff[] = [];
  for (let n = 1; n <= packets.length; n++) {
    const o = ourFields(a, n);
    ours.push(o);
    const t = theirs[n - 1] ?? [];
    for (let i = 0; i < DIFF_FIELDS.length; i++) {
      if ((o[i] ?? "") !== (t[i] ?? ""))
        diffs.push({ frame: n, field: DIFF_FIELDS[i]!, ours: o[i] ?? "", tshark: t[i] ?? "" });
    }
  }
  return { diffs, tshark: theirs, ours };
}
