import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { Readable } from "node:stream";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../src/capture/index.js";
import { writePcap, writePcapng } from "../src/capture/writer.js";
import { formatEpoch, RecordKind, type FrameRecord } from "../src/model/frame.js";

interface Seen {
  number: number;
  ts: string;
  len: number;
  origLen: number;
  linkType: number;
  iface: number;
  comment: string | undefined;
  kind: number;
  first: number;
}

async function collect(input: Uint8Array | Readable | string, chunkBytes?: number, readOnThisThread = false) {
  const frames: Seen[] = [];
  const summary = await readCapture(
    input,
    (f: FrameRecord) => {
      frames.push({
        number: f.number,
        ts: f.hasTs ? formatEpoch(f.tsSec, f.tsNsec) : "",
        len: f.capLen,
        origLen: f.origLen,
        linkType: f.linkType,
        iface: f.interfaceId,
        comment: f.comment,
        kind: f.kind,
        first: f.data[0] ?? -1,
      });
    },
    { ...(chunkBytes ? { chunkBytes } : {}), readOnThisThread },
  );
  return { frames, summary };
}

function pkt(tsSec: number, tsNsec: number, len: number, fill: number) {
  return { tsSec, tsNsec, data: new Uint8Array(len).fill(fill) };
}

test("pcap: both byte orders, µs and ns, exact timestamps and lengths", async () => {
  for (const bigEndian of [false, true]) {
    for (const nanoseconds of [false, true]) {
      const bytes = writePcap(
        [pkt(1700000000, 123456789, 60, 1), { ...pkt(1700000001, 5000, 1514, 2), origLen: 9000 }],
        {
          linkType: 1,
          bigEndian,
          nanoseconds,
        },
      );
      const { frames, summary } = await collect(bytes);
      assert.equal(summary.problems.length, 0);
      assert.equal(summary.format, nanoseconds ? "nsecpcap" : "pcap");
      assert.equal(summary.byteOrder, bigEndian ? "big" : "little");
      assert.deepEqual(
        frames.map((f) => [f.number, f.ts, f.len, f.origLen, f.linkType, f.first]),
        [
          [1, nanoseconds ? "1700000000.123456789" : "1700000000.123456000", 60, 60, 1, 1],
          [2, "1700000001.000005000", 1514, 9000, 1, 2],
        ],
      );
    }
  }
});

test("records spanning chunk boundaries and larger than the buffer are read whole", async () => {
  const packets = Array.from({ length: 50 }, (_, i) => pkt(1000 + i, i * 1000, 17 + i * 37, i));
  const bytes = writePcap(packets, { linkType: 101 });
  for (const chunk of [7, 64, 1000, 1 << 20]) {
    const { frames, summary } = await collect(bytes, chunk);
    assert.equal(summary.problems.length, 0, `chunk ${chunk}`);
    assert.equal(frames.length, 50);
    assert.deepEqual(
      frames.map((f) => f.len),
      packets.map((p) => p.data.length),
    );
  }
});

