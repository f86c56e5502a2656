/**
 * The HTML evidence report in a real browser: the verdict, the SVG ladder diagram and the
 * time-sequence graph render with real size; nothing from the capture runs as script.
 * Screenshots go to test-output/ (git-ignored) for a human to look at.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { diagnoseFile } from "../src/api/index.js";
import { renderReportHtml } from "../src/render/report-html.js";
import { haveChromium, launch, openReport, outputPath } from "./support/browser.js";
import { SCENARIOS } from "./support/corpus.js";

const CASES = ["synack-bad-ack", "zero-window", "receiver-silent"];

test("HTML reports render their ladder and time-sequence graph in Chromium", async (t) => {
  if (!haveChromium()) {
    if (process.env.CI) assert.fail("chromium missing: .ci/run must install it");
    return t.skip("chromium not installed");
  }
  const browser = await launch();
  try {
    for (const name of CASES) {
      const { report } = await diagnoseFile(join(SCENARIOS, name, "capture.pcapng"));
      const file = outputPath(`report-${name}.html`);
      writeFileSync(file, renderReportHtml(report));
      const { page, text, errors } = await openReport(browser, file);
      assert.match(text, /PROBLEM|Problem|problem/, `${name}: verdict shown`);
      for (const sel of ["svg.ladder", "svg.tseq"]) {
        const el = page.locator(sel).first();
        assert.equal(await el.count(), 1, `${name}: ${sel} present`);
        const box = await el.boundingBox();
        assert.ok(
          box && box.width > 200 && box.height > 100,
          `${name}: ${sel} has a real size (${JSON.stringify(box)})`,
        );
      }
      const marks = await page.locator("svg.ladder line, svg.ladder path, svg.ladder polyline").count();
      assert.ok(marks > 3, `${name}: ladder draws arrows`);
      await page.screenshot({ path: outputPath(`report-${name}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
