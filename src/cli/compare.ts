import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { compareFiles } from "../api/index.js";
import { renderCompareMarkdown, renderCompareText } from "../render/compare-text.js";
import { renderReportHtml } from "../render/report-html.js";
import { useColor } from "./common.js";

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description(
      "put a capture where things worked next to one where they failed: the differences that matter, ranked",
    )
    .argument("<good>", "capture of a run that worked")
    .argument("<bad>", "capture of a run that failed")
    .option(
      "--json",
      '{"differences": [...]} ranked, most telling first, with evidence frames from both files',
    )
    .option("--markdown", "Markdown, for a ticket")
    .option("--html <out>", "also write the HTML evidence report of the BAD capture to <out>")
    .action(
      async (good: string, bad: string, opts: { json?: boolean; markdown?: boolean; html?: string }) => {
        const outcome = await compareFiles(good, bad);
        const r = outcome.result;
        if (opts.html) writeFileSync(opts.html, renderReportHtml(outcome.bad.report));
        if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else if (opts.markdown) process.stdout.write(renderCompareMarkdown(r));
        else
          process.stdout.write(
            renderCompareText(
              r,
              { good: outcome.good.connections, bad: outcome.bad.connections },
              { color: useColor() },
            ),
          );
        process.exitCode = r.differences.length > 0 ? 1 : 0;
      },
    );
}
