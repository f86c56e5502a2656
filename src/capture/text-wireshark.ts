/**
 * Wireshark-family packet lines: rows copied from the packet list (tab or space separated, with or
 * without the header row, old `>` and new `→` arrows), "Export Packet Dissections" summaries and CSV,
 * and tshark's default one-line output (`tshark -r f`, `tshark -n -r f`). Columns: No., Time, Source,
 * [→] Destination, Protocol, Length, Info. The Info column of a TCP row is parsed; a row whose
 * Protocol is an application (LPD, HTTP) shows no TCP fields and is kept as such for text-rebuild.ts.
 */
import type { Addresses, LineResult, Ports, TextOption, TextPacket } from "./text-model.js";
import { looksLikeMac, parseTime, type TextTime } from "./text-model.js";

const FLAG_BITS: Record<string, number> = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  AE: 0x100,
  NS: 0x100,
};

/** Protocols that never ride on TCP (or that Wireshark names only for other transports). */
const NOT_TCP = new Set([
  "ARP", "RARP", "ICMP", "ICMPV6", "IGMP", "IGMPV2", "IGMPV3", "UDP", "DHCP", "DHCPV6", "BOOTP", "NTP",
  "SSDP", "MDNS", "LLMNR", "NBNS", "NBDS", "BROWSER", "SNMP", "TFTP", "QUIC", "RTP", "RTCP", "STUN",
  "DTLS", "DTLSV1.2", "WIREGUARD", "STP", "RSTP", "LLDP", "CDP", "LACP", "EAPOL", "LLC", "VRRP", "OSPF",
  "EIGRP", "HSRP", "PIM", "GRE", "ESP", "AH", "ISAKMP", "SYSLOG", "RIP", "RIPV2", "CLDAP", "WS-DISCOVERY",
  "SLP", "RADIUS", "KERBEROS", "NAT-PMP", "LOOP", "ETHERTYPE", "0X88CC", "IPV4", "IPV6", "IPX", "SCTP",
  "ICMPV6/NDP", "DB-LSP-DISC", "AMS", "SRVLOC", "LSD", "BJNP", "CUPS", "MNDP", "DNS",
]);

const HEADER = /^\s*"?No\.?"?[\s,]+"?Time"?[\s,]/;
const ARROWS = new Set(["→", "->", ">"]);
const INT = /^\d{1,10}$/;
const PROTO = /^[A-Za-z][A-Za-z0-9./+_-]{0,30}$/;
const TCP_INFO = /^((?:\[[^\]]{0,200}\]\s*){0,8})(\S+?)\s*(?:→|->|>)\s*(\S+)\s+\[([A-Za-z, <>]{0,80})\](.*)$/;
const FIELD = {
  Seq: /\bSeq=(\d{1,10})\b/,
  Ack: /\bAck=(\d{1,10})\b/,
  Win: /\bWin=(\d{1,10})\b/,
  Len: /\bLen=(\d{1,10})\b/,
};
/** Option fields of the Info column (Wireshark 1.x wrote TSV= and TSER= for the timestamps). */
const OPTION = /\b(MSS|WS|SACK_PERM|TSval|TSV|TSecr|TSER|SLE|SRE)(?:=(\d{1,10}))?/g;

/** True for the column-header row (skipped, not a packet). */
export function isWiresharkHeader(line: string): boolean {
  return HEADER.test(line) && /Source/.test(line) && /Destination/.test(line);
}

/** Splits a CSV export row ("1","0.000","10.0.0.1",...) into fields, or undefined. */
function csvFields(line: string): string[] | undefined {
  if (!/^\s*"/.test(line)) return undefined;
  const out: string[] = [];
  const re = /\s*"((?:[^"]|"")*)"\s*(,|$)/gy;
  let last = 0;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    out.push(m[1]!.replace(/""/g, '"'));
    last = re.lastIndex;
    if (m[2] === "" || m[0].length === 0) break;
  }
  return last >= line.trimEnd().length && out.length >= 6 ? out : undefined;
}

/** The time at tokens[i] (one token, or a date and a time), and how many tokens it used. */
function timeAt(t: string[], i: number, allowInteger: boolean): { time: TextTime; used: number } | undefined {
  const a = t[i];
  if (a === undefined) return undefined;
  if (/^\d{4}[-/]\d{2}[-/]\d{2}$/.test(a) && t[i + 1] !== undefined) {
    const time = parseTime(`${a} ${t[i + 1]}`, "wireshark");
    if (time) return { time, used: 2 };
  }
  if (!allowInteger && !/[.:,]/.test(a)) return undefined;
  const time = parseTime(a, "wireshark");
  return time ? { time, used: 1 } : undefined;
}

/**
 * Parses one Wireshark-family line. Returns a TextPacket, a skip (another protocol, or a TCP row
 * without the fields tcpsleuth needs), or null when the line is not a packet row at all.
 */
