/** Lower layers never import higher ones: the layer order of README.md, checked on every import. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";

const SRC = resolve(import.meta.dirname, "..", "src");
const ORDER = [
  "util",
  "model",
  "capture",
  "decode",
  "tcp",
  "diagnose",
  "compare",
  "render",
  "pipeline",
  "api",
  "cli",
  "server",
  "web",
];
/** Extra rules beyond the order: render may use tcp/compare types only, cli and server go through api. */
const FORBIDDEN: Record<string, string[]> = {
  cli: ["capture", "decode", "tcp", "diagnose", "compare", "pipeline", "server", "web"],
  server: ["capture", "decode", "tcp", "diagnose", "compare", "pipeline", "cli", "web"],
};
// capture types are plain data that render and cli show; allow type-only imports of them.

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (/\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

test("no layer imports a higher layer", () => {
  const violations: string[] = [];
  for (const f of files(SRC)) {
    const layer = relative(SRC, f).split("/")[0]!;
    const rank = ORDER.indexOf(layer);
    assert.ok(rank >= 0, `unknown layer folder src/${layer}`);
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/^\s*import\s+(type\s+)?[^;]*?from\s+["'](\.[^"']+)["']/gms)) {
      const typeOnly = Boolean(m[1]);
      const target = relative(SRC, resolve(dirname(f), m[2]!)).split("/")[0]!;
      const trank = ORDER.indexOf(target);
      if (trank < 0 || target === layer) continue;
      if (trank > rank) violations.push(`${relative(SRC, f)} imports ${target}`);
      else if (!typeOnly && FORBIDDEN[layer]?.includes(target))
        violations.push(`${relative(SRC, f)} imports ${target} (go through api)`);
    }
  }
  assert.deepEqual(violations, []);
});
