/**
 * The built web app (dist/web): its files are listed once at start, and only those are served, so a
 * request path can never reach another file. Paths without an extension are client routes and get
 * index.html; without a build, a short page says how to make one.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import type { FastifyReply } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

const NOT_BUILT = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>tcpsleuth</title></head>
<body><h1>tcpsleuth</h1><p>The web app is not built. Run <code>npm run build</code>, then reload this page.
The HTTP API under <code>/api/</code> works without it (see README.md).</p></body></html>
`;

export class StaticApp {
  private readonly files = new Map<string, string>();

  constructor(private readonly root: string) {
    this.scan(root);
  }

  get built(): boolean {
    return this.files.has("/index.html");
  }

  private scan(dir: string): void {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) this.scan(p);
      else if (e.isFile()) this.files.set(`/${relative(this.root, p).split(sep).join("/")}`, p);
    }
  }

  serve(url: string, reply: FastifyReply): void {
    // Built after the server started: look again.
    if (!this.built) this.scan(this.root);
    let path: string;
    try {
      path = decodeURIComponent(url.split("?")[0]!.split("#")[0]!);
    } catch {
      path = "/";
    }
    const file = this.files.get(path);
    if (file) {
      const type = TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
      // Vite names assets by content hash: they never change.
      if (path.startsWith("/assets/")) reply.header("cache-control", "public, max-age=31536000, immutable");
      void reply.type(type).header("content-length", statSync(file).size).send(readFileSync(file));
      return;
    }
    if (extname(path) !== "") {
      void reply.code(404).type("text/plain; charset=utf-8").send("not found\n");
      return;
    }
    const index = this.files.get("/index.html");
    if (!index) {
      void reply.type("text/html; charset=utf-8").send(NOT_BUILT);
      return;
    }
    void reply.header("cache-control", "no-cache").type("text/html; charset=utf-8").send(readFileSync(index));
  }
}
