/**
 * `tcpsleuth serve` end to end: the built CLI runs the server (`--port 0`, a temporary data dir) as
 * a child process; every single-capture scenario is uploaded as a script would (raw POST; one as
 * multipart) and its findings must be those of `diagnose --json` of the same file. Then what the
 * server must refuse or survive: non-captures, oversize uploads, hostile names, concurrent uploads,
 * deletes and a restart on the same data.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, runCli } from "./support/cli.js";
import { SCENARIOS, scenarioDirs } from "./support/corpus.js";
import { collectDetails } from "../src/pipeline/details.js";

interface Expected {
  capture?: string;
  captures?: string[];
}

const single = scenarioDirs(SCENARIOS)
  .map((d) => ({ dir: d, exp: JSON.parse(readFileSync(join(d, "expected.json"), "utf8")) as Expected }))
  .filter((s) => !s.exp.captures)
  .map((s) => ({ name: s.dir.slice(SCENARIOS.length + 1), file: join(s.dir, s.exp.capture ?? "capture.pcapng") }));

const MAX_UPLOAD = 4 * 1024 * 1024;

interface Running {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
}

function startServer(dataDir: string): Promise<Running> {
  const proc = spawn(
    process.execPath,
    [BIN, "serve", "--port", "0", "--data-dir", dataDir, "--max-upload", String(MAX_UPLOAD)],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let text = "";
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start: ${text}`)), 20_000);
    proc.stderr!.on("data", (c: Buffer) => {
      text += c.toString();
      const m = /tcpsleuth: serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
      if (m) {
        clearTimeout(timer);
        ok({ proc, port: Number(m[1]), stderr: () => text });
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code}): ${text}`));
    });
  });
}

async function stopServer(s: Running): Promise<void> {
  if (s.proc.exitCode !== null) return;
  const exited = new Promise((r) => s.proc.once("exit", r));
  s.proc.kill("SIGTERM");
  await exited;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request; `body` is sent as is, or streamed from `file`, with or without Content-Length. */
function http(
  port: number,
  method: string,
  path: string,
  opts: { body?: Uint8Array | string; file?: string; headers?: Record<string, string>; chunked?: boolean } = {},
): Promise<Answer> {
  return new Promise((ok, fail) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    const data = opts.file ? readFileSync(opts.file) : opts.body;
    if (data !== undefined && !opts.chunked) headers["content-length"] = Buffer.byteLength(data);
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () =>
        ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString("utf8") }),
      );
    });
    // A server that refuses an upload early may close before the body is all sent; its answer counts.
    req.on("error", fail);
    if (data !== undefined) req.end(data);
    else req.end();
  });
}

const json = <T>(a: Answer): T => JSON.parse(a.body) as T;

interface Summary {
  id: string;
  kind: string;
  name: string;
  status: string;
  error?: string;
  findings?: unknown;
}

interface FindingLike {
  id: string;
  culprit: string | null;
  stream: number | null;
  frames: unknown[];
}

/** What must agree between the server and the CLI: ids, culprits, streams, evidence frames, in order. */
function gist(findings: FindingLike[]): unknown[] {
  return findings.map((f) => ({ id: f.id, culprit: f.culprit, stream: f.stream, frames: f.frames }));
}

