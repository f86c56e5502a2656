/**
 * Memory and time of `tcpsleuth serve` on a big capture: starts the server (built CLI) on a temporary
 * data directory, streams the capture to POST /api/captures, polls until the analysis is done, and
 * samples the resident memory of the server process and of its analysis child every 250 ms from
 * /proc. Prints peak RSS of each, the upload time, the analysis time and a few query times.
 * (`tcpsleuth serve` runs the server program as a child process: "server" is that child.)
 *
 *   node --import tsx scripts/serve-bench.ts [bench-data/bench-large.pcap]
 */
import { spawn } from "node:child_process";
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const file = resolve(process.argv[2] ?? join(ROOT, "bench-data", "bench-large.pcap"));
const data = mkdtempSync(join(tmpdir(), "tcpsleuth-serve-bench-"));

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Processes whose parent is `pid` (the analysis child of the server). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function call(port: number, method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, method, path }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8") }));
    });
    req.on("error", fail);
    req.end();
  });
}

function upload(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: `/api/captures?name=${encodeURIComponent(path.split("/").pop()!)}`,
        headers: { "content-type": "application/octet-stream", "content-length": statSync(path).size },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8") }));
      },
    );
    req.on("error", fail);
    createReadStream(path, { highWaterMark: 1 << 20 }).pipe(req);
  });
}

async function main(): Promise<void> {
  const size = statSync(file).size;
  console.log(`capture: ${file} (${(size / 2 ** 20).toFixed(0)} MiB)`);
  const server = spawn(process.execPath, [join(ROOT, "bin", "tcpsleuth"), "serve", "--port", "0", "--data-dir", data], {
    stdio: ["ignore", "inherit", "pipe"],
  });
  const port = await new Promise<number>((ok, fail) => {
    let text = "";
    server.stderr!.on("data", (c: Buffer) => {
      text += c.toString();
      process.stderr.write(c);
      const m = /serving http:\/\/[^:]+:(\d+)\//.exec(text);
      if (m) ok(Number(m[1]));
    });
    server.on("exit", () => fail(new Error("the server exited")));
  });
  // `tcpsleuth serve` runs the server program as its child; the analysis jobs are the server's children.
  const cliPid = server.pid!;
  const pid = childrenOf(cliPid)[0] ?? cliPid;
  let peakCli = 0;
  let peakServer = 0;
  let peakChild = 0;
  /** Peak RSS of the analysis child by the phase it reported (the poll below keeps `phase`). */
  const byPhase = new Map<string, number>();
  let phase = "upload";
  const sampler = setInterval(() => {
    peakCli = Math.max(peakCli, rssMiB(cliPid));
    peakServer = Math.max(peakServer, rssMiB(pid));
    for (const c of childrenOf(pid)) {
      const r = rssMiB(c);
      peakChild = Math.max(peakChild, r);
      byPhase.set(phase, Math.max(byPhase.get(phase) ?? 0, r));
    }
  }, 250);

  const t0 = performance.now();
  const up = await upload(port, file);
  const tUp = performance.now();
  if (up.status !== 202) throw new Error(`upload answered ${up.status}: ${up.body}`);
  const { id } = JSON.parse(up.body) as { id: string };
  console.log(`upload: ${((tUp - t0) / 1000).toFixed(1)} s (${(size / 2 ** 20 / ((tUp - t0) / 1000)).toFixed(0)} MiB/s), id ${id}`);

  let lastPhase = "";
  let status = "";
  let maxPoll = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const p0 = performance.now();
    const r = await call(port, "GET", "/api/analyses");
    maxPoll = Math.max(maxPoll, performance.now() - p0);
    const a = (JSON.parse(r.body) as { analyses: { id: string; status: string }[] }).analyses.find((x) => x.id === id);
    status = a?.status ?? "gone";
    if (status === "done" || status === "failed" || status === "gone") break;
    const one = await call(port, "GET", `/api/analyses/${id}`);
    const prog = (JSON.parse(one.body) as { progress: { phase: string; fraction: number } }).progress;
    const line = `${prog.phase} ${(prog.fraction * 100).toFixed(0)}%`;
    if (prog.phase !== lastPhase) console.log(`  ${((performance.now() - tUp) / 1000).toFixed(1)} s: ${line}`);
    lastPhase = prog.phase;
    phase = prog.phase;
  }
  const tDone = performance.now();
  console.log(`analysis: ${((tDone - tUp) / 1000).toFixed(1)} s, status ${status}`);
  console.log(`slowest /api/analyses answer while analysing: ${maxPoll.toFixed(0)} ms`);
  if (status === "done") {
    const timed = async (path: string): Promise<void> => {
      const q0 = performance.now();
      const r = await call(port, "GET", `/api/analyses/${id}${path}`);
      console.log(`  GET ${path}: ${r.status}, ${(performance.now() - q0).toFixed(0)} ms, ${r.body.length} bytes`);
    };
    await timed("");
    await timed("/packets?offset=0&limit=500");
    await timed("/packets?offset=8000000&limit=500");
    await timed("/packets?offset=1000&limit=500&stream=5");
    await timed("/packets/index?no=8000000");
    await timed("/connections?limit=200&sort=bytes&order=desc");
    await timed("/streams/5");
    await timed("/streams/5/tseq?px=1200");
    await timed("/streams/5/ladder.svg");
  }
  clearInterval(sampler);
  peakServer = Math.max(peakServer, rssMiB(pid));
  console.log(
    `peak RSS: server ${peakServer.toFixed(0)} MiB, analysis child ${peakChild.toFixed(0)} MiB (the tcpsleuth serve command that started the server: ${peakCli.toFixed(0)} MiB)`,
  );
  console.log(
    `  analysis child by phase: ${[...byPhase].map(([p, r]) => `${p} ${r.toFixed(0)} MiB`).join(", ")}`,
  );
  const dbSize = (() => {
    try {
      return statSync(join(data, "analyses", id, "data.duckdb")).size;
    } catch {
      return 0;
    }
  })();
  console.log(`data.duckdb: ${(dbSize / 2 ** 20).toFixed(0)} MiB`);
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  rmSync(data, { recursive: true, force: true });
}

main().catch((err: Error) => {
  console.error(`serve-bench: ${err.message}`);
  rmSync(data, { recursive: true, force: true });
  process.exit(1);
});
