/**
 * compare and correlate offer the outputs diagnose does: the terminal report and Markdown with a
 * side-by-side ladder, and `--html OUT`, a self-contained evidence report. The HTML pages are opened
 * in real headless Chromium: the side-by-side ladders render with a real size, the expected
 * difference / findings and their evidence frames are on the page, and nothing runs as script (a file
 * named like markup stays text). Screenshots go to test-output/ (git-ignored) for a human to look at.
 */
import { type TestContext, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { haveChromium, launch, openReport, outputPath } from "./support/browser.js";
import { runCli } from "./support/cli.js";
import { SCENARIOS } from "./support/corpus.js";

const GOOD = join(SCENARIOS, "rst-at-end", "success", "capture.pcapng");
const BAD = join(SCENARIOS, "rst-at-end", "failure", "capture.pcapng");
const point = (scenario: string, side: "outside" | "inside") => join(SCENARIOS, scenario, `${side}.pcapng`);

/** True (and the test skipped) without Chromium; in CI its absence is a failure. */
function noChromium(t: TestContext): boolean {
  if (haveChromium()) return false;
  if (process.env.CI) assert.fail("chromium missing: .ci/run must install it");
  t.skip("chromium not installed");
  return true;
}

function tempDir(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "tcpsleuth-html-"));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test("compare: terminal and Markdown show GOOD's and BAD's connection side by side", () => {
  const text = runCli(["compare", GOOD, BAD]);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /side by side \(difference 1: close\)/);
  assert.match(
    text.stdout,
    /GOOD: success\/capture\.pcapng \(stream 0\)\s+│ BAD: failure\/capture\.pcapng \(stream 0\)/,
  );
  // The evidence rows of both sides, on one line each: GOOD's FIN next to BAD's data before the RST.
  assert.match(text.stdout, />> #110 [\d.]+ → \[FIN, PSH, ACK\][^│]*│ >> #111 /);
  assert.match(text.stdout, /│ >> #112 [\d.]+ → \[RST, ACK\] Seq=120001/);
  const md = runCli(["compare", GOOD, BAD, "--markdown"]);
  assert.equal(md.code, 1, md.stderr);
  assert.match(md.stdout, /^## The tcp\/9100 connection in both captures, side by side/m);
  assert.match(md.stdout, /```text\nGOOD: success\/capture\.pcapng \(stream 0\)\s+│ BAD: failure/);
  assert.match(md.stdout, /│ >> #112 [\d.]+ → \[RST, ACK\]/);
});

test("correlate: terminal and Markdown show the connection at both capture points side by side", () => {
  const args = [
    "correlate",
    point("middlebox-idle-reset", "outside"),
    point("middlebox-idle-reset", "inside"),
  ];
  const text = runCli(args);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /A: outside\.pcapng\s+│ B: inside\.pcapng/);
  assert.match(text.stdout, />> #37 [\d.]+ ← \[RST\][^│]*│ — injected/);
  const md = runCli([...args, "--markdown"]);
  assert.match(md.stdout, /```text\n\s*A: outside\.pcapng\s+│ B: inside\.pcapng/);
  assert.match(md.stdout, /#36 [\d.]+ → \[ACK\][^│]*│ — blocked-after-idle/);
});

/** The page is inert: no script element, no event-handler attribute, a CSP that forbids scripts. */
async function assertNoScript(page: Page, html: string, what: string): Promise<void> {
  assert.doesNotMatch(html, /<script/i, `${what}: no <script>`);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/, `${what}: CSP`);
  assert.equal(await page.evaluate(() => document.scripts.length), 0, `${what}: no script in the DOM`);
  const handlers = await page.evaluate(() =>
    [...document.querySelectorAll("*")].flatMap((el) =>
      [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`),
    ),
  );
  assert.deepEqual(handlers, [], `${what}: no event-handler attribute`);
}

async function assertLadderSize(page: Page, what: string, minWidth = 900): Promise<void> {
  const ladders = page.locator("svg.ladder");
  assert.ok((await ladders.count()) >= 1, `${what}: a ladder`);
  for (let i = 0; i < (await ladders.count()); i++) {
    const box = await ladders.nth(i).boundingBox();
    assert.ok(
      box && box.width >= minWidth && box.height > 200,
      `${what}: ladder ${i + 1} has a real size (${JSON.stringify(box)})`,
    );
  }
}

test("compare --html: the ranked differences and GOOD's and BAD's ladders side by side, in Chromium", async (t) => {
  if (noChromium(t)) return;
  const tmp = tempDir();
  const browser = await launch();
  try {
    const file = outputPath("compare-rst-at-end.html");
    const r = runCli(["compare", GOOD, BAD, "--html", file]);
    assert.equal(r.code, 1, r.stderr);
    // Still the comparison on standard output, not the BAD capture's diagnosis.
    assert.match(r.stdout, /^✖ DIFFERENT/, r.stderr);
    const html = readFileSync(file, "utf8");
    const { page, text, errors } = await openReport(browser, file);
    await assertNoScript(page, html, "compare");
    assert.match(text, /DIFFERENT/);
    assert.match(text, /ends with a RST from the client 1\.00 ms after the last data \(frame 112\) in BAD/);
    assert.match(text, /success\/capture\.pcapng: 109, 110/);
    assert.match(text, /failure\/capture\.pcapng: 110, 111, 112/);
    assert.match(text, /Only BAD has conn\.reset/);
    // The finding's own words come with it.
    assert.match(text, /what to do next/i);
    await assertLadderSize(page, "compare");
    const ladder = page.locator("svg#ladder-pair");
    assert.match((await ladder.textContent()) ?? "", /GOOD · success\/capture\.pcapng · stream 0/);
    assert.match((await ladder.textContent()) ?? "", /BAD · failure\/capture\.pcapng · stream 0/);
    // BAD's RST and GOOD's FIN are drawn as evidence, each in its own column.
    const evidence = async (frame: number) => ladder.locator(`g.pkt.evidence[data-frame="${frame}"]`).count();
    assert.ok((await evidence(112)) >= 1, "BAD's RST is evidence");
    assert.ok((await evidence(110)) >= 1, "GOOD's FIN is evidence");
    const rst = await ladder.locator('g.pkt.evidence[data-frame="112"]').last().boundingBox();
    const fin = await ladder.locator('g.pkt.evidence[data-frame="109"]').first().boundingBox();
    assert.ok(rst && fin && rst.x > fin.x + 200, "BAD's column is to the right of GOOD's");
    await page.screenshot({ path: outputPath("compare-rst-at-end.png"), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await browser.close();
    tmp.done();
  }
});

const CORRELATE_CASES: {
  scenario: string;
  ids: string[];
  evidence: RegExp[];
}[] = [
  {
    scenario: "middlebox-idle-reset",
    ids: ["middlebox.idle-timeout", "middlebox.injected"],
    evidence: [/outside\.pcapng\s*33, 36, 37, 39, 41/, /inside\.pcapng\s*33/, /none \(absent there\)/],
  },
  {
    scenario: "middlebox-dropped",
    ids: ["middlebox.dropped"],
    evidence: [/outside\.pcapng\s*16, 57, 87, 116, 162, 208, 253, 285, 312, 341, 369, 397, 425/],
  },
];

test("correlate --html: findings, clock offset, match counts and the connection at both points, in Chromium", async (t) => {
  if (noChromium(t)) return;
  const tmp = tempDir();
  const browser = await launch();
  try {
    for (const c of CORRELATE_CASES) {
      const file = outputPath(`correlate-${c.scenario}.html`);
      const r = runCli([
        "correlate",
        point(c.scenario, "outside"),
        point(c.scenario, "inside"),
        "--html",
        file,
      ]);
      assert.equal(r.code, 1, r.stderr);
      const expected = JSON.parse(readFileSync(join(SCENARIOS, c.scenario, "expected.json"), "utf8")) as {
        must: { id: string; culprit: string }[];
      };
      const html = readFileSync(file, "utf8");
      const { page, text, errors } = await openReport(browser, file);
      await assertNoScript(page, html, c.scenario);
      assert.match(text, /PROBLEM FOUND/);
      for (const id of c.ids) assert.ok(text.includes(id), `${c.scenario}: ${id} shown`);
      for (const m of expected.must) {
        assert.ok(text.includes(m.id), `${c.scenario}: expected ${m.id}`);
        assert.ok(text.includes(m.culprit), `${c.scenario}: culprit ${m.culprit}`);
      }
      for (const re of c.evidence) assert.match(text, re, `${c.scenario}: evidence ${re}`);
      assert.match(text, /Clock offset\s*B's clock − A's clock = [+−]/);
      assert.match(text, /Matched\s*\d+ TCP packets seen on both sides; 1 connection paired/);
      assert.match(text, /what this means[\s\S]*what to do next/i);
      await assertLadderSize(page, c.scenario);
      assert.equal(
        await page.locator("svg.ladder").count(),
        c.ids.length,
        `${c.scenario}: a ladder per finding`,
      );
      const first = page.locator("svg.ladder").first();
      const caption = (await first.textContent()) ?? "";
      assert.match(caption, /A · outside\.pcapng/);
      assert.match(caption, /B · inside\.pcapng/);
      // Packets one side lacks are drawn there, in the row of the packet the other side has.
      const absent = first.locator("g.pkt.absent");
      assert.ok((await absent.count()) >= 1, `${c.scenario}: missing packets marked`);
      const rows = await first.locator("g.pkt").evaluateAll((gs) =>
        gs.map((g) => ({
          absent: g.classList.contains("absent"),
          // The arrow (or dashed shaft) on screen: rows line up when these do.
          y: Math.round(g.querySelector("line")!.getBoundingClientRect().y),
        })),
      );
      const absentYs = new Set(rows.filter((x) => x.absent).map((x) => x.y));
      assert.ok(
        rows.some((x) => !x.absent && absentYs.has(x.y)),
        `${c.scenario}: a missing packet sits in the same row as its counterpart`,
      );
      await page.screenshot({ path: outputPath(`correlate-${c.scenario}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await page.close();
    }
    // A file named like markup is shown as text, and nothing in it runs.
    const hostile = join(tmp.dir, "<img src=x onerror=alert(1)>.pcapng");
    copyFileSync(point("middlebox-dropped", "inside"), hostile);
    const file = join(tmp.dir, "hostile.html");
    const r = runCli(["correlate", point("middlebox-dropped", "outside"), hostile, "--html", file]);
    assert.equal(r.code, 1, r.stderr);
    const html = readFileSync(file, "utf8");
    assert.ok(!html.includes("<img src=x"), "file name escaped");
    const { page, text, errors } = await openReport(browser, file);
    await assertNoScript(page, html, "hostile name");
    assert.ok(text.includes("<img src=x onerror=alert(1)>.pcapng"), "the name reads as text");
    assert.equal(await page.locator("img").count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await browser.close();
    tmp.done();
  }
});
