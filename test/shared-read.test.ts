/**
 * A file read by another thread into shared memory and parsed in place (src/capture/shared-read.ts)
 * reads exactly like the plain reader: every frame, the summary and the damage offsets — with records
 * cut by chunk ends, records longer than the room before a chunk (joined), chunks smaller than a
 * record, the reader's own head, pcap and pcapng; compressed files are read the usual way. The filler
 * runs on this thread here (whenever the reader frees a slot), which the protocol allows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readCapture, type ReadOptions } from "../src/capture/index.js";
import {
  abortSharedRead,
  INDEX_WORDS,
  newSharedReadBuffers,
  SharedFileFiller,
  type SharedReadBuffers,
} from "../src/capture/shared-read.js";
import { openByteSource } from "../src/capture/source.js";
import { writePcap, writePcapng } from "../src/capture/writer.js";
import type { FrameRecord } from "../src/model/frame.js";

async function read(file: string, options: ReadOptions) {
  const frames: string[] = [];
  const summary = await readCapture(
    file,
    (f: FrameRecord) => {
      const bytes = f.buf.subarray(f.off, f.off + f.capLen);
      frames.push(`${f.number} ${f.tsSec}.${f.tsNsec} ${f.capLen}/${f.origLen} ${f.fileOffset} ${Buffer.from(bytes).toString("hex")}`);
    },
    { ...options, views: true },
  );
  return { frames, summary };
}

/** readCapture with a filler on this thread: filled at the start and whenever a slot is freed. */
async function readShared(file: string, b: SharedReadBuffers) {
  const filler = new SharedFileFiller(b);
  filler.fill();
  try {
    return await read(file, { sharedRead: { buffers: b, wakeFiller: () => filler.fill() } });
  } finally {
    filler.close();
  }
}

function packets(n: number, big: number) {
  return Array.from({ length: n }, (_, i) => ({
    tsSec: 1_700_000_000 + i,
    tsNsec: i * 1000,
    // mostly small records, now and then one longer than the room before a chunk
    data: Uint8Array.from({ length: i % 17 === 5 ? big : 40 + ((i * 53) % 300) }, (_, k) => (i * 7 + k) & 0xff),
  }));
}

