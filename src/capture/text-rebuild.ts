/**
 * From parsed packet lines to complete TCP segments: absolute sequence and acknowledgement numbers,
 * raw windows, and the fields a line does not show (a tcpdump pure ACK has no seq; a Wireshark row
 * that shows an application protocol has no ports, flags or numbers at all).
 *
 * Relative numbers are undone by replaying the tool's own bookkeeping:
 * - Wireshark/tshark: a direction's base is its SYN's sequence number (relative 0), else seq − 1 of
 *   its first packet, or ack − 1 of the first packet acknowledging it; a SYN tagged "Port numbers
 *   reused" starts a new conversation, a SYN-ACK so tagged moves its sender's base. The real bases
 *   are unknown: the first conversation on a 4-tuple gets base 0 (so the report's numbers are the
 *   ones the reader sees), later ones distinct bases (a new connection has a new ISN).
 * - tcpdump: the first packet with ACK (or any SYN-ACK) of a 4-tuple is printed absolute and fixes
 *   both bases (its seq, and its ack − 1); later packets with ACK are relative; packets without ACK
 *   are absolute. Replaying that recovers the absolute numbers exactly.
 */
import type { TextOption, TextPacket } from "./text-model.js";

export type Numbering = "relative" | "absolute" | "unknown";

/** One segment to synthesise (text-synth.ts). */
export interface SynthPacket {
  number: number;
  time: [number, number] | undefined;
  src: Uint8Array;
  dst: Uint8Array;
  sport: number;
  dport: number;
  flags: number;
  seq: number;
  ack: number;
  win: number;
  len: number;
  options: TextOption[];
  ipId: number | undefined;
  ttl: number | undefined;
  /** On a SYN-ACK: its receiver's ISN when relative numbering tells it (see FrameRecord.receiverIsn). */
  receiverIsn: number | undefined;
  comment: string | undefined;
  offset: number;
}

const SYN = 0x002;
const FIN = 0x001;
const PSH = 0x008;
const ACK = 0x010;
/** Numbers below this in a "relative" position are taken as relative (a random ISN is this small 0.4% of the time). */
const SMALL = 1 << 24;

/** Well-known ports of application protocols Wireshark names in the Protocol column. */
const APP_PORTS: Record<string, number[]> = {
  LPD: [515], IPP: [631], HTTP: [80, 8080, 8000, 631], "HTTP/XML": [80, 8080], TLSV1: [443], "TLSV1.2": [443],
  "TLSV1.3": [443], SSL: [443], SSH: [22], SSHV2: [22], SMTP: [25, 587], FTP: [21], "FTP-DATA": [20], POP: [110],
  IMAP: [143], SMB: [445, 139], SMB2: [445], NBSS: [139], LDAP: [389], MYSQL: [3306], PGSQL: [5432], RDP: [3389],
  TELNET: [23], BGP: [179], PJL: [9100], PCL: [9100], TDS: [1433], RTSP: [554], SIP: [5060], X11: [6000],
};

class Side {
  baseSet = false;
  base = 0;
  /** The base is (taken to be) this side's ISN. */
  baseIsIsn = false;
  /** This side's SYN is in the text (in the current conversation). */
  synSeen = false;
  nxt: number | undefined;
  lastAck: number | undefined;
  win: number | undefined;
  synWin: number | undefined;
  /** Window-scale shift from this side's SYN in the current conversation: −1 not seen, −2 absent. */
  ws = -1;
  tsVal: number | undefined;
  tsEcr: number | undefined;
  /** Frame length minus payload of its last TCP row: link + IP + TCP header bytes. */
  overhead: number | undefined;
  /** Largest payload this side sent: a segment that size is a full one, sent without PSH. */
  maxLen = 0;
}

class Conv {
  readonly sides = [new Side(), new Side()];
  /** Later conversations on this 4-tuple get bases 1·2^29, 2·2^29, ... (0 is the first one's). */
  nextBase = 1;
  firstConversation = true;
  lastNumber = 0;
  tcpdumpBases: [number, number] | undefined;
  constructor(
    readonly ep0: string,
    readonly port0: number,
    readonly port1: number,
  ) {}

