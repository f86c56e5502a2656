import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { diagnoseFile, type DiagnosisReport } from "../api/index.js";
import { renderReportHtml } from "../render/report-html.js";
import { renderReportMarkdown } from "../render/report-markdown.js";
import { renderReportText } from "../render/report-text.js";
import { parseWorkers, progressLine, reportProblems, tuneForLargeInput, UsageError, useColor, WORKERS_HELP } from "./common.js";

interface Opts {
  json?: boolean;
  markdown?: boolean;
  html?: string;
  set?: string[];
  workers?: string;
}

/** `--set name=value` overrides a diagnosis threshold (names as in src/diagnose/options.ts). */
function parseSets(list: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list ?? []) {
    const m = /^([A-Za-z]+)=([0-9.]+)$/.exec(item);
    if (!m) throw new UsageError(`--set expects name=number, got "${item}"`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Exit code: 0 healthy (or info only), 1 a warning or error finding, 2 unusable input. */
function exitCodeFor(r: DiagnosisReport): number {
  return r.verdict === "error" || r.verdict === "warning" ? 1 : 0;
}

export function registerDiagnose(program: Command): void {
  program
    .command("diagnose")
    .description("what is wrong with the TCP conversations in a capture, who is at fault, and the evidence")
    .argument(
      "<files...>",
      "capture files (pcap, pcapng, compressed) or pasted packet text (Wireshark, tshark, tcpdump lines), or - for standard input",
    )
    .option("--json", "the report as JSON (schema version 1, see README)")
    .option("--markdown", "the report as Markdown, for a ticket")
    .option("--html <out>", "also write a self-contained HTML evidence report to <out>")
    .option("--set <name=value...>", "override a threshold, e.g. --set zeroWindowMinSec=1")
    .option("--workers <n>", WORKERS_HELP)
    .action(async (files: string[], opts: Opts) => {
      const overrides = parseSets(opts.set);
      const workers = parseWorkers(opts.workers);
      let worst = 0;
      const reports: DiagnosisReport[] = [];
      for (const file of files) {
        tuneForLargeInput(file);
        const progress = progressLine(`analysing ${file}`, !opts.json);
        const { report, summary } = await diagnoseFile(file, {
          diagnose: overrides,
          onProgress: progress.onProgress,
          workers,
        });
        progress.done();
        if (summary.records === 0 && summary.problems.some((p) => p.fatal)) {
          reportProblems(summary);
          worst = 2;
          continue;
        }
        reports.push(report);
        if (opts.html) {
          const out = files.length > 1 ? opts.html.replace(/(\.html?)?$/, `-${reports.length}$1`) : opts.html;
          writeFileSync(out, renderReportHtml(report));
          process.stderr.write(`tcpsleuth: wrote ${out}\n`);
        }
        if (!opts.json) {
          process.stdout.write(
            opts.markdown ? renderReportMarkdown(report) : renderReportText(report, { color: useColor() }),
          );
        }
        reportProblems(summary);
        worst = Math.max(worst, exitCodeFor(report));
      }
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(reports.length === 1 ? reports[0] : { version: 1, reports }, null, 2)}\n`,
        );
      }
      process.exitCode = worst;
    });
}
