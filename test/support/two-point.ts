/**
 * Builds a synthetic two-point capture pair from one capture, as if it had been taken on one side of
 * a NAT firewall (A) while a second capture ran on the other side (B):
 *
 * - B sees the A-side endpoint of every connection behind a NAT address, with its port remapped;
 * - the box randomises that endpoint's sequence numbers by a per-connection offset (as a Cisco ASA
 *   does): its seq numbers, and the other side's ACK and SACK numbers, differ by that offset in B;
 * - the box is a router: TTL one lower after it, one higher before it; IP IDs may be rewritten;
 * - B's clock runs `clockOffsetSec` ahead, and each packet spends `transitSec` inside the box;
 * - packets chosen by `drop` (only those travelling from A's side into the box) never reach B.
 *
 * Frames are handed to callbacks as they are made (A's are the input frames unchanged), so the same
 * code serves small test fixtures (collected and written with writePcapng) and gigabyte benchmarks
 * (streamed to disk).
 */
import { readCapture, type CaptureInput } from "../../src/capture/index.js";
import { decodeFrame } from "../../src/decode/index.js";
import { RecordKind } from "../../src/model/frame.js";
import { DecodedPacket, DecodeStatus } from "../../src/model/packet.js";

export interface SynthPacketInfo {
  /** Frame number in A (the input). */
  frame: number;
  /** Sent by the connection's endpoint on A's side (so it travels into the box). */
  fromASide: boolean;
  flags: number;
  len: number;
  /** Connection index in order of first appearance. */
  conn: number;
}

export interface SynthOptions {
  clockOffsetSec: number;
  transitSec?: number;
  /** Which endpoint of each connection sits on A's side: the client (SYN sender, else the higher port). */
  aSide?: "client" | "server";
  /** NAT addresses for the A-side endpoint as B sees it. */
  nat4?: [number, number, number, number];
  nat6?: number[];
  seqRandomize?: boolean;
  rewriteIpId?: boolean;
  /** Return true to keep the packet out of B (only packets travelling into the box can be dropped). */
  drop?: (p: SynthPacketInfo) => boolean;
  /** B's capture runs only while this says so (A-side time of the frame, seconds since the epoch). */
  bRunning?: (t: number) => boolean;
  seed?: number;
}

export interface SynthFrame {
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  origLen: number;
  linkType: number;
}

export interface SynthResult {
  /** A frames kept out of B. */
  dropped: number[];
  /** Per connection (order of appearance): the seq offset applied to the A-side endpoint. */
  seqOffsets: number[];
  connections: number;
  framesA: number;
  framesB: number;
}

