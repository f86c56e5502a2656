/**
 * The packets of selected connections, for ladder diagrams and time-sequence graphs: a second pass
 * over the capture that keeps only the streams the findings name, bounded per stream (the evidence
 * frames are always kept).
 */
import { readCapture, type CaptureInput } from "../capture/index.js";
import { decodeFrame, netDst, netSrc } from "../decode/index.js";
import { RecordKind } from "../model/frame.js";
import { DecodedPacket, DecodeStatus } from "../model/packet.js";
import type { ConnectionDetail, PacketView } from "../model/report.js";
import { tcpFlagsText } from "../render/packet-line.js";
import { frameInfoTags, TcpAnalyzer } from "../tcp/index.js";

export interface DetailOptions {
  /** Packets kept per stream before only evidence frames are added. */
  maxPacketsPerStream: number;
}

export async function collectDetails(
  input: CaptureInput,
  streams: ReadonlySet<number>,
  evidenceFrames: ReadonlySet<number>,
  options: DetailOptions = { maxPacketsPerStream: 20_000 },
): Promise<ConnectionDetail[]> {
  const analyzer = new TcpAnalyzer();
  const pkt = new DecodedPacket();
  const details = new Map<number, ConnectionDetail & { aKey: string; t0: number }>();
  await readCapture(input, (f) => {
    if (f.kind !== RecordKind.PACKET) {
      pkt.reset();
      analyzer.analyze(f, pkt);
      return;
    }
    decodeFrame(f.linkType, f.data, f.origLen, pkt);
    analyzer.analyze(f, pkt);
    if (pkt.status !== DecodeStatus.OK || pkt.inIcmpError) return;
    const n = f.number;
    const stream = analyzer.stream(n);
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
