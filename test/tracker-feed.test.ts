/**
 * The hand-over ring of the pipelined pass (src/pipeline/tracker-feed.ts): every field the connection
 * tracker reads comes out as it went in — across the ring's wrap-around, for IPv4 and IPv6, with
 * addresses sent once per tuple and generation (in either direction), frame numbers and times beyond
 * 32 bits, at the edges of each field's range — and a side that gives up stops the other instead of
 * leaving it waiting.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { type FrameRecord, newFrameRecord } from "../src/model/frame.js";
import { DecodedPacket, DecodeStatus, TcpField } from "../src/model/packet.js";
import { FeedAborted, FeedReader, FeedWriter, newFeedBuffers } from "../src/pipeline/tracker-feed.js";

interface Sent {
  number: number;
  hasTs: boolean;
  tsSec: number;
  tsNsec: number;
  receiverIsn: number | undefined;
  status: number;
  flags: number;
  seq: number;
  ack: number;
  payloadLen: number;
  windowRaw: number;
  ipTotalLen: number;
  ipVersion: number;
  srcPort: number;
  dstPort: number;
  mss: number;
  wscale: number;
  sackPermitted: boolean;
  hasTimestamps: boolean;
  hasTfo: boolean;
  tcpHeaderTruncated: boolean;
  inIcmpError: boolean;
  tcpFields: number;
  tcpHeaderLen: number;
  src: number[];
  dst: number[];
  stream: number;
  wsFlags: number;
  tuple: number;
  tupleGen: number;
  dir: number;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (n: number) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n });

const packet: fc.Arbitrary<Sent> = fc
  .record({
    number: fc.integer({ min: 1, max: 2 ** 40 }),
    hasTs: fc.boolean(),
    tsSec: fc.oneof(u32, fc.integer({ min: -(2 ** 31), max: 0 })),
    tsNsec: fc.oneof(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    receiverIsn: fc.option(u32, { nil: undefined }),
    status: fc.constantFrom(DecodeStatus.OK, DecodeStatus.NOT_TCP, DecodeStatus.TRUNCATED, DecodeStatus.MALFORMED),
    flags: fc.integer({ min: 0, max: 0xfff }),
    seq: u32,
    ack: u32,
    payloadLen: fc.integer({ min: -60, max: 65535 }),
    windowRaw: fc.integer({ min: 0, max: 0xffff }),
    ipTotalLen: fc.integer({ min: 0, max: 65535 + 40 }),
    ipVersion: fc.constantFrom(4, 6),
    srcPort: fc.integer({ min: 0, max: 0xffff }),
    dstPort: fc.integer({ min: 0, max: 0xffff }),
    mss: fc.integer({ min: -1, max: 0xffff }),
    wscale: fc.integer({ min: -1, max: 255 }),
    sackPermitted: fc.boolean(),
    hasTimestamps: fc.boolean(),
    hasTfo: fc.boolean(),
    tcpHeaderTruncated: fc.boolean(),
    inIcmpError: fc.boolean(),
    tcpFields: fc.integer({ min: 0, max: TcpField.PORTS | TcpField.HEADER | TcpField.FLAGS | TcpField.LEN }),
    tcpHeaderLen: fc.integer({ min: 0, max: 60 }),
    src: bytes(16),
    dst: bytes(16),
    stream: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    wsFlags: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    // (Tuple ids are small dense numbers; a few keep several generations.)
    tuple: fc.integer({ min: -1, max: 40 }),
    tupleGen: fc.integer({ min: 0, max: 3 }),
    dir: fc.constantFrom(0, 1),
  })
  .map((p) => ({ ...p, src: p.ipVersion === 4 ? p.src.slice(0, 4) : p.src, dst: p.ipVersion === 4 ? p.dst.slice(0, 4) : p.dst }));

/**
 * A list the way the analysis makes it: all packets of one tuple and generation belong to one
 * address/port pair (the first one's, by direction); tuple −1 packets have their own addresses.
 */
function consistent(list: Sent[]): Sent[] {
  const pairs = new Map<string, Sent>();
  return list.map((p) => {
    if (p.tuple < 0) return p;
    const key = `${p.tuple}:${p.tupleGen}`;
    const first = pairs.get(key);
    if (first === undefined) {
      pairs.set(key, p);
      return p;
    }
    const same = first.dir === p.dir;
    return {
      ...p,
      ipVersion: first.ipVersion,
      src: same ? first.src : first.dst,
      dst: same ? first.dst : first.src,
      srcPort: same ? first.srcPort : first.dstPort,
      dstPort: same ? first.dstPort : first.srcPort,
    };
  });
}

/** What the tracker reads of a packet: the options of SYNs only. */
function seen(p: Sent): Omit<Sent, "mss" | "wscale"> & { mss?: number; wscale?: number } {
  if ((p.flags & 0x002) !== 0) return p;
  const { mss: _m, wscale: _w, ...rest } = p;
  return rest;
}

