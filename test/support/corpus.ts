/** Locates the shared corpus and scenario captures that carry oracle outputs. */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

export const SHARED = resolve(import.meta.dirname, "..", "..", "..", "shared");
export const CORPUS_REAL = join(SHARED, "corpus", "real");
export const SCENARIOS = join(SHARED, "scenarios");

function walk(dir: string, out: string[], suffix: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out, suffix);
    else if (existsSync(p + suffix)) out.push(p);
  }
}

/** Every capture under corpus/real and scenarios that has `<capture><suffix>` beside it. */
export function capturesWith(suffix: string): string[] {
  const out: string[] = [];
  walk(CORPUS_REAL, out, suffix);
  walk(SCENARIOS, out, suffix);
  return out.sort();
}

/** Every scenario folder (one with an expected.json) below `dir`, sorted. */
export function scenarioDirs(dir: string = SCENARIOS): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if (existsSync(join(p, "expected.json"))) out.push(p);
    else out.push(...scenarioDirs(p));
  }
  return out.sort();
}