interface Conn {
  index: number;
  /** key of the A-side endpoint: "addr|port" as bytes joined */
  aSideKey: string;
  natPort: number;
  delta: number;
  isn: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function endpointKey(d: Uint8Array, off: number, len: number, port: number): string {
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCharCode(d[off + i]!);
  return `${s}|${port}`;
}

function u32(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}
function put32(d: Uint8Array, o: number, v: number): void {
  d[o] = (v >>> 24) & 0xff;
  d[o + 1] = (v >>> 16) & 0xff;
  d[o + 2] = (v >>> 8) & 0xff;
  d[o + 3] = v & 0xff;
}
function put16(d: Uint8Array, o: number, v: number): void {
  d[o] = (v >>> 8) & 0xff;
  d[o + 1] = v & 0xff;
}

function ipv4Checksum(d: Uint8Array, off: number, hlen: number): void {
  d[off + 10] = 0;
  d[off + 11] = 0;
  let sum = 0;
  for (let i = 0; i < hlen; i += 2) sum += (d[off + i]! << 8) | d[off + i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  put16(d, off + 10, ~sum & 0xffff);
}

export async function synthesizePair(
  input: CaptureInput,
  opts: SynthOptions,
  emitA: (f: SynthFrame) => void,
  emitB: (f: SynthFrame) => void,
): Promise<SynthResult> {
  const pkt = new DecodedPacket();
  const conns = new Map<string, Conn>();
  const rand = rng(opts.seed ?? 7);
  const nat4 = opts.nat4 ?? [203, 0, 113, 7];
  const nat6 = opts.nat6 ?? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
  const offNs = Math.round(opts.clockOffsetSec * 1e9);
  const transitNs = Math.round((opts.transitSec ?? 0) * 1e9);
  const result: SynthResult = { dropped: [], seqOffsets: [], connections: 0, framesA: 0, framesB: 0 };
  let scratch = new Uint8Array(65536 + 256);
  let nextPort = 20000;

  const shifted = (sec: number, nsec: number, extraNs: number): [number, number] => {
    let ns = nsec + offNs + extraNs;
    let s = sec + Math.floor(ns / 1e9);
    ns = ns - Math.floor(ns / 1e9) * 1e9;
    if (ns < 0) {
      ns += 1e9;
      s -= 1;
    }
    return [s, ns];
  };

  await readCapture(input, (f) => {
    if (f.kind !== RecordKind.PACKET) return;
    result.framesA++;
    emitA({ tsSec: f.tsSec, tsNsec: f.tsNsec, data: f.data, origLen: f.origLen, linkType: f.linkType });
    const d = f.data;
    if (opts.bRunning && !opts.bRunning(f.tsSec + f.tsNsec * 1e-9)) return;
    decodeFrame(f.linkType, d, f.origLen, pkt);
    if (pkt.status !== DecodeStatus.OK || pkt.inIcmpError || pkt.ipDepth !== 1) {
      const [s, ns] = shifted(f.tsSec, f.tsNsec, 0);
      result.framesB++;
      emitB({ tsSec: s, tsNsec: ns, data: d, origLen: f.origLen, linkType: f.linkType });
      return;
    }
    const alen = pkt.ipVersion === 6 ? 16 : 4;
    const src = endpointKey(d, pkt.srcAddrOff, alen, pkt.srcPort);
    const dst = endpointKey(d, pkt.dstAddrOff, alen, pkt.dstPort);
    const key = src < dst ? `${src}#${dst}` : `${dst}#${src}`;
    const flags = pkt.flags;
    let c = conns.get(key);
    const syn = (flags & 0x12) === 0x02;
    if (!c || (syn && c.aSideKey === src && c.isn !== pkt.seq && opts.aSide !== "server")) {
      // Client: the SYN's sender, the SYN-ACK's receiver, else the endpoint with the higher port.
      let client: string;
      if ((flags & 0x12) === 0x02) client = src;
      else if ((flags & 0x12) === 0x12) client = dst;
      else client = pkt.srcPort >= pkt.dstPort ? src : dst;
      const aSideKey = opts.aSide === "server" ? (client === src ? dst : src) : client;
      const natPort = c?.natPort ?? nextPort++;
      c = {
        index: result.connections++,
        aSideKey,
        natPort: natPort & 0xffff,
        delta: opts.seqRandomize ? rand() : 0,
        isn: syn ? pkt.seq : -1,
      };
      result.seqOffsets.push(c.delta);
      conns.set(key, c);
    }
    const fromASide = src === c.aSideKey;
    const info: SynthPacketInfo = { frame: f.number, fromASide, flags, len: pkt.payloadLen, conn: c.index };
    if (fromASide && opts.drop?.(info)) {
      result.dropped.push(f.number);
      return;
    }
    if (scratch.length < d.length) scratch = new Uint8Array(d.length * 2);
    const b = scratch.subarray(0, d.length);
    b.set(d);
    const t = pkt.tcpOff;
    const nat = pkt.ipVersion === 6 ? nat6 : nat4;
    if (fromASide) {
      for (let i = 0; i < alen; i++) b[pkt.srcAddrOff + i] = nat[i]!;
      put16(b, t, c.natPort);
      put32(b, t + 4, (pkt.seq + c.delta) >>> 0);
    } else {
      for (let i = 0; i < alen; i++) b[pkt.dstAddrOff + i] = nat[i]!;
      put16(b, t + 2, c.natPort);
      if (flags & 0x10) put32(b, t + 8, (pkt.ack + c.delta) >>> 0);
      // SACK blocks acknowledge the A-side endpoint's numbers too.
      const end = t + pkt.tcpHeaderLen;
      for (let o = t + 20; o < end; ) {
        const kind = b[o]!;
        if (kind === 0) break;
        if (kind === 1) {
          o++;
          continue;
        }
        const len = b[o + 1]!;
        if (len < 2 || o + len > end) break;
        if (kind === 5)
          for (let q = o + 2; q + 4 <= o + len; q += 4) put32(b, q, (u32(b, q) + c.delta) >>> 0);
        o += len;
      }
    }
    if (pkt.ipVersion === 4) {
      const ip = pkt.ipOff;
      b[ip + 8] = fromASide ? Math.max(1, d[ip + 8]! - 1) : Math.min(255, d[ip + 8]! + 1);
      if (opts.rewriteIpId) put16(b, ip + 4, rand() & 0xffff);
      ipv4Checksum(b, ip, pkt.ipHeaderLen);
    } else {
      const ip = pkt.ipOff;
      b[ip + 7] = fromASide ? Math.max(1, d[ip + 7]! - 1) : Math.min(255, d[ip + 7]! + 1);
    }
    const [s, ns] = shifted(f.tsSec, f.tsNsec, fromASide ? transitNs : -transitNs);
    result.framesB++;
    emitB({ tsSec: s, tsNsec: ns, data: b, origLen: f.origLen, linkType: f.linkType });
  });
  return result;
}
