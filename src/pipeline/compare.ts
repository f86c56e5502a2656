/** compare GOOD BAD: diagnose both captures, then line up their connections and rank the differences. */
import { basename, dirname } from "node:path";
import type { CaptureInput } from "../capture/index.js";
import { compareCaptures, type CompareResult } from "../compare/compare.js";
import type { DiagnosisReport } from "../model/report.js";
import { phraseDifferences } from "../render/compare-text.js";
import type { ConnectionRecord } from "../tcp/connection/types.js";
import { diagnoseCapture, type DiagnoseCaptureOptions } from "./diagnose.js";

export interface CompareOutcome {
  result: CompareResult;
  good: { report: DiagnosisReport; connections: ConnectionRecord[] };
  bad: { report: DiagnosisReport; connections: ConnectionRecord[] };
}

export async function compareInputs(
  good: CaptureInput,
  bad: CaptureInput,
  options: DiagnoseCaptureOptions = {},
): Promise<CompareOutcome> {
  const g = await diagnoseCapture(good, options);
  const b = await diagnoseCapture(bad, options);
  // File names as the user will recognise them: the base name, or the last two path parts when the
  // two base names are the same (good/capture.pcapng vs bad/capture.pcapng).
  const path = (i: CaptureInput, r: DiagnosisReport) =>
    typeof i === "string" && i !== "-" ? i : r.capture.file;
  const same = basename(path(good, g.report)) === basename(path(bad, b.report));
  const name = (i: CaptureInput, r: DiagnosisReport) => {
    const p = path(i, r);
    return same ? `${basename(dirname(p))}/${basename(p)}` : basename(p);
  };
  const result = phraseDifferences(
    compareCaptures(
      { file: name(good, g.report), connections: g.connections, findings: g.report.findings },
      { file: name(bad, b.report), connections: b.connections, findings: b.report.findings },
    ),
  );
  return {
    result,
    good: { report: g.report, connections: g.connections },
    bad: { report: b.report, connections: b.connections },
  };
}
