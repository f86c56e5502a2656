/**
 * Two-point correlation for the CLI, the server and scripts: two captures of the same traffic taken
 * at the same time on either side of a firewall, NAT or router, matched packet by packet, with the
 * findings phrased.
 */
import type { CaptureInput } from "../capture/index.js";
import {
  type CorrelateCaptureOptions,
  correlateCaptures,
  type CorrelationReport,
} from "../compare/correlate/index.js";
import { phraseCorrelateReport } from "../render/correlate-text.js";

export type { CorrelateCaptureOptions, CorrelationReport };

/**
 * Correlates capture A with capture B: the report `correlate --json` prints (clock offset, connection
 * mapping, findings with per-file evidence frames, packet counts, transit delays), and how long the
 * reading and the matching took.
 */
export async function correlateFiles(
  a: CaptureInput,
  b: CaptureInput,
  options: CorrelateCaptureOptions = {},
): Promise<{
  report: CorrelationReport;
  problems: { file: string; fatal: boolean; messages: string[] }[];
  timing: { loadMs: number; correlateMs: number };
}> {
  const r = await correlateCaptures(a, b, options);
  phraseCorrelateReport(r.report);
  const problems = [r.a, r.b].map((L) => ({
    file: L.file,
    fatal: L.summary.records === 0 && L.summary.problems.some((p) => p.fatal),
    messages: L.summary.problems.map((p) => `byte ${p.offset}: ${p.message}`),
  }));
  return { report: r.report, problems, timing: r.timing };
}
