/** Runs the built CLI (npm test builds dist/ first) and captures its output. */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const BIN = resolve(import.meta.dirname, "..", "..", "bin", "tcpsleuth");

export function runCli(args: string[], input?: Uint8Array | string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