/** Writes `p` the way the pass does: a frame whose bytes hold the addresses at odd offsets. */
function write(w: FeedWriter, p: Sent): void {
  const f = newFrameRecord();
  f.number = p.number;
  f.hasTs = p.hasTs;
  f.tsSec = p.tsSec;
  f.tsNsec = p.tsNsec;
  if (p.receiverIsn !== undefined) f.receiverIsn = p.receiverIsn;
  const d = new Uint8Array(3 + p.src.length + p.dst.length);
  d.set(p.src, 3);
  d.set(p.dst, 3 + p.src.length);
  f.data = d;
  const k = new DecodedPacket();
  Object.assign(k, {
    status: p.status,
    flags: p.flags,
    seq: p.seq,
    ack: p.ack,
    payloadLen: p.payloadLen,
    windowRaw: p.windowRaw,
    ipTotalLen: p.ipTotalLen,
    ipVersion: p.ipVersion,
    srcPort: p.srcPort,
    dstPort: p.dstPort,
    mss: p.mss,
    wscale: p.wscale,
    sackPermitted: p.sackPermitted,
    hasTimestamps: p.hasTimestamps,
    hasTfo: p.hasTfo,
    tcpHeaderTruncated: p.tcpHeaderTruncated,
    inIcmpError: p.inIcmpError,
    tcpFields: p.tcpFields,
    tcpHeaderLen: p.tcpHeaderLen,
    srcAddrOff: 3,
    dstAddrOff: 3 + p.src.length,
  });
  w.observe(f, k, p.stream, p.wsFlags, p.tuple, p.tupleGen, p.dir);
}

/** What the tracker would read of a delivered packet, in the shape of Sent. */
function read(f: FrameRecord, k: DecodedPacket, stream: number, wsFlags: number, tuple: number, tupleGen: number, dir: number): Sent {
  const n = k.ipVersion === 4 ? 4 : 16;
  return {
    number: f.number,
    hasTs: f.hasTs,
    tsSec: f.tsSec,
    tsNsec: f.tsNsec,
    receiverIsn: f.receiverIsn,
    status: k.status,
    flags: k.flags,
    seq: k.seq,
    ack: k.ack,
    payloadLen: k.payloadLen,
    windowRaw: k.windowRaw,
    ipTotalLen: k.ipTotalLen,
    ipVersion: k.ipVersion,
    srcPort: k.srcPort,
    dstPort: k.dstPort,
    mss: k.mss,
    wscale: k.wscale,
    sackPermitted: k.sackPermitted,
    hasTimestamps: k.hasTimestamps,
    hasTfo: k.hasTfo,
    tcpHeaderTruncated: k.tcpHeaderTruncated,
    inIcmpError: k.inIcmpError,
    tcpFields: k.tcpFields,
    tcpHeaderLen: k.tcpHeaderLen,
    src: [...f.data.subarray(k.srcAddrOff, k.srcAddrOff + n)],
    dst: [...f.data.subarray(k.dstAddrOff, k.dstAddrOff + n)],
    stream,
    wsFlags,
    tuple,
    tupleGen,
    dir,
  };
}

test("every field the tracker reads crosses the ring unchanged, also across its wrap-around", () => {
  fc.assert(
    fc.property(fc.array(packet, { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 5000 }), (raw, skip) => {
      const list = consistent(raw);
      const b = newFeedBuffers(2048);
      const w = new FeedWriter(b);
      const r = new FeedReader(b, newFrameRecord());
      // Move both ends past the start so the packets wrap around the ring's end: write filler
      // entries (of no tuple: they carry their own addresses) and mark them read, as the reader does.
      const got: Sent[] = [];
      const counters = new Int32Array(b.counters);
      const filler = { ...list[0]!, tuple: -1 };
      let done = 0;
      while (done < skip) {
        const n = Math.min(500, skip - done);
        for (let i = 0; i < n; i++) write(w, filler);
        done += n;
        w.publish();
        Atomics.store(counters, 1, Atomics.load(counters, 0)); // READ = WRITTEN
      }
      for (const p of list) write(w, p);
      w.close();
      r.run((...a) => {
        got.push(read(...a));
      });
      assert.deepEqual(got.map(seen), list.map(seen));
    }),
    { numRuns: 60 },
  );
});

test("a reader that gives up stops a writer waiting for room", () => {
  const b = newFeedBuffers(2048);
  const w = new FeedWriter(b);
  const r = new FeedReader(b, newFrameRecord());
  const p = fc.sample(packet, { numRuns: 1, seed: 1 })[0]!;
  r.abort();
  // Nothing is read: the ring fills (within 2048 packets: each takes a slot at least), then the writer
  // finds the reader gone instead of waiting.
  assert.throws(() => {
    for (let i = 0; i <= 2048; i++) write(w, p);
  }, FeedAborted);
});

test("a writer that gives up stops the reader", () => {
  const b = newFeedBuffers(2048);
  const w = new FeedWriter(b);
  const r = new FeedReader(b, newFrameRecord());
  const p = fc.sample(packet, { numRuns: 1, seed: 2 })[0]!;
  for (let i = 0; i < 10; i++) write(w, p);
  w.abort();
  let seen = 0;
  assert.throws(
    () =>
      r.run(() => {
        seen++;
      }),
    FeedAborted,
  );
  assert.ok(seen <= 10);
});
