import { once } from "node:events";
import type { Command } from "commander";
import { type CaptureSummary, connections, connectionsJson } from "../api/index.js";
import { flowsJsonBlocks, renderFlowsCsv, renderFlowsTable } from "../render/flows.js";
import { parseWorkers, progressLine, reportProblems, tuneForLargeInput, useColor, WORKERS_HELP } from "./common.js";

/** Nothing usable was read: the problems are the whole output. */
function nothingRead(s: CaptureSummary): boolean {
  if (s.records > 0 || !s.problems.some((p) => p.fatal)) return false;
  reportProblems(s);
  return true;
}

export function registerFlows(program: Command): void {
  program
    .command("flows")
    .description(
      "one row per TCP connection: roles, Zeek conn_state and history, bytes, retransmissions, zero windows, how it ended",
    )
    .argument("<file>", "capture file, or - for standard input")
    .option("--json", 'JSON: {"version":1,"connections":[...]}')
    .option("--csv", "CSV, one row per connection")
    .option("--workers <n>", WORKERS_HELP)
    .action(async (file: string, opts: { json?: boolean; csv?: boolean; workers?: string }) => {
      const workers = parseWorkers(opts.workers);
      tuneForLargeInput(file);
      const progress = progressLine(`reading ${file}`, !opts.json && !opts.csv);
      if (opts.json) {
        // The connections come as JSON text in UTF-8 (made in the worker threads when there are some)
        // and are written in blocks: a listing of many connections is never one big string.
        const { result, connections: pieces } = await connectionsJson(file, {
          onProgress: progress.onProgress,
          workers,
          // The listing has no use for the TTL watch (it feeds diagnose's middlebox hint).
          ttlWatch: false,
        });
        progress.done();
        const s = result.summary;
        if (nothingRead(s)) return;
        for (const block of flowsJsonBlocks(pieces))
          if (!process.stdout.write(block)) await once(process.stdout, "drain");
        reportProblems(s);
        return;
      }
      const { result, connections: list } = await connections(file, {
        onProgress: progress.onProgress,
        workers,
        ttlWatch: false,
      });
      progress.done();
      const s = result.summary;
      if (nothingRead(s)) return;
      if (opts.csv) {
        process.stdout.write(renderFlowsCsv(list));
      } else {
        process.stdout.write(renderFlowsTable(list, { color: useColor() }));
      }
      reportProblems(s);
    });
}
