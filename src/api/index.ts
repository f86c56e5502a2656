/**
 * The library surface: what the CLI, the server and scripts call. Each function takes a capture
 * input (path, "-" for stdin, bytes or a stream) and returns plain data.
 */
import { readCapture, type CaptureInput, type ReadOptions } from "../capture/index.js";
import type { CaptureSummary } from "../capture/types.js";
import { buildInfoReport, type InfoReport } from "../render/info.js";

export type { CaptureInput, ReadOptions };

export async function captureInfo(
  input: CaptureInput,
  options: ReadOptions = {},
): Promise<{ summary: CaptureSummary; report: InfoReport }> {
  const summary = await readCapture(input, () => {}, options);
  return { summary, report: buildInfoReport(summary) };
}
