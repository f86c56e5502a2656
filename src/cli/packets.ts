import type { Command } from "commander";
import { packetList } from "../api/index.js";
import { TEXT_HEADER, TSV_HEADER, textLine, tsvLine } from "../render/packet-line.js";
import { OutputBuffer, reportProblems, tuneForLargeInput, UsageError } from "./common.js";

export function registerPackets(program: Command): void {
  program
    .command("packets")
    .description("one line per frame, like Wireshark's packet list, with its [TCP ...] analysis tags")
    .argument("<file>", "capture file, or - for standard input")
    .option("--format <format>", "text, or tsv (the 13 columns of the tshark oracle files)", "text")
    .action(async (file: string, opts: { format: string }) => {
      if (opts.format !== "text" && opts.format !== "tsv")
        throw new UsageError(`unknown --format ${opts.format} (text or tsv)`);
      const tsv = opts.format === "tsv";
      tuneForLargeInput(file);
      const out = new OutputBuffer();
      let headerDone = false;
      const summary = await packetList(
        file,
        (d) => {
          if (!headerDone) {
            out.write(`${tsv ? TSV_HEADER : TEXT_HEADER}\n`);
            headerDone = true;
          }
          out.write(`${tsv ? tsvLine(d) : textLine(d)}\n`);
        },
        { afterChunk: () => out.flush() },
      );
      if (!headerDone && summary.records > 0) out.write(`${tsv ? TSV_HEADER : TEXT_HEADER}\n`);
      await out.flush();
      reportProblems(summary);
    });
}
