/**
 * What one line (or tcpdump -v record) of pasted packet text says, before any reconstruction, and
 * the small parsers the line readers share: addresses, ports, times. Nothing here guesses: a field
 * the text does not show stays undefined, and text-rebuild.ts decides what to assume.
 */
import { portOfService } from "./text-services.js";

/** The families of text tcpsleuth reads; they differ in numbering, so a paste is read as one family. */
export type TextFamily = "wireshark" | "tcpdump";

/** A timestamp as printed: its kind decides how text-rebuild.ts turns it into capture time. */
export interface TextTime {
  /**
   * epoch: seconds since 1970 (tcpdump -tt, Wireshark epoch); datetime: a date and a time of day
   * (taken as UTC); tod: a time of day without a date; seconds: a small number of seconds (Wireshark's
   * default "since the start", or a delta); hms: HH:MM:SS that may be a time of day or a tcpdump
   * -ttt/-ttttt delta.
   */
  kind: "epoch" | "datetime" | "tod" | "seconds" | "hms";
  sec: number;
  nsec: number;
  /** Decimal digits shown (6 µs, 9 ns). */
  digits: number;
}

/** One TCP option as the text shows it (only what tcpsleuth rebuilds). */
export type TextOption =
  | { kind: "mss"; value: number }
  | { kind: "ws"; shift: number }
  | { kind: "sackPerm" }
  | { kind: "ts"; val: number; ecr: number }
  | { kind: "sack"; blocks: number[] }
  | { kind: "nop" }
  | { kind: "eol" };

export interface Endpoint {
  /** 4 or 16 bytes; a host name gets a placeholder address (see Addresses). */
  addr: Uint8Array;
  /** Text as shown, for messages and for placeholder bookkeeping. */
  text: string;
  /** The address bytes in hex: a conversation key that does not depend on how the address was written. */
  key: string;
}

/** A packet line that carries TCP, with what it shows. */
export interface TextPacket {
  family: TextFamily;
  /** 1-based line of the text where the record starts, and its offset in characters (for messages). */
  line: number;
  offset: number;
  /** Wireshark's No. column when shown, else undefined (line order is used). */
  no: number | undefined;
  time: TextTime | undefined;
  src: Endpoint;
  dst: Endpoint;
  /** Ports; undefined on a Wireshark line showing an application protocol instead of TCP. */
  sport: number | undefined;
  dport: number | undefined;
  /** TCP flag bits; undefined when not shown (application-protocol line). */
  flags: number | undefined;
  seq: number | undefined;
  /** tcpdump "seq a:b": the end. */
  seqEnd: number | undefined;
  ack: number | undefined;
  win: number | undefined;
  /** TCP payload length (Wireshark Len=, tcpdump "length N"). */
  len: number | undefined;
  /** Frame length (Wireshark's Length column, tcpdump -e "length N:"). */
  frameLen: number | undefined;
  /** tcpdump -v: IP ID and TTL / hop limit. */
  ipId: number | undefined;
  ttl: number | undefined;
  options: TextOption[];
  /** Wireshark's bracketed notes, e.g. "TCP Retransmission" (information only, never trusted). */
  tags: string[];
  /** The protocol column when the line shows an application protocol instead of TCP (LPD, HTTP). */
  app: string | undefined;
  /** Which layout the line had: "tshark", "Wireshark packet list", "Wireshark CSV", "tcpdump". */
  style: string;
}

/** A line that is not used, with why; `packet` says it was a packet of another protocol. */
export interface TextSkip {
  skip: string;
  packet: boolean;
  /** Wireshark's No. column, if shown (kept so numbering by line order stays right). */
  no?: number;
  /** Its time (a delta column adds up over every packet, shown or skipped). */
  time?: TextTime;
}

export type LineResult = TextPacket | TextSkip | null;

export function isSkip(r: LineResult): r is TextSkip {
  return r !== null && "skip" in r;
}

