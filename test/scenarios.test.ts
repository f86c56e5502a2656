/**
 * Every single-capture scenario under ../shared/scenarios: each `must` finding present with the
 * right culprit (address match accepted, as the reference scorer does), the right stream and at
 * least one of the key evidence frames; none of the `must_not` findings.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { diagnoseFile } from "../src/api/index.js";
import { SCENARIOS, scenarioDirs } from "./support/corpus.js";

interface Expected {
  capture?: string;
  captures?: string[];
  must: { id: string; culprit: string | null; stream: number | null; frames: number[] }[];
  must_not: string[];
}

function ipOf(c: string): string {
  if (c.startsWith("[")) return c.slice(1, c.indexOf("]"));
  return c.split(":").length === 2 ? c.slice(0, c.lastIndexOf(":")) : c;
}

const dirs = scenarioDirs(SCENARIOS).filter(
  (d) => !(JSON.parse(readFileSync(join(d, "expected.json"), "utf8")) as Expected).captures,
);

test("the single-capture scenarios are there", () => {
  assert.ok(dirs.length >= 13, `found ${dirs.length}`);
});

for (const dir of dirs) {
  const exp = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
  test(`scenario ${dir.slice(SCENARIOS.length + 1)}`, async () => {
    const { report } = await diagnoseFile(join(dir, exp.capture ?? "capture.pcapng"));
    const got = report.findings;
    for (const m of exp.must) {
      const cands = got.filter((f) => f.id === m.id);
      assert.ok(cands.length > 0, `missing ${m.id}; got ${got.map((f) => f.id).join(", ")}`);
      const ok = cands.some((f) => {
        const culpritOk =
          m.culprit === null ||
          (f.culprit !== null && (f.culprit === m.culprit || ipOf(f.culprit) === ipOf(m.culprit)));
        const streamOk = m.stream === null || m.stream === undefined || f.stream === m.stream;
        const frames = (f.frames as number[]).filter((x) => typeof x === "number");
        const framesOk = m.frames.length === 0 || m.frames.some((x) => frames.includes(x));
        return culpritOk && streamOk && framesOk;
      });
      assert.ok(
        ok,
        `${m.id}: want culprit ${m.culprit} stream ${m.stream} frames ${m.frames}; got ${JSON.stringify(cands.map((f) => [f.culprit, f.stream, f.frames]))}`,
      );
      for (const f of cands) {
        assert.ok(
          f.summary.length > 20 && f.explanation.length > 80 && f.next.length > 20,
          `${m.id} is explained`,
        );
      }
    }
    for (const bad of exp.must_not) {
      assert.ok(
        !got.some((f) => f.id === bad),
        `must not report ${bad}: ${got.find((f) => f.id === bad)?.summary}`,
      );
    }
    const healthy = exp.must.some((m) => m.id === "healthy");
    if (healthy) assert.equal(report.verdict, "healthy");
  });
}
