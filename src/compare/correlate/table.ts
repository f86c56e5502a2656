/**
 * One capture loaded for correlation: every usable TCP packet as a row of typed-array columns (no
 * object per packet), its connection numbered as Wireshark's tcp.stream, and per connection its
 * endpoints, handshake and link-layer addresses. ARP is read on the side to learn which IP address
 * owns which MAC (that is how the box's own address is found).
 */
import { statSync } from "node:fs";
import { basename } from "node:path";
import { readCapture, type CaptureInput, type ReadOptions } from "../../capture/index.js";
import type { CaptureSummary } from "../../capture/types.js";
import { decodeFrame, formatAddress } from "../../decode/index.js";
import { RecordKind } from "../../model/frame.js";
import { DecodedPacket, DecodeStatus, TcpField } from "../../model/packet.js";
import { ConversationTable } from "../../tcp/conversations.js";

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;
/** Stored in the flags column above the 12 TCP flag bits: the packet has a TCP timestamp option. */
export const HAS_TS = 0x1000;
/** Flags that must agree for two packets to be the same packet (PSH and ECN bits may be rewritten). */
export const KEY_FLAGS = FIN | SYN | RST | ACK | URG;

function growTo<T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array | Int8Array>(
  a: T,
  n: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Packets of one file, as columns. Row i is the i-th usable TCP packet in file order. */
export class PacketTable {
  n = 0;
  private cap: number;
  frame: Int32Array;
  /** Seconds relative to `baseSec` (the first frame's whole second); B's are later moved onto A's base. */
  t: Float64Array;
  conv: Int32Array;
  /** 0 = sent by the connection's endpoint "a" (the client when known), 1 = by "b". */
  dir: Uint8Array;
  seq: Uint32Array;
  ack: Uint32Array;
  flags: Uint16Array;
  len: Int32Array;
  tsval: Uint32Array;
  tsecr: Uint32Array;
  ipId: Uint16Array;
  ttl: Uint8Array;
  win: Uint16Array;
  /** Right edge of the first SACK block (0 when none): tells apart otherwise identical duplicate ACKs. */
  sackR: Uint32Array;

  constructor(cap = 1 << 16) {
    this.cap = cap;
    this.frame = new Int32Array(cap);
    this.t = new Float64Array(cap);
    this.conv = new Int32Array(cap);
    this.dir = new Uint8Array(cap);
    this.seq = new Uint32Array(cap);
    this.ack = new Uint32Array(cap);
    this.flags = new Uint16Array(cap);
    this.len = new Int32Array(cap);
    this.tsval = new Uint32Array(cap);
    this.tsecr = new Uint32Array(cap);
    this.ipId = new Uint16Array(cap);
    this.ttl = new Uint8Array(cap);
    this.win = new Uint16Array(cap);
    this.sackR = new Uint32Array(cap);
  }

  /** Index of a new row (columns grown as needed). */
  add(): number {
    if (this.n === this.cap) {
      const c = this.cap * 2;
      this.frame = growTo(this.frame, c);
      this.t = growTo(this.t, c);
      this.conv = growTo(this.conv, c);
      this.dir = growTo(this.dir, c);
      this.seq = growTo(this.seq, c);
      this.ack = growTo(this.ack, c);
      this.flags = growTo(this.flags, c);
      this.len = growTo(this.len, c);
      this.tsval = growTo(this.tsval, c);
      this.tsecr = growTo(this.tsecr, c);
      this.ipId = growTo(this.ipId, c);
      this.ttl = growTo(this.ttl, c);
      this.win = growTo(this.win, c);
      this.sackR = growTo(this.sackR, c);
      this.cap = c;
    }
    return this.n++;
  }

  /** Sequence space a packet occupies: payload plus one for SYN and for FIN. */
  span(i: number): number {
    const f = this.flags[i]!;
    return this.len[i]! + (f & SYN ? 1 : 0) + (f & FIN ? 1 : 0);
  }
}

/** Per connection (index = tcp.stream): endpoints, handshake, MACs. Endpoint "a" is the client when known. */
export class ConvTable {
  count = 0;
  private cap = 0;
  /** Canonical direction (ConversationTable.dir) of endpoint a's packets, -1 until a packet is stored. */
  aCanon = new Int8Array(0);
  ipVersion = new Uint8Array(0);
  addrA: string[] = [];
  addrB: string[] = [];
  portA = new Int32Array(0);
  portB = new Int32Array(0);
  first = new Int32Array(0);
  count_ = new Int32Array(0);
  /** Row of the first SYN (no ACK) and SYN-ACK, -1 if none. */
  syn = new Int32Array(0);
  synAck = new Int32Array(0);
  /** The client's SYN: window, window scale, SACK permitted (for matching without timestamps). */
  synWin = new Int32Array(0);
  synWscale = new Int32Array(0);
  hasTs = new Uint8Array(0);
  /** Source and destination MAC of the first packet each way, [2c + dir] (0 when not Ethernet). */
  srcMac = new Float64Array(0);
  dstMac = new Float64Array(0);
  /** Wireshark's base sequence numbers, per canonical direction [2c + cdir], for tcp.stream numbering. */
  base = new Float64Array(0);
  baseSet = new Uint8Array(0);

  create(): number {
    const c = this.count++;
    if (c >= this.cap) {
      const n = Math.max(256, this.cap * 2);
      this.aCanon = growTo(this.aCanon, n);
      this.ipVersion = growTo(this.ipVersion, n);
      this.portA = growTo(this.portA, n);
      this.portB = growTo(this.portB, n);
      this.first = growTo(this.first, n);
      this.count_ = growTo(this.count_, n);
      this.syn = growTo(this.syn, n);
      this.synAck = growTo(this.synAck, n);
      this.synWin = growTo(this.synWin, n);
      this.synWscale = growTo(this.synWscale, n);
      this.hasTs = growTo(this.hasTs, n);
      this.srcMac = growTo(this.srcMac, 2 * n);
      this.dstMac = growTo(this.dstMac, 2 * n);
      this.base = growTo(this.base, 2 * n);
      this.baseSet = growTo(this.baseSet, 2 * n);
      this.cap = n;
    }
    this.aCanon[c] = -1;
    this.first[c] = -1;
    this.count_[c] = 0;
    this.syn[c] = -1;
    this.synAck[c] = -1;
    this.synWin[c] = -1;
    this.synWscale[c] = -1;
    this.addrA.push("");
    this.addrB.push("");
    return c;
  }

  /** "ip:port" or "[v6]:port" of endpoint a (dir 0) or b (dir 1). */
  endpoint(c: number, dir: number): string {
    const addr = dir === 0 ? this.addrA[c]! : this.addrB[c]!;
    const port = dir === 0 ? this.portA[c]! : this.portB[c]!;
    return this.ipVersion[c] === 6 ? `[${addr}]:${port}` : `${addr}:${port}`;
  }
  addr(c: number, dir: number): string {
    return dir === 0 ? this.addrA[c]! : this.addrB[c]!;
  }
  port(c: number, dir: number): number {
    return dir === 0 ? this.portA[c]! : this.portB[c]!;
  }
}

export interface LoadedCapture {
  /** Base name as given. */
  file: string;
  summary: CaptureSummary;
  pk: PacketTable;
  cv: ConvTable;
  /** Whole seconds of the first frame; `pk.t` is relative to it. */
  baseSec: number;
  /** Rows of each connection in file order: convRows[convStart[c] .. convStart[c+1]). */
  convStart: Int32Array;
  convRows: Int32Array;
  /** IP address (text) → MAC learnt from ARP; MAC → IP. */
  arpIpOfMac: Map<number, string>;
  /** Frames not used, by reason. */
  skipped: Map<string, number>;
  /** Time of the first and last usable TCP packet (relative seconds), NaN if none. */
  tFirst: number;
  tLast: number;
}

function mac(d: Uint8Array, o: number): number {
  return (
    ((d[o]! * 256 + d[o + 1]!) * 4294967296 +
      ((d[o + 2]! << 24) | (d[o + 3]! << 16) | (d[o + 4]! << 8) | d[o + 5]!)) >>>
    0
  );
}

function count(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** ARP over Ethernet (optionally VLAN-tagged): remember sender IP → MAC (and the reply's target). */
function learnArp(d: Uint8Array, ipOfMac: Map<number, string>): void {
  if (d.length < 14) return;
  let o = 12;
  let et = (d[o]! << 8) | d[o + 1]!;
  while ((et === 0x8100 || et === 0x88a8 || et === 0x9100) && o + 6 <= d.length) {
    o += 4;
    et = (d[o]! << 8) | d[o + 1]!;
  }
  if (et !== 0x0806) return;
  o += 2;
  if (o + 28 > d.length) return;
  // htype 1 (Ethernet), ptype IPv4, hlen 6, plen 4
  if (d[o + 1] !== 1 || d[o + 2] !== 8 || d[o + 3] !== 0 || d[o + 4] !== 6 || d[o + 5] !== 4) return;
  const sm = mac(d, o + 8);
  const sip = `${d[o + 14]}.${d[o + 15]}.${d[o + 16]}.${d[o + 17]}`;
  if (sm !== 0 && !ipOfMac.has(sm)) ipOfMac.set(sm, sip);
}

/**
 * Reads a capture into columns. tcp.stream numbers follow Wireshark 4.0 (conversation per address/port
 * pair, a new one when a SYN brings a new ISN), counting every frame Wireshark gives a stream.
 */
export async function loadCapture(input: CaptureInput, options: ReadOptions = {}): Promise<LoadedCapture> {
  // Columns sized from the file (a TCP record takes at least ~70 bytes): no copying while growing,
  // and pages never written are never really allocated.
  let cap = 1 << 16;
  if (typeof input === "string" && input !== "-") {
    try {
      cap = Math.max(cap, Math.min(1 << 25, Math.ceil(statSync(input).size / 64)));
    } catch {
      // unreadable: readCapture reports it
    }
  }
  const pk = new PacketTable(cap);
  const cv = new ConvTable();
  const convs = new ConversationTable();
  const pkt = new DecodedPacket();
  const skipped = new Map<string, number>();
  const arpIpOfMac = new Map<number, string>();
  let baseSec = Number.NaN;
  let lastT = 0;
  const file = typeof input === "string" ? (input === "-" ? "<stdin>" : basename(input)) : "<buffer>";

  const summary = await readCapture(
    input,
    (f) => {
      if (f.kind !== RecordKind.PACKET) {
        count(skipped, "pcapng custom block (no packet)");
        return;
      }
      if (f.hasTs) {
        if (Number.isNaN(baseSec)) baseSec = f.tsSec;
        lastT = f.tsSec - baseSec + f.tsNsec * 1e-9;
      }
      const d = f.data;
      decodeFrame(f.linkType, d, f.origLen, pkt);
      if ((pkt.tcpFields & TcpField.HEADER) === 0) {
        if (f.linkType === 1) learnArp(d, arpIpOfMac);
        count(skipped, pkt.reason || "not TCP");
        return;
      }
      // ---- tcp.stream as Wireshark numbers it ----
      const icmp = pkt.inIcmpError;
      let ipv = pkt.ipVersion;
      let srcOff = pkt.srcAddrOff;
      let dstOff = pkt.dstAddrOff;
      if (icmp) {
        ipv = d[pkt.ipOff]! >> 4;
        srcOff = pkt.ipOff + (ipv === 6 ? 8 : 12);
        dstOff = srcOff + (ipv === 6 ? 16 : 4);
      }
      let c = convs.lookup(d, ipv, srcOff, dstOff, pkt.srcPort, pkt.dstPort);
      if (c < 0) {
        convs.create();
        c = cv.create();
      }
      const cd = convs.dir;
      const flags = pkt.flags;
      const seq = pkt.seq >>> 0;
      if ((flags & (SYN | ACK)) === SYN && cv.baseSet[2 * c + cd] && seq !== cv.base[2 * c + cd]) {
        convs.create();
        c = cv.create();
      } else if (
        (flags & (SYN | ACK)) === (SYN | ACK) &&
        cv.baseSet[2 * c + cd] &&
        seq !== cv.base[2 * c + cd]
      ) {
        cv.base[2 * c + cd] = seq;
      }
      if ((pkt.tcpFields & TcpField.LEN) !== 0) {
        const fb = 2 * c + cd;
        const rb = 2 * c + (1 - cd);
        if (!cv.baseSet[fb]) {
          cv.base[fb] = flags & SYN ? seq : (seq - 1) >>> 0;
          cv.baseSet[fb] = 1;
        }
        if (!cv.baseSet[rb] && flags & ACK) {
          cv.base[rb] = (pkt.ack - 1) >>> 0;
          cv.baseSet[rb] = 1;
        }
      }
      if (pkt.status !== DecodeStatus.OK || icmp) {
        count(skipped, icmp ? "TCP header quoted in an ICMP error" : pkt.reason || "TCP header unusable");
        return;
      }
      // ---- a usable packet: store it ----
      if (cv.aCanon[c] === -1) {
        // Endpoint a is the client: the SYN's sender, the SYN-ACK's receiver, else the first sender.
        const fromA = (flags & (SYN | ACK)) !== (SYN | ACK);
        cv.aCanon[c] = fromA ? cd : 1 - cd;
        cv.ipVersion[c] = pkt.ipVersion;
        const src = formatAddress(d, pkt.srcAddrOff, pkt.ipVersion);
        const dst = formatAddress(d, pkt.dstAddrOff, pkt.ipVersion);
        cv.addrA[c] = fromA ? src : dst;
        cv.addrB[c] = fromA ? dst : src;
        cv.portA[c] = fromA ? pkt.srcPort : pkt.dstPort;
        cv.portB[c] = fromA ? pkt.dstPort : pkt.srcPort;
        cv.first[c] = pk.n;
      }
      const dir = cd === cv.aCanon[c] ? 0 : 1;
      const i = pk.add();
      pk.frame[i] = f.number;
      pk.t[i] = f.hasTs ? f.tsSec - baseSec + f.tsNsec * 1e-9 : lastT;
      pk.conv[i] = c;
      pk.dir[i] = dir;
      pk.seq[i] = seq;
      pk.ack[i] = pkt.ack;
      pk.len[i] = pkt.payloadLen;
      pk.ipId[i] = pkt.ipId;
      pk.ttl[i] = pkt.ttl;
      pk.win[i] = pkt.windowRaw;
      pk.sackR[i] = pkt.sackCount > 0 ? pkt.sackBlocks[1]! : 0;
      if (pkt.hasTimestamps) {
        pk.flags[i] = (flags & 0xfff) | HAS_TS;
        pk.tsval[i] = pkt.tsVal;
        pk.tsecr[i] = pkt.tsEcr;
        cv.hasTs[c] = 1;
      } else {
        pk.flags[i] = flags & 0xfff;
      }
      cv.count_[c]!++;
      if (flags & SYN) {
        if (!(flags & ACK)) {
          if (cv.syn[c] === -1) {
            cv.syn[c] = i;
            cv.synWin[c] = pkt.windowRaw;
            cv.synWscale[c] = pkt.wscale;
          }
        } else if (cv.synAck[c] === -1) cv.synAck[c] = i;
      }
      if (f.linkType === 1 && d.length >= 12 && cv.srcMac[2 * c + dir] === 0) {
        cv.srcMac[2 * c + dir] = mac(d, 6);
        cv.dstMac[2 * c + dir] = mac(d, 0);
      }
    },
    options,
  );
  for (const [k, v] of summary.skipped) skipped.set(k, (skipped.get(k) ?? 0) + v);

  // Rows per connection, in file order (a counting sort).
  const nc = cv.count;
  const convStart = new Int32Array(nc + 1);
  for (let i = 0; i < pk.n; i++) convStart[pk.conv[i]! + 1]!++;
  for (let c = 0; c < nc; c++) convStart[c + 1]! += convStart[c]!;
  const fill = convStart.slice(0, nc);
  const convRows = new Int32Array(pk.n);
  for (let i = 0; i < pk.n; i++) convRows[fill[pk.conv[i]!]!++] = i;

  let tFirst = Number.POSITIVE_INFINITY;
  let tLast = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < pk.n; i++) {
    const t = pk.t[i]!;
    if (t < tFirst) tFirst = t;
    if (t > tLast) tLast = t;
  }
  if (pk.n === 0) {
    tFirst = Number.NaN;
    tLast = Number.NaN;
  }
  return {
    file,
    summary,
    pk,
    cv,
    baseSec: Number.isNaN(baseSec) ? 0 : baseSec,
    convStart,
    convRows,
    arpIpOfMac,
    skipped,
    tFirst,
    tLast,
  };
}

/** The typed arrays of a loaded capture, for handing it between threads without copying. */
export function transferables(L: LoadedCapture): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: { buffer: ArrayBufferLike }): void => {
    if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  for (const v of Object.values(L.pk)) if (ArrayBuffer.isView(v)) add(v);
  for (const v of Object.values(L.cv)) if (ArrayBuffer.isView(v)) add(v);
  add(L.convStart);
  add(L.convRows);
  return [...out];
}

/** Gives a structured-cloned LoadedCapture its classes back. */
export function rehydrate(x: LoadedCapture): LoadedCapture {
  Object.setPrototypeOf(x.pk, PacketTable.prototype);
  Object.setPrototypeOf(x.cv, ConvTable.prototype);
  return x;
}
