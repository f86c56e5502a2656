import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { compareFiles } from "../src/api/index.js";
import { SCENARIOS } from "./support/corpus.js";

const GOOD = join(SCENARIOS, "rst-at-end", "success", "capture.pcapng");
const BAD = join(SCENARIOS, "rst-at-end", "failure", "capture.pcapng");

test("compare ranks the client's RST right after the last data as the first difference", async () => {
  const { result } = await compareFiles(GOOD, BAD);
  const top = result.differences[0]!;
  assert.equal(top.kind, "close");
  assert.equal(top.bad.kind, "rst");
  assert.equal(top.bad.by, "client");
  assert.ok((top.bad.afterLastDataSec as number) < 0.5);
  assert.equal(top.good.kind, "fin");
  assert.deepEqual(
    top.frames.map((f) => f.file),
    ["success/capture.pcapng", "failure/capture.pcapng"],
  );
  assert.ok(top.frames[1]!.frames.includes(112), "the RST frame is evidence");
  assert.match(top.summary, /RST from the client/);
  // PSH on the last packets is listed, but well below the close.
  const push = result.differences.findIndex((d) => d.kind === "push");
  assert.ok(push === -1 || push > 0);
});

test("comparing a capture with itself finds no difference", async () => {
  const { result } = await compareFiles(GOOD, GOOD);
  assert.deepEqual(result.differences, []);
});
