/**
 * One streaming pass over a capture: read → decode → Wireshark-compatible TCP analysis → our
 * connection model. Finished connections are handed to `onConnection` as they close, so memory grows
 * with the connections open at once, not with the file. Every frame is either analysed or counted
 * as skipped with its reason.
 */
import { readCapture, type CaptureInput, type ReadOptions } from "../capture/index.js";
import type { CaptureSummary } from "../capture/types.js";
import { decodeFrame } from "../decode/index.js";
import { RecordKind } from "../model/frame.js";
import { DecodedPacket, DecodeStatus } from "../model/packet.js";
import { TcpAnalyzer } from "../tcp/index.js";
import {
  ConnectionTracker,
  type ConnectionOptions,
  type ConnectionRecord,
  type TrackerStats,
} from "../tcp/connection/index.js";
import type { AnalysisOptions } from "../tcp/index.js";
import { type SuspiciousPacket, TtlWatch } from "../tcp/ttl-watch.js";

export interface AnalyzeOptions extends ReadOptions {
  analysis?: Partial<AnalysisOptions>;
  connections?: Partial<ConnectionOptions>;
}

export interface AnalyzeResult {
  summary: CaptureSummary;
  tracker: TrackerStats;
  /** Frames that carried a TCP header we analysed. */
  tcpFrames: number;
  /** Frames not analysed, by reason. */
  skipped: Map<string, number>;
  /** TCP streams (Wireshark numbering) seen. */
  streams: number;
  /** Unacked-segment cap hits in the Wireshark analysis (per-flow limit reached). */
  unackedCapHits: number;
  /** RSTs whose IP TTL differs from the sender's steady TTL on that connection (middlebox hint). */
  suspiciousResets: SuspiciousPacket[];
}

function count(m: Map<string, number>, reason: string): void {
  m.set(reason, (m.get(reason) ?? 0) + 1);
}

export async function analyzeCapture(
  input: CaptureInput,
  onConnection: (c: ConnectionRecord) => void,
  options: AnalyzeOptions = {},
): Promise<AnalyzeResult> {
  const analyzer = new TcpAnalyzer(options.analysis ?? {});
  const tracker = new ConnectionTracker(options.connections ?? {});
  tracker.onConnection = onConnection;
  const pkt = new DecodedPacket();
  const skipped = new Map<string, number>();
  const ttl = new TtlWatch();
  let tcpFrames = 0;
  const summary = await readCapture(
    input,
    (f) => {
      if (f.kind !== RecordKind.PACKET) {
        count(skipped, "pcapng custom block (no packet)");
        return;
      }
      decodeFrame(f.linkType, f.data, f.origLen, pkt);
      analyzer.analyze(f, pkt);
      if (pkt.status !== DecodeStatus.OK) {
        count(skipped, pkt.reason || "not TCP");
        return;
      }
      if (pkt.inIcmpError) {
        count(skipped, "TCP header quoted in an ICMP error");
        return;
      }
      tcpFrames++;
      const n = f.number;
      // Everything the analysis found (also what tshark would not print on this frame).
      tracker.observe(f, pkt, analyzer.stream(n), analyzer.computedFlags(n));
      ttl.observe(n, f.data, pkt, analyzer.stream(n));
    },
    options,
  );
  const stats = tracker.finish();
  for (const [k, v] of summary.skipped) skipped.set(k, (skipped.get(k) ?? 0) + v);
  return {
    summary,
    tracker: stats,
    tcpFrames,
    skipped,
    streams: analyzer.streamCount,
    unackedCapHits: analyzer.unackedCapHits,
    suspiciousResets: ttl.suspicious(),
  };
}