  /** A base for a direction: 0 in the 4-tuple's first conversation, else one not used just before. */
  base(moved = false): number {
    if (this.firstConversation && !moved) return 0;
    return (this.nextBase++ * 0x2000_0000) >>> 0;
  }
}

/** Later of two sequence numbers (32-bit wrap aware). */
function later(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return ((b - a) | 0) > 0 ? b : a;
}

export function detectNumbering(ps: TextPacket[]): Numbering {
  let rel = 0;
  let abs = 0;
  const first = new Set<string>();
  const ackSeen = new Set<string>();
  for (const p of ps) {
    if (p.flags === undefined) continue;
    const dir = `${p.src.key}.${p.sport}>${p.dst.key}.${p.dport}`;
    if (p.family === "wireshark") {
      // Relative numbering shows every SYN and SYN-ACK at Seq=0, and a first packet otherwise at Seq=1.
      if (p.seq === undefined) continue;
      if (p.flags & SYN) p.seq === 0 ? rel++ : abs++;
      else if (!first.has(dir)) p.seq <= 1 ? rel++ : p.seq >= SMALL ? abs++ : 0;
      first.add(dir);
    } else if (p.flags & ACK && p.ack !== undefined) {
      // tcpdump: after a 4-tuple's first packet with ACK, relative acks are small, absolute ones not.
      const tuple = [`${p.src.key}.${p.sport}`, `${p.dst.key}.${p.dport}`].sort().join("|");
      if (!ackSeen.has(tuple) || p.flags & SYN) ackSeen.add(tuple);
      else p.ack < SMALL ? rel++ : abs++;
    }
  }
  return rel > abs ? "relative" : abs > rel ? "absolute" : "unknown";
}

export interface RebuildNotes {
  appLines: Map<string, number>;
  appUnplaced: number;
  windowsUnscaled: number;
  windowsClamped: number;
  preexisting: number;
  reusedConversations: number;
  hinted: number;
  /** Lines carrying Wireshark's bracketed notes. */
  tagged: number;
}

export class Rebuilder {
  private readonly convs = new Map<string, Conv>();
  private readonly byHosts = new Map<string, Conv[]>();
  readonly notes: RebuildNotes = {
    appLines: new Map(),
    appUnplaced: 0,
    windowsUnscaled: 0,
    windowsClamped: 0,
    preexisting: 0,
    reusedConversations: 0,
    hinted: 0,
    tagged: 0,
  };

  constructor(private readonly numbering: Numbering) {}