export function parseWiresharkLine(
  raw: string,
  lineNo: number,
  offset: number,
  addrs: Addresses,
  ports: Ports,
): LineResult {
  const csv = csvFields(raw);
  const line = csv ? csv.join("\t") : raw;
  const t = line.trim().split(/\s+/);
  if (t.length < 4) return null;
  let i = 0;
  let no: number | undefined;
  let time: TextTime | undefined;
  const both = INT.test(t[0]!) ? timeAt(t, 1, true) : undefined;
  if (both) {
    no = Number(t[0]);
    time = both.time;
    i = 1 + both.used;
  } else {
    const only = timeAt(t, 0, false);
    if (only) {
      time = only.time;
      i = only.used;
    } else if (INT.test(t[0]!)) {
      no = Number(t[0]);
      i = 1;
    } else return null;
  }
  const srcText = t[i++];
  const arrow = t[i] !== undefined && ARROWS.has(t[i]!);
  if (arrow) i++;
  const style = csv ? "Wireshark CSV" : arrow ? "tshark" : "Wireshark packet list";
  const dstText = t[i++];
  const proto = t[i++];
  if (srcText === undefined || dstText === undefined || proto === undefined || !PROTO.test(proto)) return null;
  let frameLen: number | undefined;
  let infoStart = i;
  if (t[i] !== undefined && INT.test(t[i]!)) {
    frameLen = Number(t[i]);
    infoStart = i + 1;
  }
  let info = t.slice(infoStart).join(" ");
  let m = TCP_INFO.exec(info);
  if (!m && frameLen !== undefined) {
    // No Length column: the number was the Info column's first port.
    const whole = t.slice(i).join(" ");
    const m2 = TCP_INFO.exec(whole);
    if (m2) {
      m = m2;
      info = whole;
      frameLen = undefined;
    }
  }
  const upper = proto.toUpperCase();
  if (!m) {
    // Not a TCP row: another protocol, or an application protocol on TCP (ports and numbers not shown).
    if (time === undefined || frameLen === undefined) return null;
    if (upper === "TCP" && (looksLikeMac(srcText) || looksLikeMac(dstText)))
      return { skip: "TCP row without IP addresses", packet: true, no, time };
    if (NOT_TCP.has(upper) || looksLikeMac(srcText) || looksLikeMac(dstText)) return { skip: upper, packet: true, no, time };
    // A TCP row may show what the segment starts (an HTTP request line) instead of TCP's fields.
    const src = addrs.parse(srcText);
    const dst = addrs.parse(dstText);
    if (!src || !dst) return { skip: `${upper} row without IP addresses`, packet: true, no, time };
    return packet(lineNo, offset, no, time, src, dst, { app: upper, frameLen, style });
  }
  const src = addrs.parse(srcText);
  const dst = addrs.parse(dstText);
  const sport = ports.parse(m[2]!);
  const dport = ports.parse(m[3]!);
  if (!src || !dst) return { skip: "TCP row without IP addresses", packet: true, no, time };
  if (sport === undefined || dport === undefined) return { skip: "TCP row with unreadable ports", packet: true, no, time };
  let flags = 0;
  for (const name of m[4]!.split(/[,\s]+/)) flags |= FLAG_BITS[name.toUpperCase()] ?? 0;
  const rest = m[5]!;
  const num = (key: keyof typeof FIELD): number | undefined => {
    const v = FIELD[key].exec(rest);
    return v ? Number(v[1]) : undefined;
  };
  const tags = [...m[1]!.matchAll(/\[([^\]]*)\]/g), ...rest.matchAll(/\[([^\]]*)\]/g)].map((x) => x[1]!.trim());
  return packet(lineNo, offset, no, time, src, dst, {
    sport,
    dport,
    flags,
    seq: num("Seq"),
    ack: num("Ack"),
    win: num("Win"),
    len: num("Len"),
    frameLen,
    options: options(rest),
    tags,
    style,
  });
}

/** TCP options in the order the Info column lists them (WS is the multiplier Wireshark prints). */
function options(rest: string): TextOption[] {
  const out: TextOption[] = [];
  let ts: { kind: "ts"; val: number; ecr: number } | undefined;
  let sack: { kind: "sack"; blocks: number[] } | undefined;
  for (const m of rest.replace(/\[[^\]]*\]/g, " ").matchAll(OPTION)) {
    const v = m[2] === undefined ? undefined : Number(m[2]);
    switch (m[1]) {
      case "MSS":
        if (v !== undefined) out.push({ kind: "mss", value: v & 0xffff });
        break;
      case "WS":
        if (v !== undefined && v > 0) {
          // Modern Wireshark prints the multiplier (WS=256); a value that is no power of two is a shift.
          const log = Math.log2(v);
          out.push({ kind: "ws", shift: Number.isInteger(log) ? Math.min(log, 255) : Math.min(v, 255) });
        }
        break;
      case "SACK_PERM":
        if (v === undefined || v === 1) out.push({ kind: "sackPerm" });
        break;
      case "TSval":
      case "TSV":
        if (v !== undefined && ts === undefined) {
          ts = { kind: "ts", val: v >>> 0, ecr: 0 };
          out.push(ts);
        }
        break;
      case "TSecr":
      case "TSER":
        if (v !== undefined && ts !== undefined) ts.ecr = v >>> 0;
        break;
      case "SLE":
        if (v === undefined) break;
        if (sack === undefined) {
          sack = { kind: "sack", blocks: [] };
          out.push(sack);
        }
        if (sack.blocks.length < 8) sack.blocks.push(v >>> 0);
        break;
      case "SRE":
        if (v !== undefined && sack !== undefined && sack.blocks.length % 2 === 1) sack.blocks.push(v >>> 0);
        break;
    }
  }
  if (sack && sack.blocks.length % 2 === 1) sack.blocks.pop();
  return out;
}

function packet(
  line: number,
  offset: number,
  no: number | undefined,
  time: TextTime | undefined,
  src: TextPacket["src"],
  dst: TextPacket["dst"],
  f: Partial<TextPacket>,
): TextPacket {
  return {
    family: "wireshark",
    line,
    offset,
    no,
    time,
    src,
    dst,
    sport: f.sport,
    dport: f.dport,
    flags: f.flags,
    seq: f.seq,
    seqEnd: undefined,
    ack: f.ack,
    win: f.win,
    len: f.len,
    frameLen: f.frameLen,
    ipId: undefined,
    ttl: undefined,
    options: f.options ?? [],
    tags: f.tags ?? [],
    app: f.app,
    style: f.style ?? "Wireshark packet list",
  };
}
