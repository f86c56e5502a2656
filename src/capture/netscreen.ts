/**
 * NetScreen/ScreenOS "snoop" text captures (`get db stream` output): each packet is a header line
 * `SSSSS.D: iface(i|o) len=N:srcmac->dstmac/ethertype` followed by decoded lines and hex-dump lines.
 * Time is seconds since boot with one decimal, as Wireshark reads it. Such files are small text, so
 * the parser gathers the whole input and decodes it at the end.
 */
import { CaptureFormatError } from "../util/errors.js";
import { LinkType } from "../model/linktype.js";
import { RecordKind, type FrameRecord } from "../model/frame.js";
import { newInterfaceInfo, type CaptureSummary, type RecordParser } from "./types.js";

const HEADER = /^(\d+)\.(\d): ([^(]+)\(([io])\) len=(\d+):/;
const MAX_TEXT = 256 * 1024 * 1024;

/** True when the start of the input looks like a NetScreen snoop dump. */
export function looksLikeNetScreen(head: string): boolean {
  return /^\d+\.\d: [^(\s]+\([io]\) len=\d+:/m.test(head);
}

export class NetScreenParser implements RecordParser {
  need = 1;
  private parts: Uint8Array[] = [];
  private total = 0;

  constructor(
    private readonly summary: CaptureSummary,
    private readonly frame: FrameRecord,
    private readonly emit: (f: FrameRecord) => void,
  ) {
    summary.format = "netscreen";
    summary.interfaces.push(newInterfaceInfo(LinkType.ETHERNET, 0, 10, 1));
  }

  parse(buf: Uint8Array, pos: number, end: number, base: number): number {
    this.total += end - pos;
    if (this.total > MAX_TEXT)
      throw new CaptureFormatError("NetScreen text capture larger than 256 MiB", base + pos);
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
    const text = new TextDecoder("latin1").decode(all);
    const lines = text.split("\n");
    let offset = 0;
    let cur: { sec: number; dsec: number; len: number; off: number; bytes: number[] } | undefined;
    const flush = (): void => {
      if (!cur) return;
      const f = this.frame;
      const data = Uint8Array.from(cur.bytes.slice(0, cur.len));
      f.number++;
      f.kind = RecordKind.PACKET;
      f.hasTs = true;
      f.tsSec = cur.sec;
      f.tsNsec = cur.dsec * 100_000_000;
      f.capLen = data.length;
      f.origLen = cur.len;
      f.linkType = LinkType.ETHERNET;
      f.interfaceId = 0;
      f.fileOffset = cur.off;
      f.data = data;
      f.comment = undefined;
      this.summary.interfaces[0]!.packets++;
      this.emit(f);
      cur = undefined;
    };
    for (const raw of lines) {
      const line = raw.replace(/\r$/, "");
      const m = HEADER.exec(line);
      if (m) {
        flush();
        cur = { sec: Number(m[1]), dsec: Number(m[2]), len: Number(m[5]), off: offset, bytes: [] };
      } else if (cur && /^\s+[0-9a-f]{2}( [0-9a-f]{2})*( |$)/.test(line)) {
        // Hex area first, then the ASCII column after a run of spaces.
        const hex = line.trimStart().split(/ {2,}/)[0]!;
        for (const h of hex.trim().split(" ")) cur.bytes.push(Number.parseInt(h, 16));
      } else if (cur && line.trim() === "" && cur.bytes.length > 0) {
        flush();
      }
      offset += raw.length + 1;
    }
    flush();
  }
}
