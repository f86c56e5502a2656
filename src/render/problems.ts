/** One-line problem messages for users: "FILE: byte OFFSET: MESSAGE". */
import type { CaptureProblem } from "../capture/types.js";

export function formatProblem(name: string, p: CaptureProblem): string {
  return `${name}: byte ${p.offset}: ${p.message}`;
}
