/**
 * diagnose: analyse a capture, run the rules, phrase the findings and gather the packets of the
 * connections they name — everything a report needs, as one DiagnosisReport.
 */
import type { CaptureInput, ReadOptions } from "../capture/index.js";
import { diagnose, CHECKS, type DiagnoseOptions } from "../diagnose/index.js";
import type { Finding } from "../model/finding.js";
import { REPORT_VERSION, type ConnectionRow, type DiagnosisReport } from "../model/report.js";
import { headline, phraseFindings } from "../render/finding-text.js";
import { closeSummary } from "../render/flows.js";
import type { ConnectionRecord } from "../tcp/connection/types.js";
import { analyzeCapture, type AnalyzeOptions, type AnalyzeResult } from "./analyze.js";
import { collectDetails } from "./details.js";
import { rereadable } from "./packets.js";
import { textInputFor } from "./text-caveats.js";

export const TOOL_VERSION = "0.1.0";

export interface DiagnoseCaptureOptions extends AnalyzeOptions {
  diagnose?: Partial<DiagnoseOptions>;
  /** Gather the packets of the connections findings name (ladders, graphs). Default true. */
  details?: boolean;
  /** Name shown for the capture (default: the path). */
  name?: string;
  /** Connections whose packets are gathered for diagrams: those of the first N findings. */
  maxDetailStreams?: number;
  /** Packets kept per such connection (evidence frames are always kept). */
  maxDetailPackets?: number;
}

function endpoint(addr: string, port: number): string {
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function rows(conns: ConnectionRecord[], findings: Finding[]): ConnectionRow[] {
  const byStream = new Map<number, string[]>();
  for (const f of findings) {
    if (f.stream === null) continue;
    const l = byStream.get(f.stream) ?? [];
    if (!l.includes(f.id)) l.push(f.id);
    byStream.set(f.stream, l);
  }
  return conns.map((c) => {
    const cl = c.client === "orig" ? c.orig : c.resp;
    const sv = c.client === "orig" ? c.resp : c.orig;
    const cs = c.client === "orig" ? c.origStats : c.respStats;
    const ss = c.client === "orig" ? c.respStats : c.origStats;
    const stream = c.wsStreams[0] ?? null;
    return {
      stream,
      uid: c.uid,
      client: endpoint(cl.address, cl.port),
      server: endpoint(sv.address, sv.port),
      state: c.connState,
      history: c.history,
      startTs: c.startTs,
      durationSec: c.durationSec,
      packets: c.packets,
      bytesClientToServer: cs.payloadBytes,
      bytesServerToClient: ss.payloadBytes,
      retransmissions: cs.wsRetransmissions + ss.wsRetransmissions,
      zeroWindowSec: cs.zeroWindowSec + ss.zeroWindowSec,
      close: closeSummary(c),
      findings: stream === null ? [] : (byStream.get(stream) ?? []),
    };
  });
}

function vantage(conns: ConnectionRecord[]): string {
  // Where was the capture taken? The side whose SYN→SYN-ACK gap is long and SYN-ACK→ACK gap is short is close to the client.
  let client = 0;
  let server = 0;
  for (const c of conns) {
    const a = c.handshake.synToSynAckSec;
    const b = c.handshake.synAckToAckSec;
    if (a === null || b === null) continue;
    if (a > 4 * b) client++;
    else if (b > 4 * a) server++;
  }
  if (client + server === 0) return "unknown";
  if (client > 2 * server) return "client";
  if (server > 2 * client) return "server";
  return "middle";
}

export async function diagnoseCapture(
  input: CaptureInput,
  options: DiagnoseCaptureOptions & ReadOptions = {},
): Promise<{ report: DiagnosisReport; result: AnalyzeResult; connections: ConnectionRecord[] }> {
  const { input: file, cleanup } = await rereadable(input);
  try {
    const conns: ConnectionRecord[] = [];
    const result = await analyzeCapture(file, (c) => conns.push(c), options);
    conns.sort((a, b) => a.uid - b.uid);
    const s = result.summary;
    const { findings, verdict } = diagnose(
      conns,
      {
        file: options.name ?? s.name,
        packets: s.frames,
        tcpPackets: result.tcpFrames,
        unackedCapHits: result.unackedCapHits,
        connectionsEvicted: result.tracker.caps.openConnectionsEvicted,
        eventsDropped: result.tracker.caps.eventsDropped,
        damaged: s.problems.some((p) => p.fatal),
        suspiciousResets: result.suspiciousResets,
      },
      options.diagnose ?? {},
    );
    phraseFindings(findings);
    const named = findings.map((f) => f.stream).filter((x): x is number => x !== null);
    const streams = new Set([...new Set(named)].slice(0, options.maxDetailStreams ?? 12));
    const evidence = new Set(
      findings.flatMap((f) => (typeof f.frames[0] === "number" ? (f.frames as number[]) : [])),
    );
    const details =
      options.details !== false && streams.size > 0
        ? await collectDetails(file, streams, evidence, {
            maxPacketsPerStream: options.maxDetailPackets ?? 3000,
            connections: conns,
            streamFrames: result.streamFrames,
          })
        : [];
    const first = s.firstTs ? s.firstTs[0] + s.firstTs[1] / 1e9 : null;
    const last = s.lastTs ? s.lastTs[0] + s.lastTs[1] / 1e9 : null;
    const report: DiagnosisReport = {
      version: REPORT_VERSION,
      tool: { name: "tcpsleuth", version: TOOL_VERSION },
      capture: {
        file: options.name ?? s.name,
        format: s.compression === "none" ? s.format : `${s.format} (${s.compression})`,
        packets: s.frames,
        tcpPackets: result.tcpFrames,
        firstTs: first,
        lastTs: last,
        durationSec: first !== null && last !== null ? last - first : null,
        skipped: [...result.skipped.entries()].map(([reason, count]) => ({ reason, count })),
        problems: s.problems.map((p) => `byte ${p.offset}: ${p.message}`),
        vantage: vantage(conns),
        // Pasted text, not a capture: what it could not carry, and which findings are weaker for it.
        ...(s.textInput ? { textInput: textInputFor(s.textInput, findings) } : {}),
      },
      verdict,
      headline: headline(findings),
      findings,
      checked: [...CHECKS],
      connections: rows(conns, findings),
      details,
    };
    return { report, result, connections: conns };
  } finally {
    cleanup();
  }
}
