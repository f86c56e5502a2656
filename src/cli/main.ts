/** The tcpsleuth command line: argument parsing and exit codes; the work happens in api/. */
import { Command, CommanderError } from "commander";
import { registerInfo } from "./info.js";
import { registerPackets } from "./packets.js";
import { registerFlows } from "./flows.js";
import { registerDiagnose } from "./diagnose.js";
import { registerCompare } from "./compare.js";
import { registerCorrelate } from "./correlate.js";
import { registerServe } from "./serve.js";
import { UsageError } from "./common.js";

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name("tcpsleuth")
    .description("Reads a packet capture and tells you what is wrong with its TCP conversations.")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  registerInfo(program);
  registerPackets(program);
  registerFlows(program);
  registerDiagnose(program);
  registerCompare(program);
  registerCorrelate(program);
  registerServe(program);
  // A closed pipe (tcpsleuth ... | head) is a normal way to stop reading output.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`tcpsleuth: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    const e = err as Error;
    process.stderr.write(`tcpsleuth: internal error: ${e.message}\n`);
    if (process.env.TCPSLEUTH_DEBUG) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 2;
  }
}
