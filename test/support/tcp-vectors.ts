/**
 * Hand-crafted TCP packet sequences (shared/research/mission-anchors.md §1.9 plus sequence-number
 * wrap-around). Expected values in test/tcp-analysis.test.ts were read from tshark 4.0.17
 * (`tshark -n -2`, default preferences) on these very packets written with writeSynthPcap.
 */
import type { SynthPacket } from "./tcp-synth.js";

const C = "10.0.0.5";
const P = "10.0.0.9";

/** 1. Printer: SYN-ACK acknowledges ISN+12345, client resets; again from the same port with a new ISN. */
export function printerWrongAck(): SynthPacket[] {
  const out: SynthPacket[] = [];
  for (const [i, isn, srvIsn] of [
    [0, 1000, 5000],
    [1, 2000, 6000],
  ] as const) {
    const t = i * 1.0;
    out.push({ t, src: C, dst: P, sport: 721, dport: 515, seq: isn, flags: "S", win: 64240, mss: 1460 });
    out.push({
      t: t + 0.001,
      src: P,
      dst: C,
      sport: 515,
      dport: 721,
      seq: srvIsn,
      ack: isn + 12345,
      flags: "SA",
      win: 8192,
      mss: 1460,
    });
    out.push({ t: t + 0.0012, src: C, dst: P, sport: 721, dport: 515, seq: isn + 12345, flags: "R", win: 0 });
  }
  return out;
}

/** 2. Stale half-open: the server still holds the old connection and answers a new SYN with a challenge ACK. */
export function halfOpenChallengeAck(): SynthPacket[] {
  const cp = 40000;
  const a = { src: C, dst: P, sport: cp, dport: 80 };
  const b = { src: P, dst: C, sport: 80, dport: cp };
  return [
    { t: 0, ...a, seq: 100, flags: "S", win: 64240, mss: 1460 },
    { t: 0.01, ...b, seq: 600, ack: 101, flags: "SA", win: 64240, mss: 1460 },
    { t: 0.02, ...a, seq: 101, ack: 601, flags: "PA", win: 64240, len: 100 },
    { t: 0.03, ...b, seq: 601, ack: 201, flags: "PA", win: 64240, len: 100 },
    { t: 0.04, ...a, seq: 201, ack: 701, flags: "A", win: 64240 },
    // much later, the client reuses the port with a new ISN
    { t: 100, ...a, seq: 90000, flags: "S", win: 64240, mss: 1460 },
    { t: 100.01, ...b, seq: 701, ack: 201, flags: "A", win: 64240 },
    { t: 100.02, ...a, seq: 201, flags: "R", win: 0 },
    { t: 101, ...a, seq: 90000, flags: "S", win: 64240, mss: 1460 },
    { t: 101.01, ...b, seq: 50000, ack: 90001, flags: "SA", win: 64240, mss: 1460 },
    { t: 101.02, ...a, seq: 90001, ack: 50001, flags: "A", win: 64240 },
  ];
}

/** 3. SYN retransmitted with the same ISN before the SYN-ACK. */
export function synRetransmitted(): SynthPacket[] {
  const a = { src: C, dst: P, sport: 40001, dport: 80 };
  const b = { src: P, dst: C, sport: 80, dport: 40001 };
  return [
    { t: 0, ...a, seq: 7000, flags: "S", win: 64240, mss: 1460, ws: 7 },
    { t: 1, ...a, seq: 7000, flags: "S", win: 64240, mss: 1460, ws: 7 },
    { t: 1.05, ...b, seq: 9000, ack: 7001, flags: "SA", win: 65160, mss: 1460, ws: 7 },
    { t: 1.1, ...a, seq: 7001, ack: 9001, flags: "A", win: 502 },
    { t: 1.2, ...a, seq: 7001, ack: 9001, flags: "PA", win: 502, len: 10 },
    { t: 1.25, ...b, seq: 9001, ack: 7011, flags: "A", win: 509 },
  ];
}

/** 4. Zero window without a handshake (scale unknown): probes, probe ACKs, update, keep-alives. */
export function zeroWindowNoHandshake(): SynthPacket[] {
  const s = { src: "192.168.1.10", dst: "192.168.1.20", sport: 5000, dport: 6000 };
  const r = { src: "192.168.1.20", dst: "192.168.1.10", sport: 6000, dport: 5000 };
  return [
    { t: 0, ...s, seq: 1001, ack: 5001, flags: "PA", win: 1000, len: 100 },
    { t: 0.01, ...r, seq: 5001, ack: 1101, flags: "A", win: 0 },
    { t: 0.5, ...s, seq: 1101, ack: 5001, flags: "A", win: 1000, len: 1 },
    { t: 0.51, ...r, seq: 5001, ack: 1101, flags: "A", win: 0 },
    { t: 1.5, ...s, seq: 1101, ack: 5001, flags: "A", win: 1000, len: 1 },
    { t: 1.51, ...r, seq: 5001, ack: 1101, flags: "A", win: 0 },
    { t: 2, ...r, seq: 5001, ack: 1101, flags: "A", win: 2000 },
    { t: 2.01, ...s, seq: 1101, ack: 5001, flags: "PA", win: 1000, len: 100 },
    { t: 2.02, ...r, seq: 5001, ack: 1201, flags: "A", win: 2000 },
    { t: 60, ...s, seq: 1200, ack: 5001, flags: "A", win: 1000 },
    { t: 60.01, ...r, seq: 5001, ack: 1201, flags: "A", win: 2000 },
    { t: 120, ...s, seq: 1200, ack: 5001, flags: "A", win: 1000, len: 1 },
  ];
}

