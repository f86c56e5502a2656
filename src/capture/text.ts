/**
 * Packet text as a capture: what a user pasted into a ticket or a forum (Wireshark packet-list rows,
 * tshark one-line output, tcpdump lines), recognised by content. Each TCP line becomes a real raw-IP
 * packet (text-synth.ts) numbered as the text numbers it, so the analysis and the diagnosis are the
 * same as for a capture; what the text cannot tell is listed in CaptureSummary.textInput.
 *
 * Pasted text is small and its meaning depends on the whole (relative or absolute numbers, what a
 * time column means), so the parser gathers all input and works at the end, as the NetScreen one does.
 */
import { RecordKind, type FrameRecord } from "../model/frame.js";
import { LinkType } from "../model/linktype.js";
import { CaptureFormatError } from "../util/errors.js";
import { describeUnknown } from "./sniff.js";
import { Addresses, isSkip, Ports, type TextFamily, type TextPacket, type TextSkip } from "./text-model.js";
import { detectNumbering, Rebuilder } from "./text-rebuild.js";
import { Synthesizer } from "./text-synth.js";
import { isTcpdumpFirstOfTwo, looksLikeTcpdump, parseTcpdumpLine } from "./text-tcpdump.js";
import { normaliseTimes } from "./text-time.js";
import { isWiresharkHeader, parseWiresharkLine } from "./text-wireshark.js";
import { countSkip, type CaptureSummary, type RecordParser } from "./types.js";
import { textCaveats } from "./text-caveats.js";

const MAX_TEXT = 256 * 1024 * 1024;
const MAX_LINE = 4000;

/** True when the input is text: a byte-order mark, or mostly printable characters. */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return true;
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return true;
  const what = describeUnknown(head);
  if (what === "looks like text") return true;
  if (!what.startsWith("unknown format")) return false; // empty, an archive, an HTML page: said as such
  // UTF-8 text whose arrows (→) and other non-ASCII characters the byte count above holds against it.
  for (let cut = 0; cut < 4 && cut < head.length; cut++) {
    try {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, head.length - cut));
      const controls = text.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g)?.length ?? 0;
      return text.length > 0 && controls / text.length < 0.05;
    } catch {
      // a character cut by the sniff window: try a byte shorter
    }
  }
  return false;
}

function decode(all: Uint8Array): string {
  if (all[0] === 0xff && all[1] === 0xfe) return new TextDecoder("utf-16le").decode(all.subarray(2));
  if (all[0] === 0xfe && all[1] === 0xff) return new TextDecoder("utf-16be").decode(all.subarray(2));
  return new TextDecoder("utf-8").decode(all).replace(/^\uFEFF/, "");
}

interface Record {
  r: TextPacket | TextSkip;
  family: TextFamily;
}

interface Ordered {
  p: TextPacket;
  number: number;
  time: [number, number] | undefined;
}

export class TextParser implements RecordParser {
  need = 1;
  private parts: Uint8Array[] = [];
  private total = 0;

  constructor(
    private readonly summary: CaptureSummary,
    private readonly frame: FrameRecord,
    private readonly emit: (f: FrameRecord) => void,
  ) {
    summary.format = "text";
  }

  parse(buf: Uint8Array, pos: number, end: number, base: number): number {
    this.total += end - pos;
    if (this.total > MAX_TEXT) throw new CaptureFormatError("packet text larger than 256 MiB", base + pos);
    this.parts.push(buf.slice(pos, end));
    return end;
  }

  finish(): void {
    const all = new Uint8Array(this.total);
    let o = 0;
    for (const p of this.parts) {
      all.set(p, o);
      o += p.length;
    }
    this.parts = [];
    this.run(decode(all));
  }

