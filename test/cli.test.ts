import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { OutputBuffer } from "../src/cli/common.js";
import { runCli } from "./support/cli.js";
import { CORPUS_REAL, SCENARIOS } from "./support/corpus.js";

const SSH = join(CORPUS_REAL, "zeek", "ssh-dups.pcap");

test("info --json on a capture", () => {
  const r = runCli(["info", "--json", SSH]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.packets, 377);
  assert.equal(j.format, "pcap");
  assert.equal(j.firstEpoch, "1564085940.628353000");
});

test("info reads standard input (tcpdump -w - | tcpsleuth info -)", (t) => {
  const tcpdump = spawnSync("tcpdump", ["-r", join(SCENARIOS, "zero-window", "capture.pcapng"), "-w", "-"], {
    maxBuffer: 1 << 26,
  });
  if (tcpdump.status !== 0) return t.skip("tcpdump not installed");
  const r = runCli(["info", "--json", "-"], tcpdump.stdout);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    JSON.parse(r.stdout).packets,
    Number(
      /Number of packets:\s+(\d+)/.exec(
        readFileSync(join(SCENARIOS, "zero-window", "capture.pcapng.capinfos.txt"), "utf8"),
      )![1],
    ),
  );
});

test("unusable input: one line naming the file and the offset, exit code 2, no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-"));
  const text = join(dir, "notes.txt");
  writeFileSync(text, "hello, this is not a capture\n");
  const r = runCli(["info", text]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, /notes\.txt: byte 0: not a capture file: looks like text/);
  const missing = runCli(["info", join(dir, "missing.pcap")]);
  assert.equal(missing.code, 2);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
});

test("damaged tail: frames before it are reported, exit code 0, the problem on stderr", () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-"));
  const cut = join(dir, "cut.pcap");
  const bytes = readFileSync(SSH);
  writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
  const r = runCli(["info", "--json", cut]);
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(r.stdout).packets, 376);
  assert.match(r.stderr, /cut\.pcap: byte \d+: last record cut short/);
});

test("output to a slow reader: every block arrives, with one drain listener however many blocks wait", async () => {
  const got: string[] = [];
  let most = 0;
  const slow = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, done) {
      got.push(chunk.toString());
      setImmediate(done);
    },
  });
  const out = new OutputBuffer(slow, 8);
  const sent: string[] = [];
  for (let i = 0; i < 200; i++) {
    const line = `line ${i}\n`;
    sent.push(line);
    out.write(line);
    most = Math.max(most, slow.listenerCount("drain"));
  }
  await out.flush();
  await new Promise<void>((resolve) => slow.end(resolve));
  assert.equal(got.join(""), sent.join(""));
  assert.ok(most <= 1, `${most} drain listeners at once`);
});

test("the built command line (bundled) starts its worker threads: flows --json is the same on 1, 2 and 3", () => {
  // npm test builds dist/bundle; bin/tcpsleuth runs it, and the workers are found beside it by name.
  assert.ok(existsSync(join(import.meta.dirname, "..", "dist", "bundle", "main.js")), "dist/bundle/main.js built");
  const file = join(SCENARIOS, "lpd-port-exhaustion", "capture.pcapng");
  const one = runCli(["flows", "--json", "--workers", "1", file]);
  assert.equal(one.code, 0, one.stderr);
  assert.ok(JSON.parse(one.stdout).connections.length > 10);
  for (const workers of ["2", "3"]) {
    const r = runCli(["flows", "--json", "--workers", workers, file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, one.stdout, `${workers} workers`);
  }
});
