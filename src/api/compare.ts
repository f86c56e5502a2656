import type { CaptureInput } from "../capture/index.js";
import { type CompareLadder, ladderPair } from "../compare/compare.js";
import type { ConnectionDetail, DiagnosisReport } from "../model/report.js";
import { compareInputs, type CompareOutcome } from "../pipeline/compare.js";
import { collectDetails } from "../pipeline/details.js";
import type { DiagnoseCaptureOptions } from "../pipeline/diagnose.js";
import type { ConnectionRecord } from "../tcp/connection/types.js";

export type { CompareOutcome };
export type { CompareLadder, CompareResult, Difference } from "../compare/compare.js";

export interface CompareFilesOptions extends DiagnoseCaptureOptions {
  /**
   * Gather the packets of the connection pair the side-by-side ladder shows (terminal and HTML views).
   * Default true; without it `ladder` is null and no capture is read a third time.
   */
  ladder?: boolean;
}

/** Packets kept per ladder connection, as diagnose keeps for its diagrams. */
const LADDER_PACKETS = 3000;

/** A capture where things worked next to one where they failed: the differences that matter, ranked. */
export async function compareFiles(
  good: CaptureInput,
  bad: CaptureInput,
  options: CompareFilesOptions = {},
): Promise<CompareOutcome & { ladder: CompareLadder | null }> {
  const outcome = await compareInputs(good, bad, options);
  const pair = options.ladder === false ? null : ladderPair(outcome.result);
  if (!pair) return { ...outcome, ladder: null };
  const [g, b] = await Promise.all([
    ladderDetail(good, outcome.good, pair.goodStream, pair.goodFrames),
    ladderDetail(bad, outcome.bad, pair.badStream, pair.badFrames),
  ]);
  return { ...outcome, ladder: { ...pair, good: g, bad: b } };
}

/**
 * The packets of one ladder connection: from the diagnosis when a finding named it, else read again
 * from the capture (a healthy GOOD capture has no details). Standard input cannot be read twice, so a
 * connection of it that no finding named gets no ladder.
 */
async function ladderDetail(
  input: CaptureInput,
  side: { report: DiagnosisReport; connections: ConnectionRecord[] },
  stream: number | null,
  frames: number[],
): Promise<ConnectionDetail | null> {
  if (stream === null) return null;
  const known = side.report.details.find((d) => d.stream === stream);
  if (known) return known;
  if (!(input instanceof Uint8Array || (typeof input === "string" && input !== "-"))) return null;
  const details = await collectDetails(input, new Set([stream]), new Set(frames), {
    maxPacketsPerStream: LADDER_PACKETS,
    connections: side.connections,
  });
  return details.find((d) => d.stream === stream) ?? null;
}
