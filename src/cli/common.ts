/** Helpers shared by the commands: output writing with back-pressure, problem reporting. */
import { statSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { LARGE_INPUT_BYTES } from "../api/index.js";
import type { CaptureSummary } from "../capture/types.js";
import { formatProblem } from "../render/problems.js";

export class UsageError extends Error {}

/** Buffers output lines and writes them in large blocks, honouring stdout back-pressure. */
export class OutputBuffer {
  private parts: string[] = [];
  private size = 0;
  /** The wait for the stream to drain, while one is on (one listener, however many blocks wait). */
  private draining: Promise<void> | null = null;
  constructor(
    private readonly stream: NodeJS.WritableStream = process.stdout,
    private readonly flushAt = 1 << 16,
  ) {}
  /** Appends text, writing a block when enough has gathered (back-pressure is applied in flush). */
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.flushAt) this.flush();
  }
  flush(): Promise<void> | undefined {
    if (this.size === 0) return undefined;
    const chunk = this.parts.join("");
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) {
      this.draining ??= new Promise((resolve) =>
        this.stream.once("drain", () => {
          this.draining = null;
          resolve();
        }),
      );
    }
    return this.draining ?? undefined;
  }
}

/**
 * Reports reading problems as one line each on stderr and sets the exit code: 2 only when nothing
 * usable was read, so a damaged tail still gives a result for the frames before it.
 */
export function reportProblems(s: CaptureSummary): void {
  for (const p of s.problems) {
    process.stderr.write(
      `tcpsleuth: ${formatProblem(s.name, p)}${s.records > 0 ? ` (${s.records} frames before it were read)` : ""}\n`,
    );
  }
  if (s.problems.some((p) => p.fatal) && s.records === 0) process.exitCode = 2;
}

/** Colour on a terminal unless NO_COLOR is set (or FORCE_COLOR asks for it). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY);
}

/**
 * A progress line on stderr for long inputs: bytes read, packets per second, time left. Only on a
 * terminal, never with machine-readable output, and only once reading has taken a moment.
 */
export function progressLine(
  label: string,
  enabled: boolean,
): {
  onProgress: (rawRead: number, rawSize: number, frames: number) => void;
  done: () => void;
} {
  const started = performance.now();
  let last = 0;
  let shown = false;
  const stream = process.stderr;
  const active = enabled && Boolean(stream.isTTY) && !process.env.CI;
  return {
    onProgress(rawRead, rawSize, frames) {
      if (!active) return;
      const now = performance.now();
      if (now - started < 700 || now - last < 100) return;
      last = now;
      shown = true;
      const secs = (now - started) / 1000;
      const rate = frames / secs;
      const mb = (x: number): string => `${(x / 1e6).toFixed(0)} MB`;
      let text = `${label}: ${mb(rawRead)}`;
      if (rawSize > 0) {
        const frac = Math.min(1, rawRead / rawSize);
        const width = 24;
        const fill = Math.round(frac * width);
        const left = frac > 0 ? secs * (1 / frac - 1) : 0;
        text = `${label} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ${(frac * 100).toFixed(0)}% of ${mb(rawSize)}, ${(rate / 1e6).toFixed(2)} M packets/s, ${left.toFixed(0)} s left`;
      } else {
        text += `, ${(rate / 1e6).toFixed(2)} M packets/s`;
      }
      stream.write(`\r${text.slice(0, (stream.columns || 100) - 1)}\x1b[K`);
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
    },
  };
}

/** `--workers N|auto`: analysis threads (see AnalyzeOptions.workers). */
export function parseWorkers(v: string | undefined): number | "auto" {
  if (v === undefined || v === "auto") return "auto";
  if (!/^[1-9][0-9]*$/.test(v)) throw new UsageError(`--workers expects a number >= 1 or auto, got "${v}"`);
  return Number(v);
}

/** Help text of --workers. */
export const WORKERS_HELP =
  "analysis threads: 1 = one thread, 2 = analysis and connection model pipelined on two threads, N > 2 = N worker threads sharded by flow, auto = 1 below 64 MiB, else one per CPU (default auto); the result is the same";

/**
 * Before analysing a large capture file: let V8 inline small functions at every call site. TurboFan
 * leaves a call to a small helper (the sequence-number arithmetic of util/seq.ts) as a call when the
 * first packets' feedback made the site look cold, and such a call boxes the uint32 sequence numbers
 * and nanosecond times it passes and returns as heap numbers: on bench-large (1 GiB) about 330 MB of
 * garbage, and 6 % of `flows` (3.53 -> 3.31 s, CPU 6.5 -> 6.2 s). A short run loses more to the
 * extra compiling than it gains (bench-small: +0.05 s), hence only from LARGE_INPUT_BYTES on. The
 * flag is read whenever V8 compiles, so setting it now reaches all the analysis code and every
 * worker thread started later.
 */
export function tuneForLargeInput(file: string): void {
  let size = 0;
  try {
    if (file !== "-") size = statSync(file).size;
  } catch {
    return; // the reader reports what is wrong with it
  }
  if (size >= LARGE_INPUT_BYTES) setFlagsFromString("--min-inlining-frequency=0");
}