/** 5. Data never acknowledged: retransmissions with exponential backoff, then RST. */
export function unackedThenRst(): SynthPacket[] {
  const a = { src: C, dst: P, sport: 40002, dport: 9100 };
  const b = { src: P, dst: C, sport: 9100, dport: 40002 };
  return [
    { t: 0, ...a, seq: 1, flags: "S", win: 64240, mss: 1460 },
    { t: 0.001, ...b, seq: 1000, ack: 2, flags: "SA", win: 8192, mss: 1460 },
    { t: 0.002, ...a, seq: 2, ack: 1001, flags: "A", win: 64240 },
    { t: 1, ...a, seq: 2, ack: 1001, flags: "PA", win: 64240, len: 100 },
    { t: 1.2, ...a, seq: 2, ack: 1001, flags: "PA", win: 64240, len: 100 },
    { t: 1.6, ...a, seq: 2, ack: 1001, flags: "PA", win: 64240, len: 100 },
    { t: 2.4, ...a, seq: 2, ack: 1001, flags: "PA", win: 64240, len: 100 },
    { t: 4, ...a, seq: 2, ack: 1001, flags: "PA", win: 64240, len: 100 },
    { t: 7, ...a, seq: 102, ack: 1001, flags: "RA", win: 0 },
  ];
}

/** 6. A hole, three duplicate ACKs, a fast retransmission, then a late spurious copy. */
export function dupAckFastSpurious(): SynthPacket[] {
  const a = { src: C, dst: P, sport: 40003, dport: 80 };
  const b = { src: P, dst: C, sport: 80, dport: 40003 };
  const d = (t: number, seq: number): SynthPacket => ({
    t,
    ...a,
    seq,
    ack: 501,
    flags: "A",
    win: 1000,
    len: 100,
  });
  const ack = (t: number, n: number): SynthPacket => ({ t, ...b, seq: 501, ack: n, flags: "A", win: 2000 });
  return [
    { t: 0, ...a, seq: 0, flags: "S", win: 64240, mss: 1460 },
    { t: 0.05, ...b, seq: 500, ack: 1, flags: "SA", win: 64240, mss: 1460 },
    { t: 0.1, ...a, seq: 1, ack: 501, flags: "A", win: 1000 },
    d(0.2, 1),
    d(0.2001, 101),
    // 201..301 never captured
    d(0.2002, 301),
    d(0.2003, 401),
    ack(0.25, 201),
    ack(0.2501, 201),
    ack(0.2502, 201),
    ack(0.2503, 201),
    d(0.2505, 201),
    ack(0.3, 501),
    d(0.5, 201),
  ];
}

/** 7. Sequence numbers wrapping through 2^32: data, a gap, a retransmission and ACKs across 0. */
export function seqWrap(): SynthPacket[] {
  const a = { src: "2001:db8::1", dst: "2001:db8::2", sport: 50000, dport: 443 };
  const b = { src: "2001:db8::2", dst: "2001:db8::1", sport: 443, dport: 50000 };
  const isn = 0xffffff00;
  const srv = 0xfffffff0;
  const d = (t: number, seq: number, len = 200): SynthPacket => ({
    t,
    ...a,
    seq: seq >>> 0,
    ack: (srv + 1) >>> 0,
    flags: "A",
    win: 512,
    len,
  });
  const ack = (t: number, n: number): SynthPacket => ({
    t,
    ...b,
    seq: (srv + 1) >>> 0,
    ack: n >>> 0,
    flags: "A",
    win: 300,
  });
  return [
    { t: 0, ...a, seq: isn, flags: "S", win: 64800, mss: 1440, ws: 7, sackPerm: true },
    { t: 0.02, ...b, seq: srv, ack: isn + 1, flags: "SA", win: 65535, mss: 1440, ws: 8, sackPerm: true },
    { t: 0.04, ...a, seq: isn + 1, ack: (srv + 1) >>> 0, flags: "A", win: 512 },
    d(0.05, isn + 1), // 0xffffff01 .. 0x000001c9? no: ends at 0xffffffc9
    d(0.0501, isn + 201), // crosses 2^32
    d(0.0502, isn + 401),
    // isn+601 .. +801 lost
    d(0.0503, isn + 801),
    ack(0.07, isn + 401),
    ack(0.0701, isn + 601),
    ack(0.0702, isn + 601),
    ack(0.0703, isn + 601),
    d(0.0705, isn + 601), // fast retransmission across the wrap
    ack(0.09, isn + 1001),
    d(0.3, isn + 201), // spurious
    {
      t: 0.31,
      ...b,
      seq: (srv + 1) >>> 0,
      ack: (isn + 1001) >>> 0,
      flags: "A",
      win: 300,
      sack: [[(isn + 201) >>> 0, (isn + 401) >>> 0]],
    },
    d(0.4, isn + 1001, 1),
  ];
}

