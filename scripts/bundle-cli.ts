/**
 * Bundles the compiled command line (dist/cli/main.js) and the worker programs it starts into
 * dist/bundle/, one file each plus shared chunks. Loading ~170 small modules cost the CLI about 80 ms
 * before it read a byte (and each worker thread as much again); the bundle loads in about 25.
 * dist/bundle sits as deep as dist/cli, so the paths the code finds from its own location
 * (../server/main.js, the workers beside it, the package root) are the same. bin/tcpsleuth runs the
 * bundle when it is there. Run after tsc (npm run build does both).
 */
import { build } from "esbuild";
import { rmSync } from "node:fs";

const out = "dist/bundle";
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: {
    main: "dist/cli/main.js",
    // Started by file name from the code that starts them (pipeline/parallel.ts startWorker,
    // compare/correlate/index.ts): they must keep these names, beside that code.
    "tracker-worker": "dist/pipeline/tracker-worker.js",
    "shard-worker": "dist/pipeline/shard-worker.js",
    "load-worker": "dist/compare/correlate/load-worker.js",
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Loaded at run time from node_modules: native or server-only, and tsx (source mode only).
  external: ["@duckdb/*", "fastify", "@fastify/*", "tsx", "tsx/*"],
  // CommonJS dependencies (commander) call require() for Node's modules.
  banner: { js: 'import { createRequire as __tcpsleuthRequire } from "node:module"; const require = __tcpsleuthRequire(import.meta.url);' },
  sourcemap: true,
  logLevel: "warning",
});
