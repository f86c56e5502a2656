/**
 * Builds the browser app into dist/web, which `tcpsleuth serve` hands out. Everything is bundled
 * (no CDN, no web fonts) because the server's Content-Security-Policy allows only 'self'.
 */
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false })],
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `vite --config src/web/vite.config.ts` during development, next to `tcpsleuth serve --port 8765`.
    proxy: { "/api": "http://127.0.0.1:8765" },
  },
});
