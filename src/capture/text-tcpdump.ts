/**
 * tcpdump packet lines: `-n`/`-nn` (port names are mapped back), with or without `-S`, any of
 * `-t`/`-tt`/`-ttt`/`-tttt`/`-ttttt`, `-e` (link header, VLAN tags), `-v` (the IP header on its own
 * line: text.ts joins the two lines of a record first) and the interface/direction prefix of `-i any`.
 * Non-TCP records (ARP, UDP, DNS, ICMP ...) are recognised as packets of another protocol, so they
 * still count for numbering by line order.
 */
import type { Addresses, LineResult, Ports, TextOption, TextTime } from "./text-model.js";
import { parseTime, TIME_RE } from "./text-model.js";

const FLAG_CHARS: Record<string, number> = {
  F: 0x001,
  S: 0x002,
  R: 0x004,
  P: 0x008,
  ".": 0x010,
  U: 0x020,
  E: 0x040,
  W: 0x080,
  e: 0x100,
};

const TIME_PREFIX = new RegExp(`^\\s*(${TIME_RE})\\s+`);
const IFACE = /^\S{1,20}\s+(?:In|Out|M|B|P)\s+/;
const ETHER = /^.{0,100}?ethertype (\S+) \(0x[0-9a-fA-F]{1,4}\), length (\d{1,6}): /;
const VLAN = /^vlan \d{1,4}, p \d, ethertype (\S+) \(0x[0-9a-fA-F]{1,4}\),? /;
const L3 = /^(IP6?|ARP|RARP|IPX|STP|LLDP|CDP|LACP|EAP\S*|AARP|LLC\S*|802\.1\S*)\b[,:]?\s*/;
const IPINFO = /^\(((?:[^()]|\([^()]{0,20}\)){0,400})\)\s*/;
const ENDS = /^(\S{1,300})\.([A-Za-z0-9][\w-]{0,40}) > (\S{1,300})\.([A-Za-z0-9][\w-]{0,40}): (.*)$/;
const HOSTS = /^(\S{1,300}) > (\S{1,300}): (.*)$/;

/** A tcpdump -v record's first line (the IP header), whose second, indented line completes it. */
export function isTcpdumpFirstOfTwo(line: string): boolean {
  return /\b(?:IP6?|ethertype IPv[46] \(0x[0-9a-fA-F]+\), length \d+:) \((?:[^()]|\([^()]*\))*\)\s*$/.test(line);
}

/** Cheap test: does this look like a tcpdump record (a time, then a protocol or an address pair)? */
export function looksLikeTcpdump(line: string): boolean {
  return /(^|\s)(IP6?|ARP|ethertype) /.test(line) && (/ > \S+: /.test(line) || /ARP, /.test(line));
}

function skipReason(body: string, ipProto: string | undefined, sport: string, dport: string): string {
  if (/\bICMP6\b/.test(body) || ipProto === "ICMPv6") return "ICMPv6";
  if (/\bICMP\b/.test(body) || ipProto === "ICMP") return "ICMP";
  if (/\bIGMP\b/.test(body) || ipProto === "IGMP") return "IGMP";
  const p = new Set([sport, dport]);
  if (p.has("53") || p.has("domain") || /\b(?:A|AAAA|PTR|MX|TXT|SRV|CNAME|NS|SOA)\? /.test(body)) return "DNS";
  if (p.has("5353") || p.has("mdns")) return "mDNS";
  if (p.has("67") || p.has("68") || p.has("bootps") || p.has("bootpc")) return "DHCP";
  if (p.has("123") || p.has("ntp")) return "NTP";
  if (/\bUDP\b/.test(body) || ipProto === "UDP") return "UDP";
  if (/\[\|tcp\]/.test(body)) return "TCP line cut short ([|tcp])";
  if (ipProto === "TCP") return "TCP line without flags";
  return ipProto ?? "other protocol";
}

