/**
 * npm run bench [-- --runs N] [--quick] [--files a,b] [--tasks info,flows]: makes the benchmark
 * captures with ../shared/bench/make-bench-captures.sh into bench-data/ (git-ignored) when missing,
 * then times tcpsleuth against its peers on the same file in one run and prints ratios (the capture is
 * read through once before every timed run, so each starts from the page cache). Wall time,
 * CPU time (user + sys) and peak RSS come from /usr/bin/time; the run with the median wall time of
 * N runs is reported, with the load average at the start and end (the machine may be shared: CPU
 * time is the figure least moved by other jobs).
 *  --files: only these capture files (names in bench-data/, e.g. bench-large.pcap);
 *  --tasks: only these tasks (info = read + decode, flows = connections).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const DATA = join(ROOT, "bench-data");
const SHARED = resolve(ROOT, "..", "shared");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] ?? 0) || 3;
const quick = args.includes("--quick");
const listArg = (name: string): string[] | undefined => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]!.split(",") : undefined;
};
const onlyFiles = listArg("--files");
const onlyTasks = listArg("--tasks");
const TCPSLEUTH = join(ROOT, "bin", "tcpsleuth");

interface Timing {
  wallS: number;
  /** user + sys CPU seconds of the process and its threads */
  cpuS: number;
  peakMiB: number;
  ok: boolean;
}

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/**
 * Reads `file` through (not timed): every tool starts with the capture in the page cache. The kernel
 * here may reclaim cold cache pages on its own (DAMON), and a capture partly on disk again would time
 * the disk instead of the tool.
 */
function warm(file: string): void {
  const fd = openSync(file, "r");
  const buf = Buffer.allocUnsafe(4 << 20);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0) {}
  } finally {
    closeSync(fd);
  }
}

function timeOnce(cmd: string[], file: string): Timing {
  warm(file);
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M %U %S", ...cmd], {
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const [wall, kb, user, sys] = last.split(" ").map(Number);
  return {
    wallS: wall ?? Number.NaN,
    cpuS: (user ?? Number.NaN) + (sys ?? Number.NaN),
    peakMiB: (kb ?? 0) / 1024,
    ok: r.status === 0,
  };
}

function median(cmd: string[], n: number, file: string): Timing {
  const all = Array.from({ length: n }, () => timeOnce(cmd, file)).sort((a, b) => a.wallS - b.wallS);
  return all[Math.floor(all.length / 2)]!;
}

function ensureData(): void {
  if (existsSync(join(DATA, "bench-large.pcap")) && existsSync(join(DATA, "bench-small.pcap"))) return;
  console.log("making benchmark captures (about a minute) ...");
  execFileSync("bash", [join(SHARED, "bench", "make-bench-captures.sh"), DATA], { stdio: "inherit" });
}

function packetsIn(file: string): number {
  const stats = file.replace(/\.pcap(ng)?$/, ".stats.json");
  if (existsSync(stats)) {
    const j = JSON.parse(readFileSync(stats, "utf8")) as { packets?: number };
    if (j.packets) return j.packets;
  }
  return Number.NaN;
}

interface Pair {
  /** Task name for --tasks. */
  task: "info" | "flows";
  what: string;
  ours: string[];
  peer: string[] | undefined;
  peerName: string;
  /** Only on the small file (peer too slow for the large one in a benchmark run). */
  smallOnly?: boolean;
  /** On the large files: run the peer on the .pcap only, once (it takes minutes). */
  peerOnceOnLarge?: boolean;
}

function pairs(file: string): Pair[] {
  const flows = [TCPSLEUTH, "flows", "--json", file];
  return [
    {
      task: "info",
      what: "read + decode (info)",
      ours: [TCPSLEUTH, "info", file],
      peer: have("capinfos") ? ["capinfos", file] : undefined,
      peerName: "capinfos",
    },
    {
      task: "flows",
      what: "connections (flows --json)",
      ours: flows,
      peer: have("tcptrace") ? ["tcptrace", "-n", "-r", "-l", file] : undefined,
      peerName: "tcptrace -n -r -l",
    },
    {
      task: "flows",
      what: "connections (flows --json)",
      ours: flows,
      peer: have("tshark") ? ["tshark", "-2", "-q", "-z", "expert", "-r", file] : undefined,
      peerName: "tshark -2 -z expert",
      peerOnceOnLarge: true,
    },
  ];
}

/** Our timings by command line: a command measured for one pair is not run again for the next. */
const oursDone = new Map<string, Timing>();

ensureData();
if (!existsSync(join(ROOT, "dist", "cli", "main.js")))
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
const files = (
  quick ? ["bench-small.pcap"] : ["bench-small.pcap", "bench-large.pcap", "bench-large.pcapng"]
).filter((f) => onlyFiles === undefined || onlyFiles.includes(f));
const load = (): string => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const loadAtStart = existsSync("/proc/loadavg") ? load() : "?";
const rows: string[][] = [
  [
    "file",
    "task",
    "tcpsleuth s",
    "cpu s",
    "pkt/s",
    "peak MiB",
    "peer",
    "peer s",
    "peer cpu s",
    "peer MiB",
    "speed-up",
  ],
];
for (const name of files) {
  const file = join(DATA, name);
  const pkts = packetsIn(file);
  for (const p of pairs(file)) {
    if (onlyTasks !== undefined && !onlyTasks.includes(p.task)) continue;
    const small = name.includes("small");
    const n = small ? Math.max(runs, 5) : runs;
    const key = p.ours.join(" ");
    const ours = oursDone.get(key) ?? median(p.ours, n, file);
    oursDone.set(key, ours);
    let peer: Timing | undefined;
    if (p.peer && !(p.smallOnly && !small)) {
      if (!p.peerOnceOnLarge || small) peer = median(p.peer, n, file);
      else if (name.endsWith(".pcap")) peer = median(p.peer, 1, file);
    }
    rows.push([
      name,
      p.what,
      ours.ok ? ours.wallS.toFixed(2) : "FAILED",
      ours.cpuS.toFixed(2),
      Number.isFinite(pkts) ? `${(pkts / ours.wallS / 1e6).toFixed(2)} M` : "",
      ours.peakMiB.toFixed(0),
      peer ? p.peerName : "-",
      peer ? peer.wallS.toFixed(2) : "-",
      peer ? peer.cpuS.toFixed(2) : "-",
      peer ? peer.peakMiB.toFixed(0) : "-",
      peer ? `${(peer.wallS / ours.wallS).toFixed(1)}x` : "-",
    ]);
    console.log(rows[rows.length - 1]!.join("  "));
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(
  `\nmedian of ${runs} runs (5 on the small file; tshark once on the large one), whole-process wall time, CPU time (user + sys) and peak RSS; load average ${loadAtStart} at the start, ${existsSync("/proc/loadavg") ? load() : "?"} at the end:`,
);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
