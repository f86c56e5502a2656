/**
 * Synthetic TCP packet sequences for analyzer tests: each packet is built as real raw-IP bytes
 * (IPv4 or IPv6 + TCP with options, zero payload), decoded by the real decoder and fed to a
 * TcpAnalyzer. The same packets can be written as a nanosecond pcap (LINKTYPE_RAW) so that the
 * expectations can be checked against tshark.
 */
import { writeFileSync } from "node:fs";
import { decodeFrame } from "../../src/decode/index.js";
import { newFrameRecord } from "../../src/model/frame.js";
import { DecodedPacket } from "../../src/model/packet.js";
import { TcpAnalyzer } from "../../src/tcp/analyzer.js";
import type { AnalysisOptions } from "../../src/tcp/options.js";

export interface SynthPacket {
  /** Time in seconds (float; kept to the nanosecond by rounding). */
  t: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  /** Letters: S A F R P U E C (SYN ACK FIN RST PSH URG ECE CWR). */
  flags: string;
  win?: number;
  len?: number;
  mss?: number;
  ws?: number;
  sackPerm?: boolean;
  sack?: [number, number][];
  /** TFO option (kind 34) with a cookie of this many bytes (0 = cookie request). */
  tfo?: number;
  /** Extra raw option bytes appended after the others (before padding), e.g. [5, 2] (empty SACK). */
  rawOptions?: number[];
  /** Bytes captured (snaplen cut); default: the whole packet. */
  snap?: number;
  /** Data offset field override (words), e.g. 4 for a bogus header length. */
  doff?: number;
  /** Wrap the packet in an ICMP "destination unreachable" sent from this IPv4 address to `src`. */
  icmpFrom?: string;
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32, E: 64, C: 128 };

function parseAddr(a: string): number[] {
  if (a.includes(":")) {
    const [head, tail] = a.split("::") as [string, string | undefined];
    const h = head ? head.split(":") : [];
    const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
    const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill("0"), ...t];
    const out: number[] = [];
    for (const g of groups) {
      const v = Number.parseInt(g, 16);
      out.push(v >> 8, v & 0xff);
    }
    return out;
  }
  return a.split(".").map(Number);
}

function tcpOptions(p: SynthPacket): number[] {
  const o: number[] = [];
  if (p.mss !== undefined) o.push(2, 4, p.mss >> 8, p.mss & 0xff);
  if (p.sackPerm) o.push(1, 1, 4, 2);
  if (p.ws !== undefined) o.push(1, 3, 3, p.ws);
  if (p.tfo !== undefined) {
    o.push(34, 2 + p.tfo);
    for (let i = 0; i < p.tfo; i++) o.push(0xa0 + i);
  }
  if (p.sack && p.sack.length > 0) {
    o.push(1, 1, 5, 2 + 8 * p.sack.length);
    for (const [l, r] of p.sack) o.push(...be32(l), ...be32(r));
  }
  if (p.rawOptions) o.push(...p.rawOptions);
  while (o.length % 4 !== 0) o.push(1);
  return o;
}

function be32(v: number): number[] {
  v >>>= 0;
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** Raw IP bytes of a packet (payload bytes are zero). */
export function packetBytes(p: SynthPacket): Uint8Array {
  const opts = tcpOptions(p);
  const thl = 20 + opts.length;
  const len = p.len ?? 0;
  let flags = 0;
  for (const ch of p.flags) flags |= FLAG_BITS[ch] ?? 0;
  const tcp = [
    p.sport >> 8,
    p.sport & 0xff,
    p.dport >> 8,
    p.dport & 0xff,
    ...be32(p.seq),
    ...be32(p.ack ?? 0),
    (p.doff ?? thl / 4) << 4,
    flags,
    (p.win ?? 65535) >> 8,
    (p.win ?? 65535) & 0xff,
    0,
    0,
    0,
    0,
    ...opts,
  ];
  const src = parseAddr(p.src);
  const dst = parseAddr(p.dst);
  let ip: number[];
  if (src.length === 16) {
    const plen = thl + len;
    ip = [0x60, 0, 0, 0, plen >> 8, plen & 0xff, 6, 64, ...src, ...dst];
  } else {
    const total = 20 + thl + len;
    ip = [0x45, 0, total >> 8, total & 0xff, 0, 0, 0x40, 0, 64, 6, 0, 0, ...src, ...dst];
  }
  let out = new Uint8Array(ip.length + tcp.length + len);
  out.set(ip, 0);
  out.set(tcp, ip.length);
  if (p.icmpFrom !== undefined) {
    const total = 20 + 8 + out.length;
    const outer = [
      0x45,
      0,
      total >> 8,
      total & 0xff,
      0,
      0,
      0,
      0,
      64,
      1,
      0,
      0,
      ...parseAddr(p.icmpFrom),
      ...src,
    ];
    const icmp = [3, 1, 0, 0, 0, 0, 0, 0];
    const wrapped = new Uint8Array(total);
    wrapped.set(outer, 0);
    wrapped.set(icmp, 20);
    wrapped.set(out, 28);
    out = wrapped;
  }
  return p.snap !== undefined && p.snap < out.length ? out.subarray(0, p.snap) : out;
}

/** Length on the wire (before any snaplen cut). */
function wireLength(p: SynthPacket): number {
  return p.snap === undefined ? packetBytes(p).length : packetBytes({ ...p, snap: undefined }).length;
}

function splitTime(t: number): [number, number] {
  const sec = Math.floor(t);
  let ns = Math.round((t - sec) * 1e9);
  let s = sec;
  if (ns >= 1e9) {
    s += 1;
    ns -= 1e9;
  }
  return [s, ns];
}

/** Decodes and analyses the packets (frame numbers 1..n) and calls finish(). */
export function analyzeSynth(packets: SynthPacket[], options: Partial<AnalysisOptions> = {}): TcpAnalyzer {
  const a = new TcpAnalyzer(options);
  const frame = newFrameRecord();
  const pkt = new DecodedPacket();
  packets.forEach((p, i) => {
    const bytes = packetBytes(p);
    const wire = wireLength(p);
    const [s, ns] = splitTime(p.t);
    frame.number = i + 1;
    frame.tsSec = s;
    frame.tsNsec = ns;
    frame.data = bytes;
    frame.capLen = bytes.length;
    frame.origLen = wire;
    frame.linkType = 101;
    decodeFrame(101, bytes, wire, pkt);
    a.analyze(frame, pkt);
  });
  a.finish();
  return a;
}

/** Writes the packets as a nanosecond-resolution pcap with LINKTYPE_RAW (for checking with tshark). */
export function writeSynthPcap(path: string, packets: SynthPacket[]): void {
  const parts: Uint8Array[] = [];
  const hdr = new DataView(new ArrayBuffer(24));
  hdr.setUint32(0, 0xa1b23c4d, true);
  hdr.setUint16(4, 2, true);
  hdr.setUint16(6, 4, true);
  hdr.setUint32(16, 262144, true);
  hdr.setUint32(20, 101, true);
  parts.push(new Uint8Array(hdr.buffer));
  for (const p of packets) {
    const b = packetBytes(p);
    const rec = new DataView(new ArrayBuffer(16));
    const [s, ns] = splitTime(p.t);
    rec.setUint32(0, s, true);
    rec.setUint32(4, ns, true);
    rec.setUint32(8, b.length, true);
    rec.setUint32(12, wireLength(p), true);
    parts.push(new Uint8Array(rec.buffer), b);
  }
  writeFileSync(path, Buffer.concat(parts));
}
