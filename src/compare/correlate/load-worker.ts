/** Loads one capture on a worker thread (correlate reads its two captures at the same time). */
import { parentPort, workerData } from "node:worker_threads";
import { loadCapture, transferables } from "./table.js";

const { input, options } = workerData as {
  input: string;
  options: { maxFrames?: number; chunkBytes?: number };
};
const L = await loadCapture(input, options);
parentPort!.postMessage(L, transferables(L));