const cliFindings = new Map<string, unknown[]>();
function diagnoseJson(file: string): unknown[] {
  let g = cliFindings.get(file);
  if (!g) {
    const r = runCli(["diagnose", file, "--json"]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    g = gist((JSON.parse(r.stdout) as { findings: FindingLike[] }).findings);
    cliFindings.set(file, g);
  }
  return g;
}

async function uploadRaw(port: number, file: string, name: string): Promise<string> {
  const r = await http(port, "POST", `/api/captures?name=${encodeURIComponent(name)}`, {
    file,
    headers: { "content-type": "application/octet-stream" },
  });
  assert.equal(r.status, 202, r.body);
  const a = json<{ id: string; kind: string }>(r);
  assert.match(a.id, /^[a-z0-9]{12}$/);
  assert.equal(a.kind, "capture");
  return a.id;
}

async function waitDone(port: number, id: string): Promise<Summary & Record<string, unknown>> {
  const until = Date.now() + 120_000;
  for (;;) {
    const r = await http(port, "GET", `/api/analyses/${id}`);
    assert.equal(r.status, 200, r.body);
    const a = json<Summary & Record<string, unknown>>(r);
    if (a.status === "done" || a.status === "failed") return a;
    assert.ok(Date.now() < until, `analysis ${id} still ${a.status}`);
    await new Promise((res) => setTimeout(res, 150));
  }
}

// Bounded: a hung server must fail this suite, not stall the whole test run.
describe("tcpsleuth serve", { timeout: 10 * 60_000 }, () => {
  let data: string;
  let srv: Running;
  const done = new Map<string, string>(); // scenario name → analysis id

  // If this file is stopped (a timeout), its server must not outlive it.
  const killServer = () => srv?.proc.kill("SIGKILL");

  before(async () => {
    data = mkdtempSync(join(tmpdir(), "tcpsleuth-serve-test-"));
    process.once("exit", killServer);
    srv = await startServer(data);
  });

  after(async () => {
    process.off("exit", killServer);
    if (srv) await stopServer(srv);
    rmSync(data, { recursive: true, force: true });
  });

  test("the single-capture scenarios are there", () => {
    assert.ok(single.length >= 13, `found ${single.length}`);
  });

  for (const s of single) {
    test(`scenario ${s.name}: the API gives the findings of diagnose --json`, async () => {
      const id = await uploadRaw(srv.port, s.file, `${s.name}.pcapng`);
      const a = await waitDone(srv.port, id);
      assert.equal(a.status, "done", a.error);
      assert.ok(Array.isArray(a.findings), "findings at the top level");
      assert.deepEqual(gist(a.findings as FindingLike[]), diagnoseJson(s.file));
      assert.equal(typeof a.verdict, "string");
      assert.ok(Array.isArray(a.connections) && Array.isArray(a.details), "connections and details at the top level");
      done.set(s.name, id);
    });
  }

  test("a multipart upload gives the same findings", async () => {
    const s = single.find((x) => x.name === "zero-window") ?? single[0]!;
    const form = new FormData();
    form.append("file", new Blob([readFileSync(s.file)]), "from-a-form.pcapng");
    const r = await fetch(`http://127.0.0.1:${srv.port}/api/captures`, { method: "POST", body: form });
    assert.equal(r.status, 202);
    const { id } = (await r.json()) as { id: string };
    const a = await waitDone(srv.port, id);
    assert.equal(a.status, "done", a.error);
    assert.equal(a.name, "from-a-form.pcapng");
    assert.deepEqual(gist(a.findings as FindingLike[]), diagnoseJson(s.file));
  });

  test("a body that is not a capture: 400 with a readable error, and the server goes on", async () => {
    for (const body of [
      "<!DOCTYPE html><html><body>not a capture</body></html>",
      Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256)),
      "",
    ]) {
      const r = await http(srv.port, "POST", "/api/captures?name=bad.bin", { body });
      assert.equal(r.status, 400, r.body);
      const err = json<{ error: string }>(r).error;
      assert.match(err, /^(not a capture file: |the upload is empty)/);
      assert.ok(!err.includes("\n    at "), "no stack trace");
    }
    const files = readdirSync(join(data, "uploads"));
    assert.ok(
      files.every((f) => /^[a-z0-9]{12}\.capture$/.test(f)),
      `refused uploads are deleted: ${files.join(", ")}`,
    );
    const list = await http(srv.port, "GET", "/api/analyses");
    assert.equal(list.status, 200);
  });

  test("a capture that is damaged inside: the analysis fails with one readable sentence", async () => {
    // A pcap header that promises an absurd record: readCapture names the byte offset.
    const head = Buffer.alloc(24 + 16);
    head.writeUInt32LE(0xa1b2c3d4, 0);
    head.writeUInt16LE(2, 4);
    head.writeUInt16LE(4, 6);
    head.writeUInt32LE(65535, 16);
    head.writeUInt32LE(1, 20);
    head.writeUInt32LE(0x7fffffff, 24 + 8);
    head.writeUInt32LE(0x7fffffff, 24 + 12);
    const r = await http(srv.port, "POST", "/api/captures?name=damaged.pcap", { body: head });
    assert.equal(r.status, 202, r.body);
    const a = await waitDone(srv.port, json<{ id: string }>(r).id);
    assert.equal(a.status, "failed");
    assert.match(String(a.error), /^damaged\.pcap: byte \d+: /);
    assert.equal((await http(srv.port, "GET", "/api/analyses")).status, 200);
  });

  test("over --max-upload: 413, announced or not, and nothing is kept", async () => {
    const big = Buffer.alloc(MAX_UPLOAD + 100_000);
    readFileSync(single[0]!.file).copy(big); // a real capture head, so only the size is wrong
    const before = readdirSync(join(data, "uploads")).length;
    const announced = await http(srv.port, "POST", "/api/captures?name=big.pcapng", { body: big });
    assert.equal(announced.status, 413);
    assert.match(json<{ error: string }>(announced).error, /larger than the limit of 4 MiB/);
    const chunked = await http(srv.port, "POST", "/api/captures?name=big.pcapng", { body: big, chunked: true });
    assert.equal(chunked.status, 413);
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(readdirSync(join(data, "uploads")).length, before);
    assert.equal((await http(srv.port, "GET", "/api/analyses")).status, 200);
  });

  test("an upload cut short leaves nothing behind", async () => {
    const file = readFileSync(single[0]!.file);
    const sock = connect(srv.port, "127.0.0.1");
    await new Promise((res) => sock.once("connect", res));
    sock.write(
      `POST /api/captures?name=cut.pcapng HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${file.length}\r\n\r\n`,
    );
    sock.write(file.subarray(0, Math.floor(file.length / 2)));
    await new Promise((res) => setTimeout(res, 300));
    sock.destroy();
    await new Promise((res) => setTimeout(res, 300));
    for (const f of readdirSync(join(data, "uploads"))) assert.match(f, /^[a-z0-9]{12}\.capture$/);
    const list = json<{ analyses: Summary[] }>(await http(srv.port, "GET", "/api/analyses"));
    assert.ok(!list.analyses.some((a) => a.name === "cut.pcapng"), "no analysis of a cut upload");
  });

  test("a hostile name is only ever a display string", async () => {
    const file = single[0]!.file;
    const names = ["../../etc/passwd", '<script>alert("x")</script>.pcapng'];
    for (const name of names) {
      const id = await uploadRaw(srv.port, file, name);
      const a = await waitDone(srv.port, id);
      assert.equal(a.status, "done", a.error);
      assert.equal(a.name, name);
      const html = await http(srv.port, "GET", `/api/analyses/${id}/report.html`);
      assert.equal(html.status, 200);
      assert.ok(!html.body.includes("<script"), "the name is escaped in the report");
      const cd = String(html.headers["content-disposition"]);
      assert.match(cd, /^attachment; filename="[A-Za-z0-9._-]+\.tcpsleuth\.html"$/);
    }
    for (const f of readdirSync(join(data, "uploads"))) assert.match(f, /^[a-z0-9]{12}\.capture$/);
    for (const f of readdirSync(join(data, "analyses"))) assert.match(f, /^[a-z0-9]{12}$/);
    assert.ok(!existsSync(join(data, "etc")) && !existsSync(join(data, "..", "etc", "passwd.capture")), "no path from the name");
  });

  test("two concurrent uploads are both analysed correctly", async () => {
    const [x, y] = [single[1]!, single[single.length - 1]!];
    const ids = await Promise.all([uploadRaw(srv.port, x.file, "x.pcapng"), uploadRaw(srv.port, y.file, "y.pcapng")]);
    const [ax, ay] = await Promise.all(ids.map((id) => waitDone(srv.port, id)));
    assert.deepEqual(gist(ax!.findings as FindingLike[]), diagnoseJson(x.file));
    assert.deepEqual(gist(ay!.findings as FindingLike[]), diagnoseJson(y.file));
    assert.equal(statSync(join(data, "uploads", `${ids[0]}.capture`)).size, statSync(x.file).size);
    assert.equal(statSync(join(data, "uploads", `${ids[1]}.capture`)).size, statSync(y.file).size);
  });

  test("the packet list: pages, a frame's index, one stream", async () => {
    const s = single.find((x) => x.name === "zero-window")!;
    const id = done.get("zero-window")!;
    const cli = runCli(["packets", s.file]).stdout.trimEnd().split("\n").slice(1);
    const p0 = json<{ total: number; offset: number; rows: Record<string, unknown>[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/packets?offset=0&limit=50`),
    );
    assert.equal(p0.total, cli.length);
    assert.equal(p0.rows.length, 50);
    p0.rows.forEach((r, k) => {
      assert.equal(r.no, Number(cli[k]!.slice(0, 7)));
      assert.equal(r.info, cli[k]!.slice(80), `Info of frame ${r.no}`);
    });
    const p1 = json<{ offset: number; rows: { no: number }[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/packets?offset=50&limit=10`),
    );
    assert.deepEqual(
      p1.rows.map((r) => r.no),
      cli.slice(50, 60).map((l) => Number(l.slice(0, 7))),
    );
    const bad = p0.rows.find((r) => String(r.analysis).includes("zero_window"));
    assert.ok(bad, "a zero-window frame");
    assert.equal(bad.color, "bad");
    const syn = p0.rows.find((r) => r.flags === 2);
    assert.equal(syn?.color, "syn");

    const st = json<{ total: number; rows: { no: number; stream: number }[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/packets?offset=0&limit=2000&stream=0`),
    );
    const streamLines = cli.filter((l) => l.includes(" TCP "));
    assert.equal(st.total, streamLines.length);
    assert.ok(st.rows.every((r) => r.stream === 0), "only stream 0");
    const frame = st.rows[10]!.no;
    const ix = json<{ offset: number }>(
      await http(srv.port, "GET", `/api/analyses/${id}/packets/index?no=${frame}&stream=0`),
    );
    assert.equal(ix.offset, 10);
    const all = json<{ offset: number }>(await http(srv.port, "GET", `/api/analyses/${id}/packets/index?no=${frame}`));
    assert.equal(all.offset, frame - 1);
    assert.equal((await http(srv.port, "GET", `/api/analyses/${id}/packets/index?no=1&stream=0`)).status, 404);
    assert.equal((await http(srv.port, "GET", `/api/analyses/${id}/packets?limit=5000`)).status, 400);
  });

  test("connections: filters by text, state and finding", async () => {
    const id = done.get("lpd-port-exhaustion") ?? done.get("zero-window")!;
    const all = json<{ total: number; rows: Record<string, unknown>[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/connections?limit=2000`),
    );
    assert.ok(all.total >= 1 && all.rows.length === all.total, `total ${all.total}, rows ${all.rows.length}`);
    const r0 = all.rows[0]!;
    for (const k of ["stream", "uid", "client", "server", "state", "history", "start", "duration", "packets", "bytes", "retransmissions", "zeroWindowSec", "reset", "findings", "firstFrame", "lastFrame"])
      assert.ok(k in r0, `ConnRow.${k}`);
    const state = String(r0.state);
    const byState = json<{ total: number; rows: { state: string }[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/connections?state=${state}&limit=2000`),
    );
    assert.equal(byState.total, all.rows.filter((r) => r.state === state).length);
    const port = String(r0.server).split(":").pop()!;
    const byText = json<{ total: number }>(await http(srv.port, "GET", `/api/analyses/${id}/connections?q=${port}`));
    assert.equal(byText.total, all.rows.filter((r) => `${r.client} ${r.server}`.includes(port)).length);
    const withFinding = all.rows.find((r) => (r.findings as string[]).length > 0);
    assert.ok(withFinding, "a connection with a finding");
    const fid = (withFinding.findings as string[])[0]!;
    const byFinding = json<{ total: number; rows: { findings: string[] }[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/connections?finding=${fid}&limit=2000`),
    );
    assert.ok(byFinding.total >= 1 && byFinding.rows.every((r) => r.findings.includes(fid)), `rows with ${fid}`);
    const sorted = json<{ rows: { packets: number }[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/connections?sort=packets&order=desc&limit=2000`),
    );
    const counts = sorted.rows.map((r) => r.packets);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
    assert.equal((await http(srv.port, "GET", `/api/analyses/${id}/connections?sort=packets;drop`)).status, 200);
  });

  test("a stream retried with the same port lists every attempt, and they add up to its packets", async () => {
    const id = done.get("synack-bad-ack")!;
    const st = json<{ connection: { stream: number }; attempts: { packets: number; stream: number }[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/streams/0`),
    );
    const list = json<{ total: number }>(await http(srv.port, "GET", `/api/analyses/${id}/packets?stream=0&limit=1`));
    assert.ok(st.attempts.length > 1, `${st.attempts.length} attempts in stream 0`);
    assert.equal(
      st.attempts.reduce((n, a) => n + a.packets, 0),
      list.total,
      "the attempts' packets are the stream's packets",
    );
  });

  test("a stream: its connection, ladder and time-sequence data", async () => {
    const id = done.get("zero-window")!;
    const st = json<{ connection: { stream: number }; record: { uid: number }; findings: { id: string }[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/streams/0`),
    );
    assert.equal(st.connection.stream, 0);
    assert.equal(typeof st.record.uid, "number");
    assert.ok(st.findings.some((f) => f.id === "flow.zero-window"), "the stream's finding");
    const svg = await http(srv.port, "GET", `/api/analyses/${id}/streams/0/ladder.svg?mark=3,4`);
    assert.equal(svg.status, 200);
    assert.match(String(svg.headers["content-type"]), /^image\/svg\+xml/);
    assert.ok(svg.body.includes("<svg") && !svg.body.includes("<script"), "an SVG without script");
    const ts = json<{ t0: number; series: Record<string, { t: number[]; seq: number[] }>; events: { kind: string }[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/streams/0/tseq?px=50`),
    );
    assert.ok(ts.series["a→b"]!.t.length > 0 && ts.series["b→a"]!.t.length > 0, "both directions");
    assert.ok(ts.series["a→b"]!.t.length <= 120, "decimated to about px points");
    assert.ok(ts.events.some((e) => e.kind === "zero_window"), "a zero_window event");
    assert.ok(ts.events.some((e) => e.kind === "syn"), "a syn event");
    // A stream named by no finding: its ladder comes from a pass over the capture.
    const other = done.get("lpd-port-exhaustion");
    if (other) {
      const conns = json<{ rows: { stream: number; findings: string[] }[] }>(
        await http(srv.port, "GET", `/api/analyses/${other}/connections?limit=2000`),
      );
      const plain = conns.rows.find((r) => r.findings.length === 0 && r.stream >= 0);
      if (plain) {
        const l = await http(srv.port, "GET", `/api/analyses/${other}/streams/${plain.stream}/ladder.svg`);
        assert.equal(l.status, 200, l.body);
        assert.ok(l.body.includes("<svg"), "an SVG");
        // That pass looked closely at this connection's frames only (numbered by the analysis's stream
        // creation frames); its packets are those of a pass that analyses every frame.
        const dir = join(data, "analyses", other);
        assert.ok(existsSync(join(dir, "stream-frames.f64")), "the analysis kept the stream creation frames");
        const kept = JSON.parse(readFileSync(join(dir, "streams", `${plain.stream}.json`), "utf8"));
        const file = join(SCENARIOS, "lpd-port-exhaustion", "capture.pcapng");
        const [whole] = await collectDetails(file, new Set([plain.stream]), new Set(), { maxPacketsPerStream: 3000 });
        assert.deepEqual(kept, whole);
      }
    }
    assert.equal((await http(srv.port, "GET", `/api/analyses/${id}/streams/99999`)).status, 404);
  });

  test("report.html is an attachment (inline on request), report.json a download", async () => {
    const id = done.get("zero-window")!;
    const r = await http(srv.port, "GET", `/api/analyses/${id}/report.html`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-type"]), /^text\/html/);
    assert.equal(r.headers["content-disposition"], 'attachment; filename="zero-window.pcapng.tcpsleuth.html"');
    assert.match(String(r.headers["content-security-policy"]), /default-src 'none'/);
    assert.ok(r.body.startsWith("<!DOCTYPE html>"), "an HTML page");
    const inline = await http(srv.port, "GET", `/api/analyses/${id}/report.html?inline=1`);
    assert.equal(inline.headers["content-disposition"], undefined);
    const j = await http(srv.port, "GET", `/api/analyses/${id}/report.json`);
    assert.match(String(j.headers["content-disposition"]), /^attachment; filename="zero-window\.pcapng\.tcpsleuth\.json"$/);
    assert.equal(json<{ version: number }>(j).version, 1);
  });

  test("compare and correlate jobs", async () => {
    const pair = (sub: string, a: string, b: string) => [join(SCENARIOS, sub, a), join(SCENARIOS, sub, b)] as const;
    const [good, bad] = pair("rst-at-end", "success/capture.pcapng", "failure/capture.pcapng");
    if (existsSync(good) && existsSync(bad)) {
      const a = await uploadRaw(srv.port, good, "good.pcapng");
      const b = await uploadRaw(srv.port, bad, "bad.pcapng");
      const r = await http(srv.port, "POST", "/api/comparisons", {
        body: JSON.stringify({ mode: "compare", a, b }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(r.status, 202, r.body);
      const c = await waitDone(srv.port, json<{ id: string }>(r).id);
      assert.equal(c.status, "done", c.error);
      assert.equal(c.kind, "compare");
      const cli = JSON.parse(runCli(["compare", good, bad, "--json"]).stdout) as { differences: { kind?: string }[] };
      assert.equal((c.differences as unknown[]).length, cli.differences.length);
      assert.deepEqual(c.inputs, [a, b]);
      // The stored files are <id>.capture; the report names them as uploaded.
      assert.equal(c.good, "good.pcapng");
      assert.equal(c.bad, "bad.pcapng");
      const html = await http(srv.port, "GET", `/api/analyses/${c.id}/report.html`);
      assert.equal(html.status, 200);
      for (const stored of [`${a}.capture`, `${b}.capture`]) {
        assert.ok(!html.body.includes(stored), "no stored file name in report.html");
        assert.ok(!JSON.stringify(c).includes(stored), "no stored file name in the JSON");
      }
      // The top difference's GOOD | BAD ladder, as an image for the app.
      const ladder = await http(srv.port, "GET", `/api/analyses/${c.id}/ladder.svg?n=0`);
      assert.equal(ladder.status, 200, ladder.body);
      assert.ok(ladder.body.startsWith("<svg") && ladder.body.includes("GOOD") && ladder.body.includes("BAD"));
      assert.equal((await http(srv.port, "GET", `/api/analyses/${c.id}/ladder.svg?n=99`)).status, 404);
    }
    const [outside, inside] = pair("middlebox-dropped", "outside.pcapng", "inside.pcapng");
    if (existsSync(outside) && existsSync(inside)) {
      const a = await uploadRaw(srv.port, outside, "outside.pcapng");
      const b = await uploadRaw(srv.port, inside, "inside.pcapng");
      const r = await http(srv.port, "POST", "/api/comparisons", {
        body: JSON.stringify({ mode: "correlate", a, b }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(r.status, 202, r.body);
      const c = await waitDone(srv.port, json<{ id: string }>(r).id);
      assert.equal(c.status, "done", c.error);
      const cli = JSON.parse(runCli(["correlate", outside, inside, "--json"]).stdout) as { findings: FindingLike[] };
      assert.deepEqual(
        (c.findings as FindingLike[]).map((f) => f.id),
        cli.findings.map((f) => f.id),
      );
      assert.deepEqual(
        (c.files as { file: string }[]).map((f) => f.file),
        ["outside.pcapng", "inside.pcapng"],
      );
      for (const stored of [`${a}.capture`, `${b}.capture`])
        assert.ok(!JSON.stringify(c).includes(stored), "no stored file name in the correlation");
      // Each finding with a side-by-side ladder has it as an image, named by the finding's index.
      const dropped = (c.findings as FindingLike[]).findIndex((f) => f.id === "middlebox.dropped");
      const ladder = await http(srv.port, "GET", `/api/analyses/${c.id}/ladder.svg?n=${dropped}`);
      assert.equal(ladder.status, 200, ladder.body);
      assert.ok(ladder.body.startsWith("<svg") && ladder.body.includes("outside.pcapng"), "the ladder names the files");
    }
    const bad400 = await http(srv.port, "POST", "/api/comparisons", {
      body: JSON.stringify({ mode: "compare", a: "../../etc", b: "x" }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(bad400.status, 400);
  });

  test("DELETE removes the analysis and its files", async () => {
    const id = await uploadRaw(srv.port, single[0]!.file, "to-delete.pcapng");
    await waitDone(srv.port, id);
    assert.ok(existsSync(join(data, "analyses", id)) && existsSync(join(data, "uploads", `${id}.capture`)), "files before");
    // Its database is opened by a query first, so the delete must close it.
    await http(srv.port, "GET", `/api/analyses/${id}/packets?limit=5`);
    const r = await http(srv.port, "DELETE", `/api/analyses/${id}`);
    assert.equal(r.status, 204);
    assert.ok(!existsSync(join(data, "analyses", id)) && !existsSync(join(data, "uploads", `${id}.capture`)), "files gone");
    assert.equal((await http(srv.port, "GET", `/api/analyses/${id}`)).status, 404);
    const list = json<{ analyses: { id: string }[] }>(await http(srv.port, "GET", "/api/analyses"));
    assert.ok(!list.analyses.some((a) => a.id === id), "no longer listed");
    assert.equal((await http(srv.port, "DELETE", `/api/analyses/${id}`)).status, 404);
    assert.equal((await http(srv.port, "GET", "/api/analyses/..%2F..%2Fetc")).status, 404);
  });

  test("DELETE while a ladder is being drawn waits for it; the ladder request never fails with 500", async () => {
    const lpd = single.find((s) => s.file.includes("lpd-port-exhaustion"));
    if (!lpd) return;
    const id = await uploadRaw(srv.port, lpd.file, "ladder-then-delete.pcapng");
    await waitDone(srv.port, id);
    const conns = json<{ rows: { stream: number; findings: string[] }[] }>(
      await http(srv.port, "GET", `/api/analyses/${id}/connections?limit=2000`),
    );
    const plain = conns.rows.find((r) => r.findings.length === 0 && r.stream >= 0);
    assert.ok(plain, "a stream no finding names (its ladder needs a pass over the capture)");
    const ladder = http(srv.port, "GET", `/api/analyses/${id}/streams/${plain.stream}/ladder.svg`);
    // Give the ladder request time to reach the server and start its job before the delete arrives.
    await new Promise((r) => setTimeout(r, 150));
    const del = await http(srv.port, "DELETE", `/api/analyses/${id}`);
    const l = await ladder;
    assert.equal(del.status, 204);
    assert.ok(l.status === 200 || l.status === 404, `ladder answered ${l.status}: ${l.body.slice(0, 200)}`);
    assert.ok(!existsSync(join(data, "analyses", id)), "files gone");
  });

  test("requests for another host name or from another site's page are refused", async () => {
    const rebound = await http(srv.port, "GET", "/api/analyses", { headers: { host: "evil.example:8765" } });
    assert.equal(rebound.status, 403);
    const cross = await http(srv.port, "POST", "/api/captures?name=x.pcapng", {
      file: single[0]!.file,
      headers: { origin: "https://evil.example" },
    });
    assert.equal(cross.status, 403);
    const same = await http(srv.port, "GET", "/api/analyses", { headers: { host: `localhost:${srv.port}` } });
    assert.equal(same.status, 200);
  });

  test("the app, or a page saying how to build it; unknown API paths are JSON 404s", async () => {
    const page = await http(srv.port, "GET", "/a/abc/streams/1?frame=3");
    assert.equal(page.status, 200);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assert.match(String(page.headers["content-security-policy"]), /default-src 'self'/);
    if (!existsSync(join(BIN, "..", "..", "dist", "web", "index.html"))) assert.match(page.body, /npm run build/);
    const api = await http(srv.port, "GET", "/api/nothing");
    assert.equal(api.status, 404);
    assert.ok(json<{ error: string }>(api).error.length > 0, "an error sentence");
    assert.equal((await http(srv.port, "GET", "/../../etc/passwd")).status !== 500, true);
  });

  test("after a restart on the same data directory the analyses are still listed", async () => {
    const before = json<{ analyses: Summary[] }>(await http(srv.port, "GET", "/api/analyses")).analyses;
    await stopServer(srv);
    srv = await startServer(data);
    const again = json<{ analyses: Summary[] }>(await http(srv.port, "GET", "/api/analyses")).analyses;
    assert.deepEqual(
      again.map((a) => [a.id, a.status, a.name]),
      before.map((a) => [a.id, a.status, a.name]),
    );
    const id = done.get("zero-window")!;
    const a = await waitDone(srv.port, id);
    assert.ok(Array.isArray(a.findings), "findings after the restart");
    const p = await http(srv.port, "GET", `/api/analyses/${id}/packets?limit=3`);
    assert.equal(p.status, 200);
  });
});