test("a file read into shared memory by a filler reads exactly like the plain reader", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-shared-"));
  try {
    const list = packets(400, 3000);
    const pcap = writePcap(list, { linkType: 1 });
    const files: [string, Uint8Array][] = [
      ["a.pcap", pcap],
      ["cut.pcap", pcap.subarray(0, pcap.length - 77)],
      ["a.pcapng", writePcapng([{ interfaces: [{ linkType: 1 }], packets: list }])],
    ];
    for (const [name, bytes] of files) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const plain = await read(file, {});
      assert.ok(plain.frames.length > 350, name);
      //           startAt, slots, chunk, room
      const shapes: [number, number, number, number][] = [
        [0, 2, 4096, 1024], // records cut at chunk ends; the long ones are joined (room 1 KiB)
        [1000, 3, 700, 64], // the head read here first; chunks shorter than some records
        [bytes.length + 10, 2, 4096, 4096], // all of it read here
        [0, 4, 1 << 20, 1 << 16], // one chunk
      ];
      for (const [startAt, slots, chunk, room] of shapes) {
        const got = await readShared(file, newSharedReadBuffers(file, startAt, slots, chunk, room));
        const what = `${name}, startAt ${startAt}, ${slots} slots of ${chunk}, room ${room}`;
        assert.deepEqual(got.frames, plain.frames, what);
        assert.deepEqual(got.summary, plain.summary, what);
      }
    }
    // The copying interface (ByteSource.read) gives the file's bytes too.
    const file = join(dir, "a.pcap");
    const b = newSharedReadBuffers(file, 100, 2, 999, 16);
    const filler = new SharedFileFiller(b);
    filler.fill();
    const src = await openByteSource(file, { sharedRead: { buffers: b, wakeFiller: () => filler.fill() } });
    const out = new Uint8Array(pcap.length + 10);
    let got = 0;
    for (let n = -1; n !== 0; got += n) n = await src.read(out, got, Math.min(333, out.length - got));
    assert.equal(got, pcap.length);
    assert.deepEqual(out.subarray(0, got), pcap);
    await src.close();
    filler.close();
    // Compressed: read the usual way (the filler's chunks are simply not taken).
    const gz = join(dir, "a.pcap.gz");
    writeFileSync(gz, gzipSync(pcap));
    const plainGz = await read(gz, {});
    const sharedGz = await readShared(gz, newSharedReadBuffers(gz, 0, 2, 4096, 1024));
    assert.deepEqual(sharedGz.frames, plainGz.frames);
    assert.equal(sharedGz.summary.compression, "gzip");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a filler that stops leaves the reader with a one-line problem, not waiting forever", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-shared-"));
  try {
    const file = join(dir, "a.pcap");
    writeFileSync(file, writePcap(packets(300, 100), { linkType: 1 }));
    const b = newSharedReadBuffers(file, 0, 2, 2048, 512);
    const filler = new SharedFileFiller(b);
    filler.fill(); // two chunks, then nobody fills again
    setTimeout(() => abortSharedRead(b), 50);
    const got = await read(file, { sharedRead: { buffers: b, wakeFiller: () => undefined } });
    assert.ok(got.frames.length > 0);
    assert.equal(got.summary.problems.length, 1);
    assert.match(got.summary.problems[0]!.message, /could not be read/);
    filler.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the reader's event loop turns between chunks (messages, timers and progress go on)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-shared-"));
  try {
    const file = join(dir, "a.pcap");
    writeFileSync(file, writePcap(packets(400, 100), { linkType: 1 }));
    let turns = 0;
    let on = true;
    const tick = (): void => {
      turns++;
      if (on) setImmediate(tick);
    };
    setImmediate(tick);
    // about 30 chunks of 2 KiB
    const got = await readShared(file, newSharedReadBuffers(file, 0, 2, 2048, 512));
    on = false;
    assert.ok(got.frames.length === 400);
    assert.ok(turns >= 20, `the event loop turned ${turns} times`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the filler indexes a pcap chunk's whole records, and the reader reads by that index exactly as by walking", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-shared-"));
  try {
    // big- and little-endian, µs and ns; 70 000 tiny records overflow the index of a 2 MiB chunk
    const tiny = Array.from({ length: 70_000 }, (_, i) => ({
      tsSec: 1_600_000_000 + (i >> 10),
      tsNsec: (i * 7919) % 1_000_000_000,
      data: Uint8Array.of(i & 0xff),
    }));
    const list = packets(400, 3000);
    const damaged = writePcap(list, { linkType: 1 });
    // an absurd length in the 300th record's header: everything before it, then a one-line problem
    let at = 24;
    for (let k = 0; k < 300; k++) at += 16 + list[k]!.data.length;
    new DataView(damaged.buffer, damaged.byteOffset).setUint32(at + 8, 0x7fffffff, true);
    const files: [string, Uint8Array][] = [
      ["be-ns.pcap", writePcap(list, { linkType: 1, bigEndian: true, nanoseconds: true })],
      ["le-us.pcap", writePcap(list, { linkType: 1 })],
      ["damaged.pcap", damaged],
      ["tiny.pcap", writePcap(tiny, { linkType: 1, nanoseconds: true })],
    ];
    for (const [name, bytes] of files) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const plain = await read(file, {});
      for (const [startAt, slots, chunk, room] of [
        [0, 2, 2 << 20, 4096],
        [5000, 3, 9000, 128],
      ] as const) {
        const b = newSharedReadBuffers(file, startAt, slots, chunk, room);
        // The index of the first chunk: each entry a record of the file, in order.
        const probe = new SharedFileFiller(b);
        probe.fill();
        const heads = new Int32Array(b.indexHeads);
        const index = new Int32Array(b.index);
        if (name !== "damaged.pcap" || startAt === 0) assert.ok(heads[0]! > 0, `${name}: the first chunk is indexed`);
        const dv = new DataView(bytes.buffer, bytes.byteOffset);
        const little = name !== "be-ns.pcap";
        for (let k = 0; k < heads[0]!; k++) {
          const rec = startAt + index[k * INDEX_WORDS]!;
          assert.equal(index[k * INDEX_WORDS + 1], dv.getUint32(rec + 8, little), `${name} entry ${k}: captured length`);
          assert.equal(index[k * INDEX_WORDS + 3]! >>> 0, dv.getUint32(rec, little), `${name} entry ${k}: seconds`);
        }
        probe.close();
        const got = await readShared(file, newSharedReadBuffers(file, startAt, slots, chunk, room));
        const what = `${name}, startAt ${startAt}, ${slots} slots of ${chunk}, room ${room}`;
        assert.deepEqual(got.frames, plain.frames, what);
        // (How far the stream was read when damage stopped it depends on the chunks: left out.)
        assert.deepEqual({ ...got.summary, streamBytes: 0 }, { ...plain.summary, streamBytes: 0 }, what);
        if (name === "damaged.pcap") assert.match(got.summary.problems[0]!.message, /damaged here/);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an indexed shared read gives the plain reader's frames and problem on random pcap files (property)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-shared-prop-"));
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        // (Small records too: chunk edges then fall at every place of a record.)
        fc.array(fc.oneof(fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 2000 })), {
          minLength: 1,
          maxLength: 160,
        }),
        fc.record({ bigEndian: fc.boolean(), nanoseconds: fc.boolean() }),
        // damage: none, an absurd captured length in one record's header, or the file cut short
        fc.oneof(
          fc.constant({ kind: "none" as const, at: 0 }),
          fc.record({ kind: fc.constant("length" as const), at: fc.nat() }),
          fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
        ),
        fc.record({
          startAt: fc.integer({ min: 0, max: 4000 }),
          slots: fc.integer({ min: 2, max: 4 }),
          chunk: fc.integer({ min: 40, max: 6000 }),
          room: fc.integer({ min: 0, max: 2500 }),
        }),
        async (lengths, order, damage, shape) => {
          const list = lengths.map((len, i) => ({
            tsSec: 1_700_000_000 + i,
            tsNsec: i * 999,
            data: Uint8Array.from({ length: len }, (_, k) => (i * 31 + k) & 0xff),
          }));
          let bytes = writePcap(list, { linkType: 1, ...order });
          if (damage.kind === "length") {
            let at = 24;
            const k = damage.at % list.length;
            for (let i = 0; i < k; i++) at += 16 + list[i]!.data.length;
            bytes = bytes.slice();
            new DataView(bytes.buffer).setUint32(at + 8, 0x7fffffff, !order.bigEndian);
          } else if (damage.kind === "cut") {
            bytes = bytes.subarray(0, 24 + (damage.at % (bytes.length - 23)));
          }
          const file = join(dir, `p${run++}.pcap`);
          writeFileSync(file, bytes);
          const plain = await read(file, {});
          const got = await readShared(
            file,
            newSharedReadBuffers(file, shape.startAt, shape.slots, shape.chunk, shape.room),
          );
          assert.deepEqual(got.frames, plain.frames);
          // (How far the stream was read when damage stopped it depends on the chunks: left out.)
          assert.deepEqual({ ...got.summary, streamBytes: 0 }, { ...plain.summary, streamBytes: 0 });
        },
      ),
      { numRuns: 250 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
