/**
 * Per-packet TCP analysis against tshark 4.0.17: hand-crafted sequences (shared/research/
 * mission-anchors.md §1.9, sequence wrap-around, option-walk stops, ICMP quotes) built as real
 * packets and decoded, then analysed. Expected rows were produced by `tshark -n -2` on the same
 * packets (test/support/tshark-diff.ts writes them as a pcap); fields per row, in order:
 * tcp.stream | tcp.seq | tcp.ack | tcp.window_size | flags | duplicate_ack_num | duplicate_ack_frame |
 * acks_frame | ack_rtt | initial_rtt | bytes_in_flight | rto | rto_frame | [TCP ...] Info tags.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { newFrameRecord } from "../src/model/frame.js";
import { DecodedPacket } from "../src/model/packet.js";
import fc from "fast-check";
import { ConversationTable } from "../src/tcp/conversations.js";
import { Flag, flagNames, parseFlagNames } from "../src/tcp/flags.js";
import { TcpAnalyzer } from "../src/tcp/index.js";
import { infoTags } from "../src/tcp/info.js";
import { seqDiff, seqGt, seqLt } from "../src/util/seq.js";
import { analyzeSynth, type SynthPacket } from "./support/tcp-synth.js";
import { VECTORS } from "./support/tcp-vectors.js";
import * as V from "./support/tcp-vectors.js";
import { DIFF_FIELDS, ourFields } from "./support/tshark-diff.js";

const EXPECTED: Record<string, string[]> = {
  printerWrongAck: [
    "0|0|0|64240||||||||||",
    "0|0|12345|8192|ack_lost_segment,tfo_ack|||||||||[TCP ACKed unseen segment]",
    "0|12345|0|0||||||||||",
    "1|0|0|64240|reused_ports|||||||||[TCP Port numbers reused]",
    "1|0|12345|8192|ack_lost_segment,tfo_ack|||||||||[TCP ACKed unseen segment]",
    "1|12345|0|0||||||||||",
  ],
  halfOpenChallengeAck: [
    "0|0|0|64240||||||||||",
    "0|0|1|64240||||1|0.010000000|||||",
    "0|1|1|64240||||2|0.010000000||100|||",
    "0|1|101|64240||||3|0.010000000||100|||",
    "0|101|101|64240||||4|0.010000000|||||",
    "1|0|0|64240|reused_ports|||||0.010000000||||[TCP Port numbers reused]",
    "1|4294917997|4294877497|64240||||||||||",
    "1|4294877497|0|0||||||||||",
    "1|0|0|64240|retransmission|||||0.010000000||1.000000000|6|[TCP Retransmission]",
    "1|0|1|64240|lost_segment,reused_ports|||6|1.010000000|0.010000000||||[TCP Previous segment not captured] [TCP Port numbers reused]",
    "1|1|1|64240|ack_lost_segment|||10|0.010000000|0.010000000||||[TCP ACKed unseen segment]",
  ],
  synRetransmitted: [
    "0|0|0|64240||||||||||",
    "0|0|0|64240|retransmission|||||0.100000000||1.000000000|1|[TCP Retransmission]",
    "0|0|1|65160||||1|1.050000000|0.100000000||||",
    "0|1|1|64256||||3|0.050000000|0.100000000||||",
    "0|1|1|64256||||||0.100000000|10|||",
    "0|1|11|65152||||5|0.050000000|0.100000000||||",
  ],
  zeroWindowNoHandshake: [
    "0|1|1|1000|||||||100|||",
    "0|1|101|0|zero_window|||1|0.010000000|||||[TCP ZeroWindow]",
    "0|101|1|1000|zero_window_probe||||||1|||[TCP ZeroWindowProbe]",
    "0|1|101|0|zero_window,zero_window_probe_ack|||||||||[TCP ZeroWindowProbeAck] [TCP ZeroWindow]",
    "0|101|1|1000|zero_window_probe||||||1|||[TCP ZeroWindowProbe]",
    "0|1|101|0|zero_window,zero_window_probe_ack|||||||||[TCP ZeroWindowProbeAck] [TCP ZeroWindow]",
    "0|1|101|2000|window_update|||||||||[TCP Window Update]",
    "0|101|1|1000|||||||100|||",
    "0|1|201|2000||||8|0.010000000|||||",
    "0|200|1|1000|keep_alive|||||||||[TCP Keep-Alive]",
    "0|1|201|2000|keep_alive_ack|||||||||[TCP Keep-Alive ACK]",
    "0|200|1|1000|keep_alive||||||1|||[TCP Keep-Alive]",
  ],
  unackedThenRst: [
    "0|0|0|64240||||||||||",
    "0|0|1|8192||||1|0.001000000|||||",
    "0|1|1|64240||||2|0.001000000|||||",
    "0|1|1|64240|||||||100|||",
    "0|1|1|64240|retransmission||||||100|0.200000000|4|[TCP Retransmission]",
    "0|1|1|64240|retransmission||||||100|0.600000000|4|[TCP Retransmission]",
    "0|1|1|64240|retransmission||||||100|1.400000000|4|[TCP Retransmission]",
    "0|1|1|64240|retransmission||||||100|3.000000000|4|[TCP Retransmission]",
    "0|101|1|0||||||||||",
  ],
  dupAckFastSpurious: [
    "0|0|0|64240||||||||||",
    "0|0|1|64240||||1|0.050000000|||||",
    "0|1|1|1000||||2|0.050000000|||||",
    "0|1|1|1000|||||||100|||",
    "0|101|1|1000|||||||200|||",
    "0|301|1|1000|lost_segment|||||||||[TCP Previous segment not captured]",
    "0|401|1|1000||||||||||",
    "0|1|201|2000||||5|0.049900000|||||",
    "0|1|201|2000|duplicate_ack|1|8|||||||[TCP Dup ACK 8#1]",
    "0|1|201|2000|duplicate_ack|2|8|||||||[TCP Dup ACK 8#2]",
    "0|1|201|2000|duplicate_ack|3|8|||||||[TCP Dup ACK 8#3]",
    "0|201|1|1000|retransmission,fast_retransmission||||||300|||[TCP Fast Retransmission]",
    "0|1|501|2000||||7|0.099700000|||||",
    "0|201|1|1000|retransmission,spurious_retransmission||||||100|||[TCP Spurious Retransmission]",
  ],
  seqWrap: [
    "0|0|0|64800||||||||||",
    "0|0|1|65535||||1|0.020000000|||||",
    "0|1|1|65536||||2|0.020000000|||||",
    "0|1|1|65536|||||||200|||",
    "0|201|1|65536|||||||400|||",
    "0|401|1|65536|||||||600|||",
    "0|801|1|65536|lost_segment|||||||||[TCP Previous segment not captured]",
    "0|1|401|76800||||5|0.019900000|||||",
    "0|1|601|76800||||6|0.019900000|||||",
    "0|1|601|76800|duplicate_ack|1|9|||||||[TCP Dup ACK 9#1]",
    "0|1|601|76800|duplicate_ack|2|9|||||||[TCP Dup ACK 9#2]",
    "0|601|1|65536|retransmission,fast_retransmission||||||400|||[TCP Fast Retransmission]",
    "0|1|1001|76800||||7|0.039700000|||||",
    "0|201|1|65536|retransmission,spurious_retransmission||||||200|||[TCP Spurious Retransmission]",
    "0|1|1001|76800|duplicate_ack|1|13|||||||[TCP Dup ACK 13#1]",
    "0|1001|1|65536||||||||||",
  ],
  optionWalkStops: [
    "0|0|0|1000||||||||||",
    "0|0|1|1000||||1|0.010000000|||||",
    "0|1|1|1000||||2|0.010000000|||||",
    "0|1|1|1000|||||||100|||",
    "0|101|1|1000|||||||200|||",
    "0|1|1|8000||||||||||",
    "0|1|1|8000||||||||||",
    "0|1|1|8000|duplicate_ack|3|2|||||||[TCP Dup ACK 2#3]",
    "0|1|1|1000||||||||||",
    "0|1|201|8000||||||||||",
    "0|201||||||||||||",
    "0|1|251|8000||||||||||",
  ],
  icmpQuotes: [
    "0|0|0|1000||||||||||",
    "0|100|0|1000||||||||||",
    "0|0|1|1000||||1|0.020000000|0.020000000||||",
    "0|1|1|4000||||3|0.010000000|0.020000000||||",
    "0|101|501|1000||||||||||",
    "0|1|1|4000||||||0.020000000|10|||",
    "1|7777|0|1000||||||||||",
    "2|1|0|1000||||||||||",
    "1|1|1|1000||||||||||",
  ],
};

for (const [name, rows] of Object.entries(EXPECTED)) {
  test(`${name}: every field equals tshark 4.0.17`, () => {
    const packets = VECTORS[name]!();
    assert.equal(packets.length, rows.length);
    const a = analyzeSynth(packets);
    for (let n = 1; n <= rows.length; n++) {
      const want = rows[n - 1]!.split("|");
      const got = ourFields(a, n);
      for (let i = 0; i < DIFF_FIELDS.length; i++) {
        assert.equal(got[i], want[i], `${name} frame ${n} ${DIFF_FIELDS[i]}`);
      }
    }
  });
}

// ---- the §1.9 statements, spelled out ----

const streams = (a: TcpAnalyzer, n: number): number[] => Array.from({ length: n }, (_, i) => a.stream(i + 1));
const flagsOf = (a: TcpAnalyzer, n: number): string[] =>
  Array.from({ length: n }, (_, i) => flagNames(a.flags(i + 1)));

test("1 printer wrong ACK: ACKed-unseen on each SYN-ACK, reuse opens stream 1", () => {
  const a = analyzeSynth(V.printerWrongAck());
  assert.deepEqual(streams(a, 6), [0, 0, 0, 1, 1, 1]);
  const f = flagsOf(a, 6).map((s) => s.replace(",tfo_ack", ""));
  assert.deepEqual(f, ["", "ack_lost_segment", "", "reused_ports", "ack_lost_segment", ""]);
  assert.equal(a.ack(2), 12345);
});

test("2 stale half-open: challenge ACK unflagged, SYN retry is a retransmission with RTO 1 s", () => {
  const a = analyzeSynth(V.halfOpenChallengeAck());
  assert.deepEqual(flagsOf(a, 11).slice(5), [
    "reused_ports",
    "",
    "",
    "retransmission",
    "lost_segment,reused_ports",
    "ack_lost_segment",
  ]);
  assert.equal(a.rtoNs(9), 1e9);
  assert.equal(a.rtoFrame(9), 6);
  assert.equal(a.streamInitialRttNs(1), 10_000_000); // SYN -> challenge ACK
});

test("3 SYN retransmitted with the same ISN: retransmission only, iRTT from the retry", () => {
  const a = analyzeSynth(V.synRetransmitted());
  assert.equal(a.flags(2), Flag.RETRANSMISSION);
  assert.equal(a.stream(2), 0);
  assert.equal(a.streamInitialRttNs(0), 100_000_000);
  assert.equal(a.windowScale(4), 7);
  assert.equal(a.windowSize(4), 502 << 7);
});

test("4 zero window without handshake: ZW, probes, probe ACKs, update, keep-alives; scale unknown", () => {
  const a = analyzeSynth(V.zeroWindowNoHandshake());
  assert.deepEqual(flagsOf(a, 12), [
    "",
    "zero_window",
    "zero_window_probe",
    "zero_window,zero_window_probe_ack",
    "zero_window_probe",
    "zero_window,zero_window_probe_ack",
    "window_update",
    "",
    "",
    "keep_alive",
    "keep_alive_ack",
    "keep_alive",
  ]);
  for (let n = 1; n <= 12; n++) assert.equal(a.windowScale(n), -1);
  assert.equal(infoTags(a.flags(4)), "[TCP ZeroWindowProbeAck] [TCP ZeroWindow]");
});

test("5 unacked data then RST: four retransmissions, RTO cumulative 0.2/0.6/1.4/3.0 s", () => {
  const a = analyzeSynth(V.unackedThenRst());
  assert.deepEqual(
    [5, 6, 7, 8].map((n) => a.rtoNs(n) / 1e9),
    [0.2, 0.6, 1.4, 3],
  );
  assert.deepEqual(
    [5, 6, 7, 8].map((n) => a.rtoFrame(n)),
    [4, 4, 4, 4],
  );
  assert.equal(a.flags(9), 0);
});

test("6 hole, three dup ACKs, fast retransmission, late spurious copy", () => {
  const a = analyzeSynth(V.dupAckFastSpurious());
  assert.equal(a.flags(6), Flag.LOST_SEGMENT);
  assert.deepEqual(
    [9, 10, 11].map((n) => infoTags(a.flags(n), a.dupAckFrame(n), a.dupAckNum(n))),
    ["[TCP Dup ACK 8#1]", "[TCP Dup ACK 8#2]", "[TCP Dup ACK 8#3]"],
  );
  assert.equal(a.flags(12), Flag.FAST_RETRANSMISSION | Flag.RETRANSMISSION);
  assert.equal(a.flags(14), Flag.SPURIOUS_RETRANSMISSION | Flag.RETRANSMISSION);
  // no bytes in flight after the gap until the receiver ACKs
  assert.equal(a.bytesInFlight(6), 0);
  assert.equal(a.bytesInFlight(7), 0);
  assert.equal(a.bytesInFlight(12), 300);
});

// ---- sequence numbers across 2^32 ----

test("seq wrap: relative numbers, gap, dup ACKs and fast retransmission across 2^32", () => {
  const a = analyzeSynth(V.seqWrap());
  assert.deepEqual(
    [4, 5, 6, 7].map((n) => a.seq(n)),
    [1, 201, 401, 801],
  );
  assert.equal(a.rawSeq(5), 0xffffffc9);
  assert.equal(a.rawSeq(6), 0x91); // wrapped
  assert.equal(a.flags(7), Flag.LOST_SEGMENT);
  assert.equal(a.flags(12), Flag.FAST_RETRANSMISSION | Flag.RETRANSMISSION);
  assert.equal(a.flags(14), Flag.SPURIOUS_RETRANSMISSION | Flag.RETRANSMISSION);
  assert.equal(a.acksFrame(9), 6);
  assert.equal(a.bytesInFlight(6), 600);
});

test("seq helpers are wrap-aware", () => {
  assert.ok(seqLt(0xffffff00, 0x10));
  assert.ok(seqGt(0x10, 0xffffff00));
  assert.equal(seqDiff(0xffffff00, 0x10), 0x110);
});

test("ISN 0xffffffff: the SYN ends at 0, which Wireshark reads as 'next seq unknown'", () => {
  const a = { src: "10.1.1.1", dst: "10.1.1.2", sport: 1000, dport: 2000 };
  const b = { src: "10.1.1.2", dst: "10.1.1.1", sport: 2000, dport: 1000 };
  const pk: SynthPacket[] = [
    { t: 1000, ...a, seq: 0xffffffff, flags: "S" },
    { t: 1000.1, ...b, seq: 5, ack: 0, flags: "SA" },
    { t: 1000.2, ...a, seq: 0, ack: 6, flags: "A" },
    { t: 1000.3, ...a, seq: 100, ack: 6, flags: "A", len: 100 }, // 0..99 never captured
    { t: 1000.31, ...a, seq: 0, ack: 6, flags: "A", len: 100 },
  ];
  const r = analyzeSynth(pk);
  assert.equal(r.seq(3), 1);
  assert.equal(r.ack(2), 1);
  assert.equal(r.flags(4), 0); // no "previous segment not captured": nextseq was 0 (tshark agrees)
  assert.equal(r.flags(5), Flag.OUT_OF_ORDER); // 10 ms after the segment that advanced nextseq < iRTT
  assert.equal(r.streamInitialRttNs(0), 200_000_000);
});

test("a SYN at exactly the epoch has no time: no iRTT, so out-of-order uses the 3 ms default", () => {
  const at0 = analyzeSynth(V.dupAckFastSpurious());
  assert.ok(Number.isNaN(at0.streamInitialRttNs(0)));
  const later = analyzeSynth(shift(V.dupAckFastSpurious(), 1000));
  assert.equal(later.streamInitialRttNs(0), 100_000_000);
});

function shift(pk: SynthPacket[], s: number): SynthPacket[] {
  return pk.map((p) => ({ ...p, t: p.t + s }));
}

// ---- options ----

test("fastRetransmitSupersedesOutOfOrder=false classifies the fast retransmission as out-of-order", () => {
  // (shifted off the epoch so that the conversation has an iRTT of 100 ms: the resend is 50 ms
  // after the highest segment, inside the out-of-order threshold)
  const pk = shift(V.dupAckFastSpurious(), 1000);
  assert.equal(analyzeSynth(pk).flags(12), Flag.FAST_RETRANSMISSION | Flag.RETRANSMISSION);
  const a = analyzeSynth(pk, { fastRetransmitSupersedesOutOfOrder: false });
  assert.equal(a.flags(12), Flag.OUT_OF_ORDER);
});

test("maxUnackedSegmentsPerFlow caps the unacked list and counts the hits", () => {
  const a = analyzeSynth(V.unackedThenRst(), { maxUnackedSegmentsPerFlow: 2 });
  assert.ok(a.unackedCapHits > 0);
  const d = analyzeSynth(V.unackedThenRst());
  assert.equal(d.unackedCapHits, 0);
});

test("fastRetransmitWindowMs: a later resend is no longer fast", () => {
  const a = analyzeSynth(V.dupAckFastSpurious(), { fastRetransmitWindowMs: 0.1 });
  assert.notEqual(a.flags(12) & Flag.FAST_RETRANSMISSION, Flag.FAST_RETRANSMISSION);
});

test("options are validated", () => {
  assert.throws(() => new TcpAnalyzer({ maxUnackedSegmentsPerFlow: -1 }), RangeError);
  assert.throws(() => new TcpAnalyzer({ fastRetransmitWindowMs: Number.NaN }), RangeError);
});

// ---- API behaviour ----

test("frames without TCP get stream -1; frame numbers must increase", () => {
  const a = new TcpAnalyzer();
  const f = newFrameRecord();
  const p = new DecodedPacket();
  f.number = 1;
  a.analyze(f, p);
  assert.equal(a.stream(1), -1);
  assert.equal(a.stream(99), -1);
  assert.equal(a.flags(99), 0);
  assert.throws(() => a.analyze(f, p), RangeError);
  a.finish();
  assert.equal(a.streamCount, 0);
});

test("display values need finish()", () => {
  const a = new TcpAnalyzer();
  const f = newFrameRecord();
  f.number = 1;
  a.analyze(f, new DecodedPacket());
  assert.throws(() => a.seq(1));
});

test("conversation direction follows Wireshark's address comparison, key is unordered", () => {
  const t = new ConversationTable();
  const d = new Uint8Array([10, 0, 0, 2, 10, 0, 0, 1]);
  assert.equal(t.lookup(d, 4, 0, 4, 80, 5000), -1);
  assert.equal(t.dir, 0); // 10.0.0.2 > 10.0.0.1: flow1
  const c = t.create();
  assert.equal(t.lookup(d, 4, 4, 0, 5000, 80), c);
  assert.equal(t.dir, 1);
  const same = new Uint8Array([10, 0, 0, 1, 10, 0, 0, 1]);
  assert.equal(t.lookup(same, 4, 0, 4, 80, 81), -1);
  assert.equal(t.dir, 1); // equal addresses: higher source port is flow1
  const reuse = t.create();
  assert.notEqual(reuse, c);
});

test("the conversation table answers as a plain map of keys would, also while forgetting (property)", () => {
  // A few addresses (IPv4 and IPv6, some equal) and ports, so keys repeat, directions flip and the
  // hash table fills, forgets its least recently seen keys and shifts entries back on deletion.
  const v4 = [
    [10, 0, 0, 1],
    [10, 0, 0, 2],
    [192, 168, 1, 200],
    [255, 0, 0, 0],
  ];
  const v6 = [Array.from({ length: 16 }, (_, i) => i), Array.from({ length: 16 }, (_, i) => 255 - i)];
  // (Few enough keys that known ones come back while the table keeps only a handful.)
  const endpoint = fc.record({ a: fc.nat(3), port: fc.constantFrom(80, 50000, 65535) });
  const packet = fc.record({ v6: fc.boolean(), src: endpoint, dst: endpoint });
  fc.assert(
    fc.property(fc.array(packet, { maxLength: 400 }), fc.constantFrom(0, 3, 8, 20), (packets, maxTuples) => {
      // (A small first table: collisions, growth and shifts on deletion happen all the time.)
      const t = new ConversationTable(true, maxTuples, 2);
      const model = new Map<string, { conv: number; seen: number }>();
      let frame = 0;
      for (const p of packets) {
        frame++;
        const addrs = p.v6 ? v6 : v4;
        const src = addrs[p.src.a % addrs.length]!;
        const dst = addrs[p.dst.a % addrs.length]!;
        const d = new Uint8Array([...src, ...dst]);
        const n = src.length;
        // Wireshark's direction: address bytes, then ports (equal ports: flow2).
        let cmp = 0;
        for (let i = 0; i < n && cmp === 0; i++) cmp = src[i]! - dst[i]!;
        if (cmp === 0) cmp = p.src.port > p.dst.port ? 1 : -1;
        const dir = cmp > 0 ? 0 : 1;
        const ends = [`${src}:${p.src.port}`, `${dst}:${p.dst.port}`];
        const key = `${p.v6 ? 6 : 4}|${dir === 0 ? ends.join("|") : ends.reverse().join("|")}`;
        const got = t.lookup(d, p.v6 ? 6 : 4, 0, n, p.src.port, p.dst.port);
        assert.equal(t.dir, dir);
        const known = model.get(key);
        if (known === undefined) {
          assert.equal(got, -1, `frame ${frame}: new key`);
          if (maxTuples > 0 && model.size >= maxTuples) {
            // The least recently seen eighth (at least one) is forgotten.
            const byAge = [...model.entries()].sort((x, y) => x[1].seen - y[1].seen);
            for (const [k] of byAge.slice(0, Math.max(1, Math.floor(maxTuples / 8)))) model.delete(k);
          }
          model.set(key, { conv: t.create(frame), seen: frame });
        } else {
          assert.equal(got, known.conv, `frame ${frame}: known key`);
          if (maxTuples > 0) t.touch(frame);
          known.seen = frame;
          // Now and then the key starts a new conversation (port reuse).
          if (frame % 7 === 0) known.conv = t.create(frame);
        }
      }
    }),
    { numRuns: 300 },
  );
});

test("info tags come out in Wireshark's (reversed print) order", () => {
  assert.equal(
    infoTags(Flag.LOST_SEGMENT | Flag.REUSED_PORTS),
    "[TCP Previous segment not captured] [TCP Port numbers reused]",
  );
  assert.equal(infoTags(Flag.RETRANSMISSION | Flag.FAST_RETRANSMISSION), "[TCP Fast Retransmission]");
  assert.equal(infoTags(Flag.ZERO_WINDOW | Flag.KEEP_ALIVE), "[TCP ZeroWindow] [TCP Keep-Alive]");
  assert.equal(infoTags(Flag.DUPLICATE_ACK, 8, 3), "[TCP Dup ACK 8#3]");
  assert.equal(infoTags(Flag.TFO_SYN), "");
});

test("flag names round-trip in oracle order", () => {
  const m = Flag.RETRANSMISSION | Flag.SPURIOUS_RETRANSMISSION | Flag.TFO_IGNORED;
  assert.equal(flagNames(m), "retransmission,spurious_retransmission,tfo_ignored");
  assert.equal(parseFlagNames(flagNames(m)), m);
});