  private run(text: string): void {
    const addrs = new Addresses();
    const ports = new Ports();
    const skipped = new Map<string, number>();
    const skip = (reason: string): void => void skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    const records: Record[] = [];
    const lines = text.split(/\r\n|\n|\r/);
    let linesRead = 0;
    let offset = 0;
    for (let i = 0; i < lines.length; i++) {
      const start = offset;
      let line = lines[i]!;
      offset += line.length + 1;
      if (line.trim() === "") continue;
      linesRead++;
      const lineNo = i + 1;
      if (line.length > MAX_LINE) {
        // Bounds the work per line: no packet line is this long.
        skip("line too long to be a packet line");
        continue;
      }
      // tcpdump -v: the IP header line, then the TCP line indented under it.
      // (A paste may have lost the indentation; the second line still starts with the address pair.)
      if (line.endsWith(")") && isTcpdumpFirstOfTwo(line) && /^\s|^\S+\.\w+ > \S+\.\w+: /.test(lines[i + 1] ?? "")) {
        offset += lines[i + 1]!.length + 1;
        line = `${line} ${lines[++i]!.trim()}`;
        linesRead++;
      }
      if (isWiresharkHeader(line)) {
        skip("column header");
        continue;
      }
      let r: TextPacket | TextSkip | null = null;
      let family: TextFamily = "tcpdump";
      if (looksLikeTcpdump(line)) r = parseTcpdumpLine(line, lineNo, start, addrs, ports);
      if (r === null) {
        family = "wireshark";
        r = parseWiresharkLine(line, lineNo, start, addrs, ports);
      }
      if (r === null) {
        family = "tcpdump";
        r = parseTcpdumpLine(line, lineNo, start, addrs, ports);
      }
      if (r === null) skip(/^\s/.test(line) ? "indented detail or payload line" : "not a packet line");
      else records.push({ r, family });
    }
    // One family per text: numbering differs between them, and a mix is two views of the same packets.
    const votes = { wireshark: 0, tcpdump: 0 };
    for (const x of records) votes[x.family]++;
    const family: TextFamily = votes.wireshark >= votes.tcpdump ? "wireshark" : "tcpdump";
    const mine = records.filter((x) => {
      if (x.family === family) return true;
      skip(`line in ${x.family} format (the rest is ${family})`);
      return false;
    });
    const timing = normaliseTimes(mine.map((x) => x.r.time));
    const tcp = this.order(mine, timing.times, skip);
    if (tcp.length === 0) throw new CaptureFormatError(this.nothingUsable(text, linesRead, mine), 0);
    const numbering = detectNumbering(tcp.map((x) => x.p));
    const rebuild = new Rebuilder(numbering);
    const synth = new Synthesizer();
    const f = this.frame;
    let emitted = 0;
    this.summary.interfaces.push({
      sectionIndex: 0,
      linkType: LinkType.RAW,
      snaplen: 0,
      ticksPerSecond: timing.digits > 6 ? 1e9 : 1e6,
      precisionDigits: timing.digits > 6 ? 9 : 6,
      tsOffsetSec: 0,
      name: undefined,
      description: "rebuilt from packet text",
      filter: undefined,
      os: undefined,
      hardware: undefined,
      packets: 0,
      statEntries: 0,
    });
    // Fill textInput before the first frame: the reader's consumers may look at it while frames arrive.
    const info = {
      format: this.formatName(tcp.map((x) => x.p)),
      numbering,
      linesRead,
      linesSkipped: [] as { reason: string; count: number }[],
      caveats: [] as string[],
    };
    this.summary.textInput = info;
    for (const { p, number, time } of tcp) {
      const s = rebuild.next(p, number, time);
      if (typeof s === "string") {
        skip(s);
        countSkip(this.summary, s);
        continue;
      }
      const data = synth.build(s);
      f.number = s.number;
      f.kind = RecordKind.PACKET;
      f.hasTs = s.time !== undefined;
      f.tsSec = s.time?.[0] ?? 0;
      f.tsNsec = s.time?.[1] ?? 0;
      f.capLen = data.length;
      f.origLen = data.length;
      f.linkType = LinkType.RAW;
      f.interfaceId = 0;
      f.fileOffset = s.offset;
      f.data = data;
      f.comment = s.comment;
      f.receiverIsn = s.receiverIsn;
      if (s.comment) this.summary.commentedFrames++;
      this.summary.interfaces[0]!.packets++;
      emitted++;
      this.emit(f);
    }
    f.receiverIsn = undefined;
    info.linesSkipped = [...skipped.entries()].map(([reason, count]) => ({ reason, count }));
    info.caveats = textCaveats({
      family,
      numbering,
      notes: rebuild.notes,
      timeNote: timing.note,
      numbers: mine.map((x) => x.r.no),
      tcpCount: emitted,
      hasIpInfo: tcp.some((x) => x.p.ttl !== undefined),
      addrs,
      ports,
    });
  }

