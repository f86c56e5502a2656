import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { correlateFiles, type CorrelationReport } from "../api/index.js";
import { renderCorrelateHtml } from "../render/correlate-html.js";
import { renderCorrelateMarkdown, renderCorrelateText } from "../render/correlate-text.js";
import { UsageError, useColor } from "./common.js";

interface Opts {
  json?: boolean;
  markdown?: boolean;
  html?: string;
  packets?: boolean;
  clockOffset?: string;
  maxTransit?: string;
  idleMin?: string;
}

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UsageError(`${name} expects a number of seconds, got "${v}"`);
  return x;
}

/** Exit code: 0 healthy, 1 the box dropped or injected something, 2 unusable input or nothing matched. */
function exitCodeFor(r: CorrelationReport): number {
  if (r.mapping.length === 0) return 2;
  return r.verdict === "error" || r.verdict === "warning" ? 1 : 0;
}

export function registerCorrelate(program: Command): void {
  program
    .command("correlate")
    .description(
      "match two simultaneous captures taken on either side of a firewall, NAT or router: what the device dropped, injected or cut",
    )
    .argument("<a>", "first capture (e.g. outside the device)")
    .argument("<b>", "second capture, taken at the same time (e.g. inside)")
    .option(
      "--json",
      'JSON: {"version":1,"files","clockOffsetSec","mapping","findings","packets","transitDelay",...}',
    )
    .option("--markdown", "the report as Markdown, for a ticket")
    .option(
      "--html <out>",
      "also write a self-contained HTML evidence report (findings, side-by-side ladders) to <out>",
    )
    .option("--packets", "TSV, one line per TCP packet: frame in A, frame in B, transit (s), status")
    .option("--clock-offset <sec>", "B's clock minus A's clock, when known (skips the estimate)")
    .option("--max-transit <sec>", "largest believable delay through the device (default 1)")
    .option("--idle-min <sec>", "shortest pause that counts for an idle timeout (default 2)")
    .action(async (a: string, b: string, opts: Opts) => {
      const { report, problems } = await correlateFiles(a, b, {
        clockOffsetSec: num(opts.clockOffset, "--clock-offset"),
        maxTransitSec: num(opts.maxTransit, "--max-transit"),
        idleTimeoutMinSec: num(opts.idleMin, "--idle-min"),
        packetList: Boolean(opts.packets),
      });
      for (const p of problems)
        for (const m of p.messages) process.stderr.write(`tcpsleuth: ${p.file}: ${m}\n`);
      if (problems.some((p) => p.fatal)) {
        process.exitCode = 2;
        return;
      }
      if (opts.html) {
        writeFileSync(opts.html, renderCorrelateHtml(report));
        process.stderr.write(`tcpsleuth: wrote ${opts.html}\n`);
      }
      if (opts.packets) {
        const lines = ["frameA\tframeB\ttransitSec\tstatus"];
        for (const [fa, fb, t, st] of report.packetList ?? [])
          lines.push(`${fa ?? ""}\t${fb ?? ""}\t${t === null ? "" : t.toFixed(9)}\t${st}`);
        process.stdout.write(`${lines.join("\n")}\n`);
      } else if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (opts.markdown) process.stdout.write(renderCorrelateMarkdown(report));
      else process.stdout.write(renderCorrelateText(report, { color: useColor() }));
      process.exitCode = exitCodeFor(report);
    });
}