test("a file read on this thread (readOnThisThread) gives what the read-ahead gives, damage included", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-read-"));
  try {
    const packets = Array.from({ length: 300 }, (_, i) => pkt(1000 + i, i * 1000, 17 + ((i * 37) % 900), i));
    const whole = writePcap(packets, { linkType: 101 });
    const cut = whole.subarray(0, whole.length - 25);
    const ng = writePcapng([{ interfaces: [{ linkType: 1 }], packets }]);
    for (const [name, bytes] of [["whole.pcap", whole], ["cut.pcap", cut], ["file.pcapng", ng]] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      for (const chunk of [100, 70_000, 1 << 20]) {
        const ahead = await collect(file, chunk);
        const here = await collect(file, chunk, true);
        assert.ok(ahead.frames.length > 250, name);
        assert.deepEqual(here.frames, ahead.frames, `${name}, chunk ${chunk}`);
        assert.deepEqual(here.summary, ahead.summary, `${name}, chunk ${chunk}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("pcap cut short: frames before the damage are delivered and the offset is named", async () => {
  const bytes = writePcap([pkt(1, 0, 100, 1), pkt(2, 0, 100, 2)], { linkType: 1 });
  const { frames, summary } = await collect(bytes.subarray(0, bytes.length - 10));
  assert.equal(frames.length, 1);
  assert.equal(summary.problems.length, 1);
  assert.equal(summary.problems[0]!.offset, 24 + 116);
  assert.match(summary.problems[0]!.message, /cut short/);
});

test("pcap with an absurd record length stops there with a clear message", async () => {
  const bytes = writePcap([pkt(1, 0, 40, 1), pkt(2, 0, 40, 2)], { linkType: 1 });
  const dv = new DataView(bytes.buffer);
  dv.setUint32(24 + 56 + 8, 0x7fffffff, true);
  const { frames, summary } = await collect(bytes);
  assert.equal(frames.length, 1);
  assert.equal(summary.problems[0]!.offset, 24 + 56);
  assert.match(summary.problems[0]!.message, /more than the maximum/);
});

test("pcapng: sections of both byte orders, tsresol powers of 10 and 2, tsoffset, comments", async () => {
  const bytes = writePcapng([
    {
      comment: "first section",
      interfaces: [
        { linkType: 1, name: "eth0" },
        { linkType: 113, tsresol: 9 },
      ],
      packets: [
        { ...pkt(1600000000, 250000000, 60, 1), comment: "hello" },
        { ...pkt(1600000000, 999999999, 70, 2), interfaceId: 1 },
      ],
      extraBlocks: [
        { type: 4, body: new Uint8Array(8) }, // name resolution
        { type: 0x0a, body: new Uint8Array(16) }, // decryption secrets
        { type: 0x12345678, body: new Uint8Array(4) }, // unknown
      ],
    },
    {
      bigEndian: true,
      interfaces: [{ linkType: 101, tsresol: 0x80 | 20, tsoffsetSec: 100 }],
      packets: [pkt(1600000100, 500000000, 80, 3)],
    },
  ]);
  const { frames, summary } = await collect(bytes);
  assert.deepEqual(summary.problems, []);
  assert.equal(summary.sections.length, 2);
  assert.deepEqual(
    summary.sections.map((s) => s.byteOrder),
    ["little", "big"],
  );
  assert.deepEqual(summary.sections[0]!.comments, ["first section"]);
  assert.deepEqual(
    frames.map((f) => [f.number, f.ts, f.linkType, f.iface, f.comment]),
    [
      [1, "1600000000.250000000", 1, 0, "hello"],
      [2, "1600000000.999999999", 113, 1, undefined],
      [3, "1600000100.500000000", 101, 2, undefined],
    ],
  );
  assert.equal(summary.interfaces.length, 3);
  assert.equal(summary.interfaces[1]!.precisionDigits, 9);
  assert.equal(summary.commentedFrames, 1);
});

test("pcapng custom blocks are numbered frames without packets, as Wireshark numbers them", async () => {
  const bytes = writePcapng([
    {
      interfaces: [{ linkType: 1 }],
      packets: [pkt(10, 0, 60, 1)],
      extraBlocks: [{ type: 0xbad, body: new Uint8Array([0, 0, 0x7e, 0xd9, 1, 2, 3, 4]) }],
    },
  ]);
  const { frames, summary } = await collect(bytes);
  assert.deepEqual(
    frames.map((f) => [f.number, f.kind]),
    [
      [1, RecordKind.CUSTOM_BLOCK],
      [2, RecordKind.PACKET],
    ],
  );
  assert.equal(summary.frames, 1);
  assert.equal(summary.records, 2);
});

test("gzip-compressed input and streams are detected by magic, not by name", async () => {
  const bytes = writePcap([pkt(5, 0, 60, 9), pkt(6, 0, 61, 8)], { linkType: 1 });
  const gz = gzipSync(bytes);
  const a = await collect(gz);
  assert.equal(a.summary.compression, "gzip");
  assert.deepEqual(
    a.frames.map((f) => f.len),
    [60, 61],
  );
  const b = await collect(Readable.from([gz.subarray(0, 5), gz.subarray(5)]));
  assert.deepEqual(
    b.frames.map((f) => f.len),
    [60, 61],
  );
  const c = await collect(Readable.from([bytes.subarray(0, 3), bytes.subarray(3, 50), bytes.subarray(50)]));
  assert.deepEqual(
    c.frames.map((f) => f.len),
    [60, 61],
  );
});

test("zstd-compressed input (fixture made with zstd 1.5.4)", async () => {
  const { frames, summary } = await collect(
    new URL("./fixtures/two-frames.pcap.zst", import.meta.url).pathname,
  );
  assert.equal(summary.compression, "zstd");
  assert.deepEqual(summary.problems, []);
  assert.deepEqual(
    frames.map((f) => f.len),
    [60, 61],
  );
});

test("damaged gzip: frames before the damage, then a one-line problem", async () => {
  const bytes = writePcap(
    Array.from({ length: 200 }, (_, i) => pkt(i, 0, 100, i)),
    { linkType: 1 },
  );
  const gz = gzipSync(bytes);
  const { frames, summary } = await collect(gz.subarray(0, Math.floor(gz.length / 2)));
  assert.ok(frames.length < 200);
  assert.equal(summary.problems.length, 1);
});

test("not a capture: text, html, empty and unknown binary are named", async () => {
  const cases: [Uint8Array, RegExp][] = [
    [
      new TextEncoder().encode("No.     Time  Source  Destination\n1 0.000 10.0.0.1 10.0.0.2 TCP\n"),
      /looks like text/,
    ],
    [new TextEncoder().encode("<!DOCTYPE html><html></html>"), /HTML/],
    [new Uint8Array(0), /empty/],
    [Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3), /unknown format \(first bytes de ad be ef\)/],
  ];
  for (const [bytes, re] of cases) {
    const { frames, summary } = await collect(bytes);
    assert.equal(frames.length, 0);
    assert.equal(summary.problems.length, 1);
    assert.match(summary.problems[0]!.message, /^not a capture file: /);
    assert.match(summary.problems[0]!.message, re);
  }
});

test("a missing file is a problem, not an exception", async () => {
  const { summary } = await collect("/nonexistent/file.pcap");
  assert.match(summary.problems[0]!.message, /no such file/);
});
