import type { Command } from "commander";
import { connections } from "../api/index.js";
import { renderFlowsCsv, renderFlowsJson, renderFlowsTable } from "../render/flows.js";
import { progressLine, reportProblems, useColor } from "./common.js";

export function registerFlows(program: Command): void {
  program
    .command("flows")
    .description(
      "one row per TCP connection: roles, Zeek conn_state and history, bytes, retransmissions, zero windows, how it ended",
    )
    .argument("<file>", "capture file, or - for standard input")
    .option("--json", 'JSON: {"version":1,"connections":[...]}')
    .option("--csv", "CSV, one row per connection")
    .action(async (file: string, opts: { json?: boolean; csv?: boolean }) => {
      const progress = progressLine(`reading ${file}`, !opts.json && !opts.csv);
      const { result, connections: list } = await connections(file, { onProgress: progress.onProgress });
      progress.done();
      const s = result.summary;
      if (s.records === 0 && s.problems.some((p) => p.fatal)) {
        reportProblems(s);
        return;
      }
      if (opts.json) process.stdout.write(renderFlowsJson(list));
      else if (opts.csv) process.stdout.write(renderFlowsCsv(list));
      else process.stdout.write(renderFlowsTable(list, { color: useColor() }));
      reportProblems(s);
    });
}
