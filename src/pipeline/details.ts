/**
 * The packets of selected connections, for ladder diagrams and time-sequence graphs: a second pass
 * over the capture that keeps only the streams the findings name, bounded per stream (the evidence
 * frames are always kept).
 *
 * Relative numbers, windows and Info tags come from the Wireshark analysis with its second pass, which
 * needs per-frame results (column mode). Given the connection records, the column analysis is fed only
 * the frames of the selected connections' address/port pairs — all of them, so its results for those
 * frames are the whole capture's (conversations on different pairs never affect each other) — and a
 * streaming analysis of every frame gives the tcp.stream numbers — or, given the frames that created
 * the streams in the first pass, their rank numbers each conversation the column analysis creates, and
 * the other pairs' frames are only glanced at. Memory then grows with the selected connections, not
 * the capture.
 */
import { readCapture, type CaptureInput } from "../capture/index.js";
import { decodeFrameAt, formatAddress, netDst, netSrc } from "../decode/index.js";
import { LightKey, lightDecodeFrame, lightTcpKey } from "../decode/light.js";
import { type FrameRecord, RecordKind } from "../model/frame.js";
import { DecodedPacket, DecodeStatus, TcpField } from "../model/packet.js";
import type { ConnectionDetail, PacketView } from "../model/report.js";
import { tcpFlagsText } from "../render/packet-line.js";
import type { ConnectionRecord } from "../tcp/connection/types.js";
import { frameInfoTags, TcpAnalyzer } from "../tcp/index.js";
import { flowHashV1 } from "../util/flow-hash.js";

export interface DetailOptions {
  /** Packets kept per stream before only evidence frames are added. */
  maxPacketsPerStream: number;
  /**
   * The capture's connection records (first pass): when every selected stream is in one, only the
   * frames of their address/port pairs go through the column analysis.
   */
  connections?: readonly ConnectionRecord[];
  /**
   * The first pass's AnalyzeResult.streamFrames (the frame that created each tcp.stream): with
   * `connections`, the streams are numbered from them and the other frames are not analysed at all.
   */
  streamFrames?: Float64Array | null;
}

function pairKey(a: string, ap: number, b: string, bp: number): string {
  const x = `${a}|${ap}`;
  const y = `${b}|${bp}`;
  return x < y ? `${x}|${y}` : `${y}|${x}`;
}

/**
 * Address/port pairs of the selected streams and their flowHashV1 values, or null when a stream is in
 * no record or an address does not read back to the same text (then every frame is analysed).
 */
function selectedPairs(
  streams: ReadonlySet<number>,
  conns: readonly ConnectionRecord[],
): { pairs: Set<string>; hashes: Set<number> } | null {
  const pairs = new Set<string>();
  const hashes = new Set<number>();
  const found = new Set<number>();
  for (const c of conns) {
    for (const s of c.wsStreams) {
      if (!streams.has(s)) continue;
      found.add(s);
      const h = pairHash(c.orig.address, c.orig.port, c.resp.address, c.resp.port);
      if (h < 0) return null;
      pairs.add(pairKey(c.orig.address, c.orig.port, c.resp.address, c.resp.port));
      hashes.add(h);
    }
  }
  return found.size === streams.size ? { pairs, hashes } : null;
}

/** Conversation key of a decoded frame with a TCP header (the quoted one for an ICMP error), as analyzer.ts keys it. */
class FrameKey {
  v = 0;
  src = 0;
  dst = 0;
  set(d: Uint8Array, pkt: DecodedPacket): void {
    let v = pkt.ipVersion;
    let src = pkt.srcAddrOff;
    let dst = pkt.dstAddrOff;
    if (pkt.inIcmpError) {
      v = d[pkt.ipOff]! >> 4;
      src = pkt.ipOff + (v === 6 ? 8 : 12);
      dst = src + (v === 6 ? 16 : 4);
    }
    this.v = v;
    this.src = src;
    this.dst = dst;
  }
}

