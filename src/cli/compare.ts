import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { compareFiles } from "../api/index.js";
import { renderCompareHtml } from "../render/compare-html.js";
import { renderCompareMarkdown, renderCompareText } from "../render/compare-text.js";
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
    .option(
      "--html <out>",
      "also write a self-contained HTML evidence report (differences, side-by-side ladders) to <out>",
    )
    .action(
      async (good: string, bad: string, opts: { json?: boolean; markdown?: boolean; html?: string }) => {
        // The JSON has no ladder: skip reading the captures again for one.
        const outcome = await compareFiles(good, bad, { ladder: !opts.json || Boolean(opts.html) });
        const r = outcome.result;
        const ladder = outcome.ladder;
        if (opts.html) {
          writeFileSync(
            opts.html,
            renderCompareHtml(r, { ladder, good: outcome.good.report, bad: outcome.bad.report }),
          );
          process.stderr.write(`tcpsleuth: wrote ${opts.html}\n`);
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else if (opts.markdown) process.stdout.write(renderCompareMarkdown(r, ladder));
        else
          process.stdout.write(
            renderCompareText(
              r,
              { good: outcome.good.connections, bad: outcome.bad.connections },
              { color: useColor(), ladder },
            ),
          );
        process.exitCode = r.differences.length > 0 ? 1 : 0;
      },
    );
}
