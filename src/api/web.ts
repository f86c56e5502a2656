/**
 * What the web server (src/server) needs beyond the CLI's functions: a cheap "is this a capture?"
 * check on the first bytes of an upload, the diagnosis together with the connection records it was
 * made from (one pass over the file), and the packets of one connection for its ladder diagram.
 */
import { PCAPNG_SHB } from "../capture/pcapng.js";
import { isPcapMagic } from "../capture/pcap.js";
import { looksLikeNetScreen } from "../capture/netscreen.js";
import { looksLikeText } from "../capture/text.js";
import { describeUnknown } from "../capture/sniff.js";
import type { CaptureInput } from "../capture/index.js";
import type { CaptureSummary } from "../capture/types.js";
import type { ConnectionDetail, DiagnosisReport, PacketView } from "../model/report.js";
import type { Finding } from "../model/finding.js";
import { collectDetails } from "../pipeline/details.js";
import { diagnoseCapture, type DiagnoseCaptureOptions } from "../pipeline/diagnose.js";
import type { ConnectionRecord } from "../tcp/connection/types.js";

export type { ConnectionDetail, PacketView, Finding, CaptureSummary };

/** Bytes of an upload's head that captureHeadCheck looks at (as readCapture sniffs). */
export const SNIFF_HEAD_BYTES = 4096;

/**
 * Whether an input starting with `head` is something readCapture reads: pcap (either byte order,
 * µs or ns), pcapng, gzip or zstd (the content is checked when read), NetScreen snoop text or packet
 * text. `reason` says what it looks like otherwise, in words for the user.
 */
export function captureHeadCheck(head: Uint8Array): { ok: true } | { ok: false; reason: string } {
  if (head.length >= 4) {
    const m = (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0;
    if (isPcapMagic(m) || m === PCAPNG_SHB) return { ok: true };
    if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return { ok: true };
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return { ok: true };
  const sniff = head.subarray(0, SNIFF_HEAD_BYTES);
  if (looksLikeNetScreen(new TextDecoder("latin1").decode(sniff))) return { ok: true };
  if (looksLikeText(sniff)) return { ok: true };
  return { ok: false, reason: describeUnknown(sniff) };
}

/**
 * diagnoseFile plus the connection records the diagnosis was made from, so a caller can store the
 * connections (`flows --json` records) without a second pass over the file.
 */
export async function diagnoseWithConnections(
  input: CaptureInput,
  options: DiagnoseCaptureOptions = {},
): Promise<{
  report: DiagnosisReport;
  summary: CaptureSummary;
  connections: ConnectionRecord[];
  /** AnalyzeResult.streamFrames: keep it for streamDetail (null: none). */
  streamFrames: Float64Array | null;
}> {
  const { report, result, connections } = await diagnoseCapture(input, options);
  return { report, summary: result.summary, connections, streamFrames: result.streamFrames };
}

/**
 * The packets of one TCP stream for its ladder diagram (relative and raw numbers, tags), from a pass
 * over the capture; `record` (the connection's flows record) lets the pass analyse only that
 * connection's frames, and with `streamFrames` (diagnoseWithConnections') look at no other frame
 * closely. Evidence frames are always kept; null when the stream has no packets.
 */
export async function streamDetail(
  input: CaptureInput,
  stream: number,
  evidenceFrames: readonly number[],
  record?: ConnectionRecord,
  maxPackets = 3000,
  streamFrames?: Float64Array | null,
): Promise<ConnectionDetail | null> {
  const details = await collectDetails(input, new Set([stream]), new Set(evidenceFrames), {
    maxPacketsPerStream: maxPackets,
    ...(record ? { connections: [record], streamFrames } : {}),
  });
  return details[0] ?? null;
}