export async function collectDetails(
  input: CaptureInput,
  streams: ReadonlySet<number>,
  evidenceFrames: ReadonlySet<number>,
  options: DetailOptions = { maxPacketsPerStream: 20_000 },
): Promise<ConnectionDetail[]> {
  const selected = options.connections ? selectedPairs(streams, options.connections) : null;
  // Column analysis (display values): of every frame, or of the selected pairs' frames only.
  const analyzer = new TcpAnalyzer();
  // The first pass's stream creation frames: the column analysis's streams are numbered by them.
  const created = selected !== null ? (options.streamFrames ?? null) : null;
  /** Whole-capture tcp.stream of each stream of the column analysis (with `created`). */
  const globalStream: number[] = [];
  // tcp.stream of every frame when the column analysis sees only some (and `created` is missing).
  const numbering = selected && created === null ? new TcpAnalyzer({ keepFrameColumns: false }) : analyzer;
  const key = new FrameKey();
  const pkt = new DecodedPacket();
  const light = new LightKey();
  const details = new Map<number, ConnectionDetail & { aKey: string; t0: number }>();
  const read = async (onFrame: (f: FrameRecord) => void) => readCapture(input, onFrame, { views: true });
  await read((f) => {
    if (f.kind !== RecordKind.PACKET) {
      if (created !== null) return;
      pkt.reset();
      analyzer.analyze(f, pkt);
      if (numbering !== analyzer) numbering.analyze(f, pkt);
      return;
    }
    // The frame is buf[off, off + capLen); decoded offsets index buf (as f.data from here on).
    const bytes = f.buf;
    f.data = bytes;
    let h = -1;
    if (lightTcpKey(f.linkType, bytes, f.off, f.capLen, f.origLen, light)) {
      h = light.hash >>> 0;
      // Numbered by creation frames: a frame of another pair needs nothing more.
      if (created !== null && !selected!.hashes.has(h)) return;
      lightDecodeFrame(f.linkType, bytes, f.off, f.capLen, f.origLen, pkt);
    } else {
      decodeFrameAt(f.linkType, bytes, f.off, f.capLen, f.origLen, pkt);
    }
    let stream = -1;
    if (created !== null) {
      if ((pkt.tcpFields & TcpField.HEADER) === 0) return;
      key.set(bytes, pkt);
      if (h < 0) h = flowHashV1(bytes, key.v, key.src, key.dst, pkt.srcPort, pkt.dstPort);
      if (
        !selected!.hashes.has(h) ||
        !selected!.pairs.has(
          pairKey(formatAddress(bytes, key.src, key.v), pkt.srcPort, formatAddress(bytes, key.dst, key.v), pkt.dstPort),
        )
      )
        return;
      const before = analyzer.streamCount;
      analyzer.analyze(f, pkt);
      // A conversation created here is the whole capture's stream created by this frame.
      for (let k = before; k < analyzer.streamCount; k++) globalStream.push(rankOf(created, f.number));
      if (pkt.status !== DecodeStatus.OK || pkt.inIcmpError) return;
      const local = analyzer.stream(f.number);
      stream = local >= 0 ? globalStream[local]! : -1;
    } else if (numbering !== analyzer) {
      numbering.analyze(f, pkt);
      if ((pkt.tcpFields & TcpField.HEADER) !== 0) {
        key.set(bytes, pkt);
        if (h < 0) h = flowHashV1(bytes, key.v, key.src, key.dst, pkt.srcPort, pkt.dstPort);
        if (
          selected!.hashes.has(h) &&
          selected!.pairs.has(
            pairKey(
              formatAddress(bytes, key.src, key.v),
              pkt.srcPort,
              formatAddress(bytes, key.dst, key.v),
              pkt.dstPort,
            ),
          )
        )
          analyzer.analyze(f, pkt);
      }
    } else {
      analyzer.analyze(f, pkt);
    }
    if (created === null) {
      if (pkt.status !== DecodeStatus.OK || pkt.inIcmpError) return;
      stream = numbering === analyzer ? analyzer.stream(f.number) : numbering.lastStream;
    }
    const n = f.number;
    if (stream < 0 || !streams.has(stream)) return;
    const src = `${netSrc(pkt, f.data)}:${pkt.srcPort}`;
    const dst = `${netDst(pkt, f.data)}:${pkt.dstPort}`;
    const ts = f.tsSec + f.tsNsec / 1e9;
    let d = details.get(stream);
    if (!d) {
      // "a" is the side that opened the connection: the sender of a SYN, else of the first packet seen.
      const synAck = (pkt.flags & 0x12) === 0x12;
      const a = synAck ? dst : src;
      const b = synAck ? src : dst;
      d = { stream, a, b, packets: [], truncated: 0, aKey: a, t0: ts };
      details.set(stream, d);
    }
    if (d.packets.length >= options.maxPacketsPerStream && !evidenceFrames.has(n)) {
      d.truncated++;
      return;
    }
    const view: PacketView = {
      frame: n,
      ts,
      rel: ts - d.t0,
      from: src === d.aKey ? "a" : "b",
      flags: tcpFlagsText(pkt.flags).slice(1, -1),
      // Relative numbers, window and tags are final only after the analyzer's second pass (below).
      seq: 0,
      ack: 0,
      seqRaw: pkt.seq,
      ackRaw: pkt.ack,
      len: pkt.payloadLen,
      win: 0,
      tags: "",
    };
    d.packets.push(view);
  });
  analyzer.finish();
  for (const d of details.values()) {
    for (const v of d.packets) {
      const n = v.frame;
      v.seq = analyzer.seq(n);
      v.ack = v.flags.includes("ACK") ? analyzer.ack(n) : 0;
      v.win = analyzer.windowSize(n);
      v.tags = frameInfoTags(analyzer, n);
    }
  }
  return [...details.values()]
    .sort((x, y) => x.stream - y.stream)
    .map(({ aKey: _a, t0: _t, ...rest }) => rest);
}

