/**
 * The library surface: what the CLI, the server and scripts call. Each function takes a capture
 * input (path, "-" for stdin, bytes or a stream) and returns plain data.
 */
import { readCapture, type CaptureInput, type ReadOptions } from "../capture/index.js";
import type { CaptureSummary } from "../capture/types.js";
import { buildInfoReport, type InfoReport } from "../render/info.js";
import { decodeFrame } from "../decode/index.js";
import { RecordKind } from "../model/frame.js";
import { DecodedPacket, DecodeStatus } from "../model/packet.js";

export type { CaptureInput, ReadOptions };

export async function captureInfo(
  input: CaptureInput,
  options: ReadOptions = {},
): Promise<{ summary: CaptureSummary; report: InfoReport }> {
  // Decode every frame too, so that the frames tcpsleuth cannot analyse are counted with their reason.
  const pkt = new DecodedPacket();
  const notAnalysed = new Map<string, number>();
  const summary = await readCapture(
    input,
    (f) => {
      if (f.kind !== RecordKind.PACKET) {
        notAnalysed.set(
          "pcapng custom block (no packet)",
          (notAnalysed.get("pcapng custom block (no packet)") ?? 0) + 1,
        );
        return;
      }
      decodeFrame(f.linkType, f.data, f.origLen, pkt);
      const reason =
        pkt.status !== DecodeStatus.OK
          ? pkt.reason || "not TCP"
          : pkt.inIcmpError
            ? "TCP header quoted in an ICMP error"
            : "";
      if (reason) notAnalysed.set(reason, (notAnalysed.get(reason) ?? 0) + 1);
    },
    options,
  );
  return { summary, report: buildInfoReport(summary, notAnalysed) };
}

import { analyzeFrames, formatFrames, rereadable } from "../pipeline/packets.js";
import type { PacketLineData } from "../render/packet-line.js";

export type { PacketLineData };

/**
 * The packet list: every frame with Wireshark's TCP columns (two passes, as tshark -2), handed to
 * `onLine` in frame order. Returns the capture summary of the second pass.
 */
export async function packetList(
  input: CaptureInput,
  onLine: (d: PacketLineData) => void,
  options: ReadOptions = {},
): Promise<CaptureSummary> {
  const { input: file, cleanup } = await rereadable(input);
  try {
    const { summary, analyzer } = await analyzeFrames(file, options);
    if (summary.records === 0) return summary;
    const digits = Math.max(6, ...summary.interfaces.map((i) => Math.min(9, i.precisionDigits)));
    return await formatFrames(file, analyzer, onLine, { ...options, digits });
  } finally {
    cleanup();
  }
}

import { analyzeCapture, analyzeCaptureJson, type AnalyzeOptions, type AnalyzeResult } from "../pipeline/analyze.js";

/** Input from this size on is a large capture: analysed on several threads when there are cores for them. */
export { AUTO_MIN_BYTES as LARGE_INPUT_BYTES } from "../pipeline/parallel.js";
import type { ConnectionRecord } from "../tcp/connection/types.js";

export type { AnalyzeOptions, AnalyzeResult, ConnectionRecord };

/** Every TCP connection of a capture (our model, Zeek-compatible state and history), in order of first packet. */
export async function connections(
  input: CaptureInput,
  options: AnalyzeOptions = {},
): Promise<{ result: AnalyzeResult; connections: ConnectionRecord[] }> {
  const list: ConnectionRecord[] = [];
  const result = await analyzeCapture(input, (c) => list.push(c), options);
  list.sort((a, b) => a.uid - b.uid);
  return { result, connections: list };
}

/**
 * connections() as text: JSON.stringify of each connection record in UTF-8, in uid order (what
 * `flows --json` lists). Less memory than the records, and with worker threads the text is made (and
 * encoded) in the workers.
 */
export async function connectionsJson(
  input: CaptureInput,
  options: AnalyzeOptions = {},
): Promise<{ result: AnalyzeResult; connections: Uint8Array[] }> {
  const { result, pieces } = await analyzeCaptureJson(input, options);
  return { result, connections: pieces };
}

import { diagnoseCapture, type DiagnoseCaptureOptions } from "../pipeline/diagnose.js";
import type { DiagnosisReport } from "../model/report.js";

export type { DiagnoseCaptureOptions, DiagnosisReport };

/** Analyse and diagnose one capture: the report that `diagnose --json` prints. */
export async function diagnoseFile(
  input: CaptureInput,
  options: DiagnoseCaptureOptions = {},
): Promise<{ report: DiagnosisReport; summary: CaptureSummary }> {
  const { report, result } = await diagnoseCapture(input, options);
  return { report, summary: result.summary };
}
export * from "./compare.js";
export * from "./correlate.js";
export * from "./web.js";
