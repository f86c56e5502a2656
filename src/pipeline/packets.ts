/**
 * The packet list, two passes like `tshark -2`: the first pass runs the TCP analysis over the whole
 * file (later frames can change how earlier ones are shown, e.g. a SYN-ACK with a new ISN moves the
 * base of relative numbers), the second re-reads the file and formats each frame. Standard input is
 * spooled to a temporary file first, since it cannot be read twice.
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline as streamPipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { readCapture, type CaptureInput, type ReadOptions } from "../capture/index.js";
import type { CaptureSummary } from "../capture/types.js";
import { decodeFrameFast, netDst, netSrc } from "../decode/index.js";
import { formatEpoch, RecordKind, type FrameRecord } from "../model/frame.js";
import { DecodedPacket, DecodeStatus, TcpField } from "../model/packet.js";
import { frameInfoTags, TcpAnalyzer, tcpFieldStrings } from "../tcp/index.js";
import type { PacketLineData } from "../render/packet-line.js";
import { tcpOptionsText } from "../render/tcp-options-text.js";
import { seqSub } from "../util/seq.js";

export interface PacketListResult {
  summary: CaptureSummary;
  analyzer: TcpAnalyzer;
}

/** Makes a re-readable input: regular files and buffers as they are, streams spooled to disk. */
export async function rereadable(input: CaptureInput): Promise<{ input: CaptureInput; cleanup: () => void }> {
  if (input instanceof Uint8Array || (typeof input === "string" && input !== "-")) {
    return { input, cleanup: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-"));
  const file = join(dir, "stdin.capture");
  const stream = typeof input === "string" ? process.stdin : (input as Readable);
  await streamPipeline(stream, createWriteStream(file));
  return { input: file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Pass 1: TCP analysis of every frame. */
export async function analyzeFrames(
  input: CaptureInput,
  options: ReadOptions = {},
): Promise<PacketListResult> {
  const analyzer = new TcpAnalyzer();
  const pkt = new DecodedPacket();
  const summary = await readCapture(
    input,
    (f) => {
      if (f.kind === RecordKind.PACKET) decodeView(f, pkt);
      else pkt.reset();
      analyzer.analyze(f, pkt);
    },
    { ...options, views: true },
  );
  analyzer.finish();
  return { summary, analyzer };
}

function relTime(f: FrameRecord, t0: [number, number] | undefined, digits: number): string {
  if (!f.hasTs || !t0) return "";
  const s = f.tsSec - t0[0] + (f.tsNsec - t0[1]) / 1e9;
  return s.toFixed(digits);
}

/** Pass 2: one PacketLineData per frame, in order. */
export async function formatFrames(
  input: CaptureInput,
  analyzer: TcpAnalyzer,
  onLine: (d: PacketLineData) => void,
  options: ReadOptions & { digits?: number } = {},
): Promise<CaptureSummary> {
  const pkt = new DecodedPacket();
  let t0: [number, number] | undefined;
  const digits = options.digits ?? 6;
  return readCapture(
    input,
    (f) => {
      if (t0 === undefined && f.hasTs) t0 = [f.tsSec, f.tsNsec];
      const isPacket = f.kind === RecordKind.PACKET;
      if (isPacket) decodeView(f, pkt);
      else pkt.reset();
      const n = f.number;
      const stream = analyzer.stream(n);
      const hasIp = pkt.ipVersion !== 0;
      const d: PacketLineData = {
        number: n,
        epoch: f.hasTs ? formatEpoch(f.tsSec, f.tsNsec) : "",
        relTime: relTime(f, t0, digits),
        src: hasIp ? netSrc(pkt, f.data) : "",
        dst: hasIp ? netDst(pkt, f.data) : "",
        protocol: !isPacket ? "" : stream >= 0 ? "TCP" : hasIp ? (pkt.ipVersion === 6 ? "IPv6" : "IPv4") : "",
        length: f.origLen,
        stream: "",
        srcPort: "",
        dstPort: "",
        tcpFlagsHex: "",
        seq: "",
        ack: "",
        len: "",
        windowSize: "",
        analysisFlags: "",
        tags: "",
        tcpFlagBits: 0,
        optionsText: "",
        info: !isPacket ? "custom block" : pkt.status === DecodeStatus.OK ? "" : pkt.reason,
      };
      const shown = pkt.tcpFields;
      if (shown & TcpField.PORTS) {
        d.srcPort = String(pkt.srcPort);
        d.dstPort = String(pkt.dstPort);
      }
      if (shown & TcpField.FLAGS) {
        d.tcpFlagBits = pkt.flags;
        d.tcpFlagsHex = `0x${pkt.flags.toString(16).padStart(4, "0")}`;
      }
      if (shown & TcpField.LEN) d.len = String(pkt.payloadLen);
      if (stream >= 0) {
        const t = tcpFieldStrings(analyzer, n);
        d.stream = t.stream;
        d.seq = t.seq;
        d.ack = t.ack;
        d.windowSize = t.windowSize;
        d.analysisFlags = t.flags;
        d.tags = frameInfoTags(analyzer, n);
        if (pkt.tcpHeaderLen > 20 && !pkt.tcpHeaderTruncated) {
          const sackBase = seqSub(pkt.ack, analyzer.ack(n));
          d.optionsText = tcpOptionsText(f.data, pkt.tcpOff + 20, pkt.tcpOff + pkt.tcpHeaderLen, sackBase);
        }
      }
      onLine(d);
    },
    { ...options, views: true },
  );
}

/**
 * Decodes a frame handed out as a view (its bytes are f.buf[f.off, f.off + capLen)); f.data becomes
 * the whole buffer, which the decoded offsets index.
 */
function decodeView(f: FrameRecord, pkt: DecodedPacket): void {
  f.data = f.buf;
  decodeFrameFast(f.linkType, f.buf, f.off, f.capLen, f.origLen, pkt);
}