// ---------------------------------------------------------------- addresses

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(s: string): Uint8Array | undefined {
  const m = IPV4.exec(s);
  if (!m) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const v = Number(m[i + 1]);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

/** RFC 4291 text (with ::, an embedded IPv4 tail, a %zone) → 16 bytes. */
export function parseIpv6(s: string): Uint8Array | undefined {
  const text = s.replace(/%.*$/, "");
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(":") || text.length > 45) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const groups = part.split(":");
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (i === groups.length - 1 && g.includes(".")) {
        const v4 = parseIpv4(g);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) out.push(Number.parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

const MAC = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;

export function looksLikeMac(s: string): boolean {
  return MAC.test(s);
}

/**
 * Gives each host name a placeholder address (TEST-NET-3, 203.0.113.0/24, then 2001:db8::/32), so
 * a text whose addresses were resolved to names still makes consistent packets; the report lists
 * the mapping. Real addresses pass through.
 */
export class Addresses {
  readonly placeholders = new Map<string, string>();
  private next = 1;
  /** One Endpoint per address text: a long text names few hosts many times. */
  private readonly seen = new Map<string, Endpoint>();

  parse(s: string): Endpoint | undefined {
    let e = this.seen.get(s);
    if (e === undefined) {
      e = this.resolve(s);
      if (e !== undefined && this.seen.size < 100_000) this.seen.set(s, e);
    }
    return e;
  }

  private resolve(s: string): Endpoint | undefined {
    const v4 = parseIpv4(s);
    if (v4) return endpoint(v4, s);
    const v6 = parseIpv6(s);
    if (v6) return endpoint(v6, s);
    if (MAC.test(s) || !HOSTNAME.test(s) || /^\d+$/.test(s) || !/[A-Za-z]/.test(s)) return undefined;
    let placeholder = this.placeholders.get(s);
    if (placeholder === undefined) {
      const n = this.next++;
      placeholder = n < 255 ? `203.0.113.${n}` : `2001:db8::${n.toString(16)}`;
      this.placeholders.set(s, placeholder);
    }
    return endpoint((parseIpv4(placeholder) ?? parseIpv6(placeholder))!, s);
  }
}

function endpoint(addr: Uint8Array, text: string): Endpoint {
  return { addr, text, key: Array.from(addr, (x) => x.toString(16).padStart(2, "0")).join("") };
}

// ---------------------------------------------------------------- ports

/**
 * A port as printed: a number, a service name (Wireshark and tcpdump -n print those), or
 * Wireshark's "name(123)". Unknown names get a placeholder port from 65535 down, noted in `unknown`.
 */
export class Ports {
  readonly named = new Map<string, number>();
  readonly unknown = new Map<string, number>();
  private nextPlaceholder = 65535;

  parse(s: string): number | undefined {
    if (/^\d{1,5}$/.test(s)) {
      const v = Number(s);
      return v <= 65535 ? v : undefined;
    }
    const both = /^[A-Za-z][\w.+-]*\((\d{1,5})\)$/.exec(s);
    if (both) return Number(both[1]) <= 65535 ? Number(both[1]) : undefined;
    if (!/^[A-Za-z][\w.+-]{0,40}$/.test(s)) return undefined;
    const known = portOfService(s);
    if (known !== undefined) {
      this.named.set(s, known);
      return known;
    }
    let p = this.unknown.get(s);
    if (p === undefined) {
      p = this.nextPlaceholder--;
      this.unknown.set(s, p);
    }
    return p;
  }
}

// ---------------------------------------------------------------- times

function fraction(f: string | undefined): { nsec: number; digits: number } {
  if (!f) return { nsec: 0, digits: 0 };
  const d = f.slice(0, 9);
  return { nsec: Number(d.padEnd(9, "0")), digits: d.length };
}

const DATETIME = /^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?$/;
const HMS = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?$/;
const SECONDS = /^(\d{1,12})(?:[.,](\d+))?$/;

/** A time column / prefix as printed, or undefined. */
export function parseTime(s: string, family: TextFamily): TextTime | undefined {
  let m = DATETIME.exec(s);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
    if (!Number.isFinite(ms)) return undefined;
    return { kind: "datetime", sec: Math.floor(ms / 1000), ...fraction(m[7]) };
  }
  m = HMS.exec(s);
  if (m) {
    const sec = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    // Wireshark prints a time of day here; tcpdump's HH:MM:SS may also be a -ttt/-ttttt delta.
    return { kind: family === "wireshark" ? "tod" : "hms", sec, ...fraction(m[4]) };
  }
  m = SECONDS.exec(s);
  if (m) {
    const sec = Number(m[1]);
    // Above ~1973 a bare number of seconds is an epoch time, not seconds since the capture began.
    return { kind: sec > 1e8 ? "epoch" : "seconds", sec, ...fraction(m[2]) };
  }
  return undefined;
}

/** A time regex fragment for both families (date-time, time of day, seconds). */
export const TIME_RE = String.raw`\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?|\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?|\d{1,12}(?:[.,]\d+)?`;