/** Index of `frame` in the ascending `frames` (−1 when absent: the stream is then left out). */
function rankOf(frames: Float64Array, frame: number): number {
  let lo = 0;
  let hi = frames.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = frames[mid]!;
    if (v === frame) return mid;
    if (v < frame) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * flowHashV1 of a pair given as text (the frames' pre-filter; the text comparison decides), or −1
 * when an address does not format back to the same text.
 */
function pairHash(a: string, ap: number, b: string, bp: number): number {
  const bytes = (addr: string): number[] | null => {
    if (addr.includes(":")) return ipv6Bytes(addr);
    const parts = addr.split(".").map(Number);
    return parts.length === 4 && parts.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) ? parts : null;
  };
  const x = bytes(a);
  const y = bytes(b);
  if (x === null || y === null || x.length !== y.length) return -1;
  const d = new Uint8Array([...x, ...y]);
  const v = x.length === 16 ? 6 : 4;
  if (formatAddress(d, 0, v) !== a || formatAddress(d, x.length, v) !== b) return -1;
  return flowHashV1(d, v, 0, x.length, ap, bp);
}

function ipv6Bytes(addr: string): number[] | null {
  const [head, tail] = addr.includes("::") ? addr.split("::") : [addr, undefined];
  const words = (s: string | undefined): number[] =>
    s ? s.split(":").map((w) => Number.parseInt(w, 16)) : [];
  let w: number[];
  if (tail === undefined) {
    w = words(head);
  } else {
    const h = words(head);
    const t = words(tail);
    w = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  }
  if (w.length !== 8 || w.some((x) => !(x >= 0 && x <= 0xffff))) return null;
  return w.flatMap((x) => [x >> 8, x & 0xff]);
}