/** 8. Header damage: empty SACK options and cut headers stop tshark's option walk (no analysis shown). */
export function optionWalkStops(): SynthPacket[] {
  const a = { src: "10.0.0.1", dst: "10.0.0.2", sport: 40000, dport: 33333 };
  const b = { src: "10.0.0.2", dst: "10.0.0.1", sport: 33333, dport: 40000 };
  return [
    // the SYN's header is cut after the MSS option: its WS option is never read
    { t: 0, ...a, seq: 100, flags: "S", win: 1000, mss: 1460, ws: 2, snap: 20 + 24 },
    { t: 0.01, ...b, seq: 500, ack: 101, flags: "SA", win: 1000, mss: 1460, ws: 3 },
    { t: 0.02, ...a, seq: 101, ack: 501, flags: "A", win: 1000 },
    { t: 0.03, ...a, seq: 101, ack: 501, flags: "A", win: 1000, len: 100 },
    { t: 0.04, ...a, seq: 201, ack: 501, flags: "A", win: 1000, len: 100 },
    { t: 0.05, ...b, seq: 501, ack: 101, flags: "A", win: 1000, rawOptions: [5, 2] },
    { t: 0.06, ...b, seq: 501, ack: 101, flags: "A", win: 1000, sack: [[201, 301]], snap: 20 + 30 },
    { t: 0.07, ...b, seq: 501, ack: 101, flags: "A", win: 1000, sack: [[201, 301]] },
    { t: 0.08, ...a, seq: 101, ack: 501, flags: "A", win: 1000, len: 100, snap: 20 + 18 },
    {
      t: 0.09,
      ...b,
      seq: 501,
      ack: 301,
      flags: "A",
      win: 1000,
      sack: [[201, 301]],
      rawOptions: [1, 1, 5, 2],
    },
    { t: 0.1, ...a, seq: 301, ack: 501, flags: "PA", win: 1000, len: 50, doff: 4 },
    { t: 0.11, ...b, seq: 501, ack: 351, flags: "A", win: 1000 },
  ];
}

/** 9. TCP headers quoted in ICMP errors: they find (or start) a stream but are never analysed. */
export function icmpQuotes(): SynthPacket[] {
  const a = { src: "10.0.0.1", dst: "192.0.2.7", sport: 40001, dport: 33333 };
  const b = { src: "192.0.2.7", dst: "10.0.0.1", sport: 33333, dport: 40001 };
  return [
    { t: 0, ...a, seq: 100, flags: "S", win: 1000, ws: 2 },
    { t: 0.01, ...a, seq: 100, flags: "S", win: 1000, ws: 2, icmpFrom: "10.9.9.9" },
    { t: 0.02, ...b, seq: 500, ack: 101, flags: "SA", win: 1000, ws: 3 },
    { t: 0.03, ...a, seq: 101, ack: 501, flags: "A", win: 1000 },
    { t: 0.04, ...a, seq: 101, ack: 501, flags: "PA", win: 1000, len: 10, icmpFrom: "10.9.9.9" },
    { t: 0.05, ...a, seq: 101, ack: 501, flags: "PA", win: 1000, len: 10 },
    // a quoted SYN with a new ISN on the same ports, and one for a 4-tuple never seen directly
    { t: 0.06, ...a, seq: 7777, flags: "S", win: 1000, icmpFrom: "10.9.9.9" },
    { t: 0.07, ...a, sport: 40002, seq: 1, flags: "S", win: 1000, icmpFrom: "10.9.9.9" },
    { t: 0.08, ...b, seq: 501, ack: 111, flags: "A", win: 1000 },
  ];
}

export const VECTORS: Record<string, () => SynthPacket[]> = {
  printerWrongAck,
  halfOpenChallengeAck,
  synRetransmitted,
  zeroWindowNoHandshake,
  unackedThenRst,
  dupAckFastSpurious,
  seqWrap,
  optionWalkStops,
  icmpQuotes,
};
