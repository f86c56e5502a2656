/**
 * The server program. `tcpsleuth serve` (src/cli/serve.ts) checks the options and runs this file as
 * a child process, the options as JSON in argv[2]: the command line reaches the server through a
 * process boundary, never an import (test/architecture.test.ts). It stops on SIGINT or SIGTERM, and
 * when the command that started it is gone.
 */
import { Server, type ServeOptions } from "./server.js";

async function run(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? "{}") as ServeOptions;
  const server = new Server(opts);
  let url: string;
  try {
    ({ url } = await server.start());
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === "EADDRINUSE"
        ? `port ${opts.port} is in use (try --port 0 for any free port)`
        : e.code === "EADDRNOTAVAIL"
          ? `cannot listen on ${opts.host}: no such local address`
          : /Could not set lock/.test(e.message)
            ? `the data directory ${opts.dataDir} is in use by another tcpsleuth serve`
            : e.code === "EACCES"
            ? `not allowed to listen on ${opts.host}:${opts.port} or to use ${opts.dataDir}`
            : `cannot start: ${e.message}`;
    process.stderr.write(`tcpsleuth: ${why}\n`);
    process.exit(2);
  }
  process.stderr.write(`tcpsleuth: serving ${url}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.stop().finally(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  process.once("disconnect", stop);
}

void run();
