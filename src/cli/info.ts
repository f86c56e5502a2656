import type { Command } from "commander";
import { captureInfo } from "../api/index.js";
import { renderInfoText } from "../render/info.js";
import { reportProblems } from "./common.js";

export function registerInfo(program: Command): void {
  program
    .command("info")
    .description(
      "what a capture holds: format, encapsulations, interfaces, packets, times, and frames skipped",
    )
    .argument("<file>", "capture file (pcap, pcapng, gzip/zstd-compressed), or - for standard input")
    .option("--json", "machine-readable output")
    .action(async (file: string, opts: { json?: boolean }) => {
      const { summary, report } = await captureInfo(file);
      if (summary.records === 0 && summary.problems.some((p) => p.fatal)) {
        reportProblems(summary);
        return;
      }
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderInfoText(report));
      reportProblems(summary);
    });
}