  private conv(p: TextPacket, sport: number, dport: number): { c: Conv; x: number } {
    const a = `${p.src.key}.${sport}`;
    const b = `${p.dst.key}.${dport}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let c = this.convs.get(key);
    if (!c) {
      c = a < b ? new Conv(a, sport, dport) : new Conv(b, dport, sport);
      this.convs.set(key, c);
      const hosts = [p.src.key, p.dst.key].sort().join("|");
      const list = this.byHosts.get(hosts) ?? [];
      list.push(c);
      this.byHosts.set(hosts, list);
    }
    return { c, x: c.ep0 === a ? 0 : 1 };
  }

  /** The conversation an application-protocol row belongs to: same hosts, its protocol's port, most recent. */
  private place(p: TextPacket): { c: Conv; x: number } | undefined {
    const hosts = [p.src.key, p.dst.key].sort().join("|");
    const list = this.byHosts.get(hosts);
    if (!list) return undefined;
    const wanted = APP_PORTS[p.app ?? ""] ?? [];
    const pick = (cs: Conv[]): Conv | undefined => cs.reduce<Conv | undefined>((m, c) => (!m || c.lastNumber > m.lastNumber ? c : m), undefined);
    const c = pick(list.filter((x) => wanted.includes(x.port0) || wanted.includes(x.port1))) ?? (p.app === "DNS" ? undefined : pick(list));
    if (!c) return undefined;
    const srcKey = p.src.key;
    const x = c.ep0.startsWith(`${srcKey}.`) ? 0 : 1;
    return { c, x };
  }

  /** Completes one packet, or returns a skip reason. Call in frame order. */
  next(p: TextPacket, number: number, time: [number, number] | undefined): SynthPacket | string {
    const app = p.flags === undefined;
    let placed: { c: Conv; x: number } | undefined;
    if (app) {
      placed = this.place(p);
      if (!placed) {
        this.notes.appUnplaced++;
        return `${p.app} row with no TCP connection between its hosts in the text`;
      }
      this.notes.appLines.set(p.app!, (this.notes.appLines.get(p.app!) ?? 0) + 1);
    } else placed = this.conv(p, p.sport!, p.dport!);
    const { c, x } = placed;
    const sx = c.sides[x]!;
    const sy = c.sides[1 - x]!;
    const sport = x === 0 ? c.port0 : c.port1;
    const dport = x === 0 ? c.port1 : c.port0;
    c.lastNumber = number;
    let flags = p.flags ?? ACK | PSH;
    const rel = this.numbering === "relative";
    let seq = p.seq;
    let seqEnd = p.seqEnd;
    let ack = p.ack;
    let sackBase = 0;
    let receiverIsn: number | undefined;

    if (!app && p.family === "wireshark" && rel) {
      if ((flags & (SYN | ACK)) === SYN && p.tags.some((t) => /port numbers reused/i.test(t))) this.newConversation(c);
      if (!sx.baseSet) {
        sx.base = c.base();
        sx.baseSet = true;
        sx.baseIsIsn = (flags & SYN) !== 0;
      } else if ((flags & (SYN | ACK)) === (SYN | ACK) && p.tags.some((t) => /port numbers reused/i.test(t))) {
        sx.base = c.base(true);
        sx.baseIsIsn = true;
      }
      if (flags & ACK) {
        let setHere = false;
        if (!sy.baseSet) {
          sy.base = c.base();
          sy.baseSet = true;
          // Set by a SYN-ACK: Wireshark knew this side's base before (else Ack=1): taken as its ISN.
          sy.baseIsIsn = (flags & SYN) !== 0;
          setHere = true;
        }
        if (ack !== undefined) ack = (sy.base + ack) >>> 0;
        // The SYN-ACK's receiver sent no SYN in the text, but its relative 0 is taken to be its ISN.
        if ((flags & (SYN | ACK)) === (SYN | ACK) && !sy.synSeen && (sy.baseIsIsn || setHere)) receiverIsn = sy.base;
      }
      if (seq !== undefined) seq = (sx.base + seq) >>> 0;
      sackBase = sy.base;
    } else if (!app && p.family === "tcpdump" && rel && flags & ACK) {
      if (c.tcpdumpBases === undefined || flags & SYN) {
        if (c.tcpdumpBases === undefined && !(flags & SYN) && (ack ?? 0) < SMALL && (seq ?? 0) < SMALL) {
          // Relative already: the connection began before the text, its bases are unknown (taken as 0).
          c.tcpdumpBases = [0, 0];
          this.notes.preexisting++;
        } else {
          const s = seq ?? sx.nxt ?? sy.lastAck ?? 0;
          c.tcpdumpBases = x === 0 ? [s, ((ack ?? 1) - 1) >>> 0] : [((ack ?? 1) - 1) >>> 0, s];
        }
      } else {
        const bx = c.tcpdumpBases[x]!;
        const by = c.tcpdumpBases[1 - x]!;
        if (seq !== undefined) seq = (seq + bx) >>> 0;
        if (seqEnd !== undefined) seqEnd = (seqEnd + bx) >>> 0;
        if (ack !== undefined) ack = (ack + by) >>> 0;
      }
      sackBase = c.tcpdumpBases[1 - x]!;
    }

    // ---- what the line does not show ----
    let len = p.len;
    if (len === undefined && seq !== undefined && seqEnd !== undefined) len = (seqEnd - seq) >>> 0;
    if (app) {
      const overhead = sx.overhead ?? sy.overhead ?? 54 + (sx.tsVal !== undefined ? 12 : 0);
      len = Math.max(0, (p.frameLen ?? overhead) - overhead);
      seq = sx.nxt ?? sy.lastAck ?? 0;
      ack = later(sx.lastAck, sy.nxt) ?? 0;
      flags = len > 0 && len >= sx.maxLen ? ACK : ACK | PSH;
    }
    // No IPv4/IPv6 packet holds more (a mangled line may say otherwise).
    len = Math.min(len ?? 0, 65495);
    if (seq === undefined) seq = sx.nxt ?? sy.lastAck ?? 0;
    if (!(flags & ACK)) ack = 0;
    else ack ??= later(sx.lastAck, sy.nxt) ?? 0;

    const options: TextOption[] = [];
    let ws: number | undefined;
    for (const o of p.options) {
      if (o.kind === "sack") options.push({ kind: "sack", blocks: o.blocks.map((v) => (v + sackBase) >>> 0) });
      else options.push(o);
      if (o.kind === "ws") ws = o.shift;
      if (o.kind === "ts") {
        sx.tsVal = o.val;
        sx.tsEcr = o.ecr;
      }
    }
    if (app && sx.tsVal !== undefined) options.push({ kind: "ts", val: sx.tsVal, ecr: sy.tsVal ?? sx.tsEcr ?? 0 });
    if (flags & SYN) sx.ws = ws ?? -2;
    if ((flags & (SYN | ACK)) === SYN) sx.synSeen = true;

    let win = p.win ?? sx.win ?? (sx.synWin !== undefined && sx.ws >= 0 && sy.ws >= 0 ? sx.synWin >> Math.min(sx.ws, 14) : sx.synWin) ?? 65535;
    if (p.win !== undefined && p.family === "wireshark" && !(flags & SYN) && sx.ws >= 0 && sy.ws >= 0) {
      // Wireshark shows the window scaled once both SYNs carried a scale: undo it.
      const raw = Math.round(win / 2 ** Math.min(sx.ws, 14));
      if (raw !== win) this.notes.windowsUnscaled++;
      win = raw;
    }
    if (win > 0xffff) {
      win = 0xffff;
      this.notes.windowsClamped++;
    }

    // ---- bookkeeping for the lines that follow ----
    const end = (seq + len + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0)) >>> 0;
    sx.nxt = flags & SYN ? end : later(sx.nxt, end);
    if (flags & ACK) sx.lastAck = ack;
    // The window an inferred row repeats: the last one after the handshake (a SYN's is never scaled).
    if (!(flags & SYN)) sx.win = win;
    else if (sx.win === undefined) sx.synWin = win;
    if (len > sx.maxLen) sx.maxLen = len;
    // Header bytes of a plain segment (SYN options and SACK blocks make others longer; short frames are padded).
    if (!app && !(flags & SYN) && p.frameLen !== undefined && p.len !== undefined && (p.len > 0 || p.frameLen > 60) && !p.options.some((o) => o.kind === "sack"))
      sx.overhead = p.frameLen - p.len;
    if (receiverIsn !== undefined) this.notes.hinted++;

    const notes: string[] = [];
    if (p.tags.length) this.notes.tagged++;
    if (p.tags.length) notes.push(`Wireshark: ${p.tags.map((t) => `[${t}]`).join(" ")}`);
    if (app) notes.push(`${p.app} row: ports, flags, numbers and length inferred`);
    return {
      number,
      time,
      src: p.src.addr,
      dst: p.dst.addr,
      sport,
      dport,
      flags,
      seq,
      ack,
      win,
      len,
      options,
      ipId: p.ipId,
      ttl: p.ttl,
      receiverIsn,
      comment: notes.length ? `text line ${p.line}: ${notes.join("; ")}` : undefined,
      offset: p.offset,
    };
  }

  /** A SYN tagged "Port numbers reused": Wireshark starts counting both directions afresh. */
  private newConversation(c: Conv): void {
    c.firstConversation = false;
    for (const s of c.sides) {
      s.baseSet = false;
      s.baseIsIsn = false;
      s.nxt = undefined;
      s.lastAck = undefined;
      s.ws = -1;
      s.synSeen = false;
    }
    this.notes.reusedConversations++;
  }
}