  /**
   * The TCP packets in frame order with their numbers: Wireshark's No. when every row shows it, else
   * the order of packet lines (any protocol), which is Wireshark's numbering for a complete export.
   * Out-of-order numbers are sorted; a repeated number is dropped (the same row pasted twice).
   */
  private order(mine: Record[], times: ([number, number] | undefined)[], skip: (reason: string) => void): Ordered[] {
    const useNo = mine.length > 0 && mine.every((x) => x.r.no !== undefined);
    const out: Ordered[] = [];
    mine.forEach((x, k) => {
      if (isSkip(x.r)) {
        skip(x.r.packet ? packetReason(x.r.skip) : x.r.skip);
        if (x.r.packet) countSkip(this.summary, packetReason(x.r.skip));
      } else out.push({ p: x.r, number: useNo ? x.r.no! : k + 1, time: times[k] });
    });
    out.sort((a, b) => a.number - b.number);
    return out.filter((x, k) => {
      if (k === 0 || x.number !== out[k - 1]!.number) return true;
      skip("repeats an earlier frame number");
      return false;
    });
  }

  private formatName(ps: TextPacket[]): string {
    const styles = new Map<string, number>();
    for (const p of ps) styles.set(p.style, (styles.get(p.style) ?? 0) + 1);
    return [...styles.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "text";
  }

  /** The one-line message when nothing in the text can be analysed: what the text looks like instead. */
  private nothingUsable(text: string, linesRead: number, mine: Record[]): string {
    const packets = mine.filter((x) => isSkip(x.r) && x.r.packet).map((x) => (x.r as TextSkip).skip);
    const lines = `${linesRead} line${linesRead === 1 ? "" : "s"}`;
    if (packets.length > 0) {
      // Unusable TCP lines (no ports, flags or numbers) and packets of other protocols are told apart.
      const tcpish = packets.filter((p) => /^TCP /.test(p)).length;
      const others = packets.filter((p) => !/^TCP /.test(p));
      const unusable = `${tcpish} TCP packet line${tcpish === 1 ? "" : "s"} without ports, flags or sequence numbers`;
      if (others.length === 0) return `not a capture file: looks like text with ${unusable}`;
      const protos = [...new Set(others)].slice(0, 6).join("/");
      return `text with no TCP packets: ${others.length} line${others.length === 1 ? "" : "s"} of ${protos}${tcpish ? `, and ${unusable}` : ""}`;
    }
    if (linesRead === 0) return "not a capture file: the text is empty (only blank lines)";
    const sample = text.split(/\r?\n/).filter((l) => l.trim() !== "").slice(0, 50);
    const share = (re: RegExp): number => sample.filter((l) => re.test(l)).length / sample.length;
    if (share(/"(?:GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH) \S+ HTTP\/[\d.]+" \d{3}/) > 0.5)
      return `not a capture file: looks like a web server access log (${lines}), not packet lines`;
    if (share(/^\s*[[{]/) > 0.5) return `not a capture file: looks like JSON (${lines}), not packet lines`;
    if (share(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d |^\d{4}-\d\d-\d\dT\d\d:\d\d/) > 0.5)
      return `not a capture file: looks like a log file (${lines}), not packet lines`;
    return `not a capture file: looks like text, but none of its ${lines} is a packet line from Wireshark, tshark or tcpdump`;
  }
}

/** A skipped packet line's reason for the report: protocol names read as "ARP packet (not TCP)". */
function packetReason(reason: string): string {
  return /^[A-Za-z0-9./+_-]+$/.test(reason) ? `${reason} packet (not TCP)` : reason;
}
