/** Helpers shared by the commands: output writing with back-pressure, problem reporting. */
import type { CaptureSummary } from "../capture/types.js";
import { formatProblem } from "../render/problems.js";

export class UsageError extends Error {}

/** Buffers output lines and writes them in large blocks, honouring stdout back-pressure. */
export class OutputBuffer {
  private parts: string[] = [];
  private size = 0;
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
      return new Promise((resolve) => this.stream.once("drain", () => resolve()));
    }
    return undefined;
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