export function parseTcpdumpLine(
  record: string,
  lineNo: number,
  offset: number,
  addrs: Addresses,
  ports: Ports,
): LineResult {
  let s = record.length > 4000 ? record.slice(0, 4000) : record;
  let time: TextTime | undefined;
  const tm = TIME_PREFIX.exec(s);
  if (tm) {
    time = parseTime(tm[1]!.replace(",", "."), "tcpdump");
    s = s.slice(tm[0].length);
  }
  const iface = IFACE.exec(s);
  if (iface && !/^IP6? /.test(s)) s = s.slice(iface[0].length);
  let frameLen: number | undefined;
  let etherType: string | undefined;
  const eth = s.includes("ethertype") ? ETHER.exec(s) : null;
  if (eth) {
    etherType = eth[1];
    frameLen = Number(eth[2]);
    s = s.slice(eth[0].length);
    for (let v = VLAN.exec(s), k = 0; v && k < 4; v = VLAN.exec(s), k++) {
      etherType = v[1];
      s = s.slice(v[0].length);
    }
  }
  const l3 = L3.exec(s);
  if (l3) s = s.slice(l3[0].length);
  const family = l3?.[1] ?? (etherType === "IPv4" ? "IP" : etherType === "IPv6" ? "IP6" : undefined);
  if (family === undefined) {
    // Neither a protocol keyword nor an EtherType we follow: a packet only if it had a time and an ethertype.
    return etherType !== undefined ? { skip: etherType, packet: true, time } : null;
  }
  if (family !== "IP" && family !== "IP6") return { skip: family.replace(/[,:]$/, ""), packet: true, time };
  let ttl: number | undefined;
  let ipId: number | undefined;
  let ipProto: string | undefined;
  const info = IPINFO.exec(s);
  if (info) {
    const t = /\b(?:ttl|hlim) (\d{1,3})\b/.exec(info[1]!);
    const id = /\bid (\d{1,5})\b/.exec(info[1]!);
    const p = /\b(?:proto|next-header) (\S+) \(\d+\)/.exec(info[1]!);
    ttl = t ? Number(t[1]) : undefined;
    ipId = id ? Number(id[1]) : undefined;
    ipProto = p?.[1];
    s = s.slice(info[0].length);
  }
  const ends = ENDS.exec(s);
  if (!ends) {
    const hosts = HOSTS.exec(s);
    if (!hosts && !time) return null;
    return { skip: skipReason(s, ipProto, "", ""), packet: true, time };
  }
  const body = ends[5]!;
  const fm = /^Flags \[([^\]]{0,20})\]/.exec(body);
  if (!fm) return { skip: skipReason(body, ipProto, ends[2]!, ends[4]!), packet: true, time };
  const src = addrs.parse(ends[1]!);
  const dst = addrs.parse(ends[3]!);
  const sport = ports.parse(ends[2]!);
  const dport = ports.parse(ends[4]!);
  if (!src || !dst || sport === undefined || dport === undefined)
    return { skip: "TCP line with unreadable addresses", packet: true, time };
  let flags = 0;
  if (fm[1] !== "none") for (const ch of fm[1]!) flags |= FLAG_CHARS[ch] ?? 0;
  // Fields after the flags; the options list holds commas of its own, so take it out first.
  const optm = /, options \[([^\]]{0,400})\]/.exec(body);
  const fields = optm ? body.slice(0, optm.index) + body.slice(optm.index + optm[0].length) : body;
  const seqm = /, seq (\d{1,10})(?::(\d{1,10}))?/.exec(fields);
  const num = (re: RegExp): number | undefined => {
    const m = re.exec(fields);
    return m ? Number(m[1]) : undefined;
  };
  return {
    family: "tcpdump",
    line: lineNo,
    offset,
    no: undefined,
    time,
    src,
    dst,
    sport,
    dport,
    flags,
    seq: seqm ? Number(seqm[1]) : undefined,
    seqEnd: seqm?.[2] !== undefined ? Number(seqm[2]) : undefined,
    ack: num(/, ack (\d{1,10})/),
    win: num(/, win (\d{1,10})/),
    len: num(/, length (\d{1,6})/),
    frameLen,
    ipId,
    ttl,
    options: optm ? options(optm[1]!) : [],
    tags: [],
    app: undefined,
    style: "tcpdump",
  };
}

/** tcpdump's option list: "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7", "nop,nop,sack 1 {1:2}". */
const OPTIONS: [RegExp, (m: RegExpExecArray) => TextOption][] = [
  [/^nop$/, () => ({ kind: "nop" })],
  [/^eol$/, () => ({ kind: "eol" })],
  [/^sackOK$/, () => ({ kind: "sackPerm" })],
  [/^mss (\d{1,5})$/, (m) => ({ kind: "mss", value: Number(m[1]) & 0xffff })],
  [/^wscale (\d{1,3})$/, (m) => ({ kind: "ws", shift: Math.min(Number(m[1]), 255) })],
  [/^TS val (\d{1,10}) ecr (\d{1,10})$/, (m) => ({ kind: "ts", val: Number(m[1]) >>> 0, ecr: Number(m[2]) >>> 0 })],
  [
    /^sack \d{1,2} ((?:\{\d{1,10}:\d{1,10}\}){1,4})/,
    (m) => ({
      kind: "sack",
      blocks: [...m[1]!.matchAll(/\{(\d+):(\d+)\}/g)].flatMap((b) => [Number(b[1]) >>> 0, Number(b[2]) >>> 0]),
    }),
  ],
];

function options(list: string): TextOption[] {
  const out: TextOption[] = [];
  for (const item of list.split(",").slice(0, 40)) {
    const o = item.trim();
    for (const [re, make] of OPTIONS) {
      const m = re.exec(o);
      if (m) {
        out.push(make(m));
        break;
      }
    }
  }
  return out;
}
