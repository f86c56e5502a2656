import { fork } from "node:child_process";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UsageError } from "./common.js";

interface Opts {
  port: string;
  host: string;
  dataDir?: string;
  maxUpload: string;
}

/** "8GiB", "500MB", "1g", "1048576" → bytes (k/m/g/t alone or with iB are powers of 1024, with B of 1000). */
export function parseSize(text: string): number | null {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(text);
  if (!m) return null;
  const pow = { "": 0, k: 1, m: 2, g: 3, t: 4 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  const base = m[3]!.toLowerCase() === "b" && m[2] !== "" ? 1000 : 1024;
  const n = Math.floor(Number(m[1]) * base ** pow);
  return n > 0 ? n : null;
}

/** $XDG_DATA_HOME/tcpsleuth, else ~/.local/share/tcpsleuth. */
function defaultDataDir(): string {
  const xdg = process.env.XDG_DATA_HOME;
  return join(xdg?.startsWith("/") ? xdg : join(homedir(), ".local", "share"), "tcpsleuth");
}

/**
 * The server program beside this file's folder: dist/server/main.js, or src/server/main.ts under tsx.
 * The command line runs it as a child process: cli never imports the server layer.
 */
function serverProgram(): { file: string; execArgv: string[] } {
  const here = import.meta.url;
  const ts = here.endsWith(".ts");
  return {
    file: fileURLToPath(new URL(`../server/main.${ts ? "ts" : "js"}`, here)),
    execArgv: ts ? ["--import", "tsx"] : [],
  };
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "the web app and its HTTP API: upload captures, see the diagnosis, packets and ladders in a browser",
    )
    .option("--port <n>", "TCP port (0 = any free port)", "8765")
    .option("--host <addr>", "address to listen on (only this machine by default)", "127.0.0.1")
    .option(
      "--data-dir <dir>",
      "where uploads and analyses are kept (default $XDG_DATA_HOME/tcpsleuth or ~/.local/share/tcpsleuth)",
    )
    .option("--max-upload <size>", "largest upload accepted, e.g. 8GiB, 500MB", "8GiB")
    .action(async (opts: Opts) => {
      if (!/^[0-9]{1,5}$/.test(opts.port) || Number(opts.port) > 65535)
        throw new UsageError(`--port expects a number from 0 to 65535, got "${opts.port}"`);
      const maxUpload = parseSize(opts.maxUpload);
      if (maxUpload === null)
        throw new UsageError(`--max-upload expects a size like 8GiB or 500MB, got "${opts.maxUpload}"`);
      const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
      const options = {
        host: opts.host,
        port: Number(opts.port),
        dataDir: resolve(opts.dataDir ?? defaultDataDir()),
        maxUpload,
        webDir: join(root, "dist", "web"),
      };
      const { file, execArgv } = serverProgram();
      const child = fork(file, [JSON.stringify(options)], { execArgv, stdio: "inherit" });
      // A terminal's Ctrl-C reaches both processes; a SIGTERM to this one is passed on.
      const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
      process.on("SIGINT", forward("SIGINT"));
      process.on("SIGTERM", forward("SIGTERM"));
      const code = await new Promise<number>((ok) => child.on("exit", (c, sig) => ok(c ?? (sig ? 0 : 2))));
      process.exitCode = code;
    });
}
