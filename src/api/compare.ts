import type { CaptureInput } from "../capture/index.js";
import { compareInputs, type CompareOutcome } from "../pipeline/compare.js";
import type { DiagnoseCaptureOptions } from "../pipeline/diagnose.js";

export type { CompareOutcome };
export type { CompareResult, Difference } from "../compare/compare.js";

/** A capture where things worked next to one where they failed: the differences that matter, ranked. */
export function compareFiles(
  good: CaptureInput,
  bad: CaptureInput,
  options: DiagnoseCaptureOptions = {},
): Promise<CompareOutcome> {
  return compareInputs(good, bad, options);
}
