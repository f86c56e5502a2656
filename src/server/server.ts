/**
 * `tcpsleuth serve`: the HTTP API of docs/web-api.md and the built web app, on fastify.
 *
 * Everything the server keeps is under the data directory: DATA/catalog.duckdb, DATA/uploads/<id>.capture
 * and DATA/analyses/<id>/. Ids are made here ([a-z0-9]{12}) and checked on every request, so no path
 * ever holds text from a client; a capture's name is a display string only. Analyses run in child
 * processes (jobs.ts), so a bad file fails its own job and the server keeps answering.
 */
import { randomInt } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { ConnectionDetail, Finding } from "../api/index.js";
import { renderLadderSvg } from "../render/ladder-svg.js";
import { cleanText } from "../util/html.js";
import {
  AnalysisDbs,
  connectionPage,
  packetIndex,
  packetPage,
  splitEndpoint,
  streamConnection,
  tseqData,
} from "./analysis-data.js";
import { Catalog, type AnalysisEntry, type AnalysisKind } from "./catalog.js";
import { DetailLane, JobQueue } from "./jobs.js";
import { HttpError, receiveUpload, tooLarge } from "./upload.js";
import { StaticApp } from "./static-app.js";
import { STREAM_FRAMES_FILE } from "./schema.js";

export interface ServeOptions {
  host: string;
  port: number;
  dataDir: string;
  maxUpload: number;
  /** The built web app (dist/web). */
  webDir: string;
}

export const APP_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'";
/** Reports and diagrams hold no script at all; nothing may load or run in them. */
const DOC_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

/** Top-level keys of each kind's report that a Summary has as well. */
const REPORT_KEYS: Record<AnalysisKind, string[]> = {
  capture: ["verdict", "headline", "findings"],
  correlate: ["verdict", "headline", "findings", "packets"],
  compare: [],
};

const ID_RE = /^[a-z0-9]{12}$/;
const ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

function newId(): string {
  let s = "";
  for (let i = 0; i < 12; i++) s += ID_CHARS[randomInt(ID_CHARS.length)];
  return s;
}

/** A name as the user gave it, for display only: controls removed, length bounded. */
function displayName(raw: unknown, fallback: string): string {
  const s = typeof raw === "string" ? cleanText(raw).replace(/\uFFFD/g, "").trim() : "";
  return s === "" ? fallback : s.slice(0, 200);
}

/** A name usable in Content-Disposition: ASCII letters, digits, dot, dash and underscore only. */
function downloadName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const s = base.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  return s === "" ? "capture" : s.slice(0, 100);
}

function intParam(v: unknown, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined || v === "") return dflt;
  const s = String(v);
  if (!/^-?[0-9]+$/.test(s)) throw new HttpError(400, `${name} must be a whole number`);
  const n = Number(s);
  if (n < min || n > max) throw new HttpError(400, `${name} must be between ${min} and ${max}`);
  return n;
}

function numParam(v: unknown, name: string): number | null {
  if (v === undefined || v === "") return null;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new HttpError(400, `${name} must be a number`);
  return n;
}

type Query = Record<string, string | undefined>;

function isLoopbackName(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(h);
}

export class Server {
  readonly app: FastifyInstance;
  private catalog!: Catalog;
  private readonly queue: JobQueue;
  private readonly details = new DetailLane();
  private readonly dbs = new AnalysisDbs();
  private readonly web: StaticApp;
  private readonly uploads: string;
  private readonly analyses: string;

  constructor(private readonly opts: ServeOptions) {
    this.uploads = join(opts.dataDir, "uploads");
    this.analyses = join(opts.dataDir, "analyses");
    this.web = new StaticApp(opts.webDir);
    // No request timeout: a multi-GB upload over a slow link takes as long as it takes.
    this.app = Fastify({ logger: false, bodyLimit: 1 << 20, requestTimeout: 0 });
    this.queue = new JobQueue({
      started: (id) => {
        this.catalog.setProgress(id, { phase: "starting", fraction: 0 });
        void this.catalog.update(id, { status: "analysing" });
      },
      progress: (id, phase, fraction) => this.catalog.setProgress(id, { phase, fraction }),
      finished: async (id, m) => {
        if (!this.catalog.get(id)) return; // deleted meanwhile
        if (m.type === "done") {
          const change: Partial<AnalysisEntry> = { status: "done" };
          if (m.verdict !== undefined) change.verdict = m.verdict;
          if (m.headline !== undefined) change.headline = m.headline;
          if (m.findings !== undefined) change.findings = m.findings;
          if (m.packets !== undefined) change.packets = m.packets;
          await this.catalog.update(id, change);
        } else {
          await this.catalog.update(id, {
            status: "failed",
            error: m.type === "failed" ? m.error : "the analysis failed",
          });
        }
      },
    });
  }

  /** Opens the store, queues what a previous run left unfinished, and listens. */
  async start(): Promise<{ url: string }> {
    for (const d of [this.opts.dataDir, this.uploads, this.analyses]) mkdirSync(d, { recursive: true, mode: 0o700 });
    this.catalog = await Catalog.open(join(this.opts.dataDir, "catalog.duckdb"));
    await this.routes();
    for (const e of [...this.catalog.list()].reverse()) {
      if (e.status === "queued" || e.status === "analysing") {
        await this.catalog.update(e.id, { status: "queued" });
        this.enqueue(e);
      }
    }
    const address = await this.app.listen({ host: this.opts.host, port: this.opts.port });
    const port = (this.app.server.address() as { port: number } | null)?.port ?? this.opts.port;
    const host = this.opts.host.includes(":") ? `[${this.opts.host}]` : this.opts.host;
    return { url: address ? `http://${host}:${port}/` : "" };
  }

  async stop(): Promise<void> {
    this.queue.stop();
    await this.app.close();
    await this.dbs.closeAll();
    await this.catalog.close();
  }

  private uploadPath(id: string): string {
    return join(this.uploads, `${id}.capture`);
  }

  private dir(id: string): string {
    return join(this.analyses, id);
  }

  private enqueue(e: AnalysisEntry): void {
    this.queue.enqueue({
      id: e.id,
      request: () => {
        const dir = this.dir(e.id);
        if (e.kind === "capture") {
          const input = this.uploadPath(e.id);
          return existsSync(input) ? { kind: "capture", id: e.id, dir, input, name: e.name } : null;
        }
        const [a, b] = e.inputs ?? ["", ""];
        const inputs: [string, string] = [this.uploadPath(a), this.uploadPath(b)];
        if (!inputs.every((f) => existsSync(f))) return null;
        const names: [string, string] = [this.catalog.get(a)?.name ?? a, this.catalog.get(b)?.name ?? b];
        return { kind: e.kind as "compare" | "correlate", id: e.id, dir, inputs, names };
      },
    });
  }

  /** The entry of a request's :id, or a 404. */
  private entry(req: FastifyRequest): AnalysisEntry {
    const id = (req.params as { id?: string }).id ?? "";
    const e = ID_RE.test(id) ? this.catalog.get(id) : undefined;
    if (!e) throw new HttpError(404, "no such analysis");
    return e;
  }

  /** The entry of a finished capture analysis (packets, connections and streams exist only for those). */
  private doneCapture(req: FastifyRequest): AnalysisEntry {
    const e = this.entry(req);
    if (e.kind !== "capture") throw new HttpError(404, `a ${e.kind} analysis has no ${this.what(req)}`);
    if (e.status !== "done")
      throw new HttpError(409, e.status === "failed" ? `the analysis failed: ${e.error}` : "the analysis is not finished yet");
    return e;
  }

  private what(req: FastifyRequest): string {
    const m = /\/api\/analyses\/[^/]+\/([a-z]+)/.exec(req.url);
    return m?.[1] ?? "such data";
  }

  private summary(e: AnalysisEntry): Record<string, unknown> {
    const s: Record<string, unknown> = {
      id: e.id,
      kind: e.kind,
      name: e.name,
      status: e.status,
      created: e.created,
      size: e.size,
    };
    for (const k of ["verdict", "headline", "findings", "packets", "inputs"] as const)
      if (e[k] !== undefined) s[k] = e[k];
    return s;
  }

  private findingsOf(id: string): Finding[] {
    const f = join(this.dir(id), "findings.json");
    return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as Finding[]) : [];
  }

  private async routes(): Promise<void> {
    const app = this.app;
    app.addHook("onSend", async (_req, reply, payload) => {
      if (!reply.hasHeader("content-security-policy")) reply.header("content-security-policy", APP_CSP);
      reply.header("x-content-type-options", "nosniff");
      reply.header("referrer-policy", "no-referrer");
      return payload;
    });
    // A web page elsewhere must not drive this server through the user's browser: no other host name
    // (DNS rebinding) while listening on loopback, and no cross-site request that changes anything.
    const loopback = isLoopbackName(this.opts.host);
    app.addHook("onRequest", async (req) => {
      const host = req.headers.host ?? "";
      if (loopback && !isLoopbackName(host.replace(/:[0-9]+$/, "").replace(/^\[(.*)\]$/, "$1")))
        throw new HttpError(403, "this server answers only requests addressed to this machine (127.0.0.1 or localhost)");
      const origin = req.headers.origin;
      if (origin !== undefined && req.method !== "GET" && req.method !== "HEAD") {
        let from = "";
        try {
          from = new URL(origin).host;
        } catch {
          // "null" or garbage: not this server's page
        }
        if (from !== host) throw new HttpError(403, "requests from another site's page are refused");
      }
    });
    app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
      let status = err instanceof HttpError ? err.statusCode : (err.statusCode ?? 500);
      let message = err.message;
      if (err.code === "FST_REQ_FILE_TOO_LARGE") {
        status = 413;
        message = tooLarge(this.opts.maxUpload).message;
      } else if (err.code === "ENOSPC") {
        status = 507;
        message = "the disk of the data directory is full";
      } else if (status >= 500) {
        process.stderr.write(`tcpsleuth serve: ${req.method} ${req.url.split("?")[0]}: ${err.message}\n`);
        message = "internal error: the server could not answer this request";
      }
      void reply.code(status).type("application/json").send({ error: message });
    });
    app.setNotFoundHandler((req, reply) => {
      if (req.url.startsWith("/api/") || req.url === "/api") {
        void reply.code(404).send({ error: `no such endpoint: ${req.method} ${req.url.split("?")[0]}` });
        return;
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        void reply.code(405).send({ error: "method not allowed" });
        return;
      }
      this.web.serve(req.url, reply);
    });

    // Uploads: the body is the raw capture (any content type) or multipart; no parser reads it.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      await scope.register(multipart, {
        limits: { fileSize: this.opts.maxUpload, files: 1, fields: 20, parts: 40 },
        throwFileSizeLimit: true,
      });
      scope.addContentTypeParser("*", (_req, _payload, done) => done(null));
      scope.post("/api/captures", (req, reply) => this.upload(req, reply));
    });

    app.post("/api/comparisons", async (req, reply) => {
      const body = (req.body ?? {}) as { mode?: unknown; a?: unknown; b?: unknown };
      if (body.mode !== "compare" && body.mode !== "correlate")
        throw new HttpError(400, 'mode must be "compare" or "correlate"');
      const ids = [body.a, body.b].map((x) => (typeof x === "string" && ID_RE.test(x) ? this.catalog.get(x) : undefined));
      for (const [k, e] of ids.entries()) {
        if (e?.kind !== "capture") throw new HttpError(400, `${k === 0 ? "a" : "b"} must be the id of an uploaded capture`);
      }
      const [a, b] = ids as [AnalysisEntry, AnalysisEntry];
      const kind: AnalysisKind = body.mode;
      const e: AnalysisEntry = {
        id: newId(),
        kind,
        name: `${a.name} ${kind === "compare" ? "vs" : "⇄"} ${b.name}`,
        status: "queued",
        created: new Date().toISOString(),
        size: a.size + b.size,
        inputs: [a.id, b.id],
      };
      await this.catalog.put(e);
      this.enqueue(e);
      return reply.code(202).send({ id: e.id, kind });
    });

    app.get("/api/analyses", async () => ({ analyses: this.catalog.list().map((e) => this.summary(e)) }));

    app.get("/api/analyses/:id", async (req, reply) => {
      const e = this.entry(req);
      const head: Record<string, unknown> = { ...this.summary(e), progress: this.catalog.progressOf(e.id) };
      if (e.error !== undefined) head.error = e.error;
      const report = join(this.dir(e.id), "report.json");
      if (e.status !== "done" || !existsSync(report)) return head;
      // The report merged at the top level, streamed from its file (it can be large): the Summary keys
      // the report has too (findings as a count, packets as a number) are left out, never repeated.
      for (const k of REPORT_KEYS[e.kind]) delete head[k];
      const prefix = JSON.stringify(head).slice(0, -1);
      const body = Readable.from(
        (async function* () {
          let first = true;
          for await (const chunk of createReadStream(report)) {
            if (first) {
              first = false;
              const text = (chunk as Buffer).toString("utf8");
              // The report starts with "{"; an empty report object still gives valid JSON.
              yield prefix + (text.startsWith("{}") ? "" : ",") + text.slice(1);
            } else yield chunk as Buffer;
          }
        })(),
      );
      return reply.type("application/json; charset=utf-8").send(body);
    });

    app.delete("/api/analyses/:id", async (req, reply) => {
      const e = this.entry(req);
      if (this.queue.isRunning(e.id)) throw new HttpError(409, "the analysis is running; delete it when it is done");
      this.queue.cancel(e.id);
      // A ladder being drawn reads the capture and writes beside it: let it finish first.
      await this.details.settle(`${e.id}/`);
      await this.dbs.close(e.id);
      rmSync(this.dir(e.id), { recursive: true, force: true });
      rmSync(this.uploadPath(e.id), { force: true });
      await this.catalog.remove(e.id);
      return reply.code(204).send();
    });

    app.get("/api/analyses/:id/report.html", async (req, reply) => {
      const e = this.entry(req);
      const file = join(this.dir(e.id), "report.html");
      if (e.status !== "done" || !existsSync(file)) throw new HttpError(409, "the report is not ready");
      const inline = (req.query as Query).inline === "1";
      reply.header("content-security-policy", DOC_CSP);
      if (!inline) reply.header("content-disposition", `attachment; filename="${downloadName(e.name)}.tcpsleuth.html"`);
      return reply.type("text/html; charset=utf-8").send(createReadStream(file));
    });

    app.get("/api/analyses/:id/report.json", async (req, reply) => {
      const e = this.entry(req);
      const file = join(this.dir(e.id), "report.json");
      if (e.status !== "done" || !existsSync(file)) throw new HttpError(409, "the report is not ready");
      reply.header("content-disposition", `attachment; filename="${downloadName(e.name)}.tcpsleuth.json"`);
      return reply.type("application/json; charset=utf-8").send(createReadStream(file));
    });

    // Two-capture ladders, drawn by the job: compare's GOOD | BAD (n=0), correlate's per finding (n = its index).
    app.get("/api/analyses/:id/ladder.svg", async (req, reply) => {
      const e = this.entry(req);
      if (e.kind === "capture") throw new HttpError(404, "a single capture has a ladder per stream: …/streams/N/ladder.svg");
      if (e.status !== "done") throw new HttpError(409, "the analysis is not finished yet");
      const n = intParam((req.query as Query).n, "n", 0, 0, 100_000);
      const file = join(this.dir(e.id), "ladders", `${n}.svg`);
      if (!existsSync(file)) throw new HttpError(404, "there is no ladder for that");
      reply.header("content-security-policy", DOC_CSP);
      return reply.type("image/svg+xml; charset=utf-8").send(createReadStream(file));
    });

    app.get("/api/analyses/:id/connections", async (req) => {
      const e = this.doneCapture(req);
      const q = req.query as Query;
      const order = q.order ?? "asc";
      if (order !== "asc" && order !== "desc") throw new HttpError(400, "order must be asc or desc");
      return this.dbs.with(e.id, this.dbFile(e.id), (c) =>
        connectionPage(c, {
          q: q.q ?? "",
          state: q.state ?? "",
          finding: q.finding ?? "",
          sort: q.sort ?? "stream",
          desc: order === "desc",
          offset: intParam(q.offset, "offset", 0, 0, 2 ** 31 - 1),
          limit: intParam(q.limit, "limit", 200, 1, 2000),
        }),
      );
    });

    app.get("/api/analyses/:id/packets", async (req) => {
      const e = this.doneCapture(req);
      const q = req.query as Query;
      const offset = intParam(q.offset, "offset", 0, 0, 2 ** 32 - 1);
      const limit = intParam(q.limit, "limit", 500, 1, 2000);
      const stream = q.stream === undefined || q.stream === "" ? null : intParam(q.stream, "stream", 0, 0, 2 ** 31 - 1);
      return this.dbs.with(e.id, this.dbFile(e.id), (c) => packetPage(c, offset, limit, stream));
    });

    app.get("/api/analyses/:id/packets/index", async (req) => {
      const e = this.doneCapture(req);
      const q = req.query as Query;
      const no = intParam(q.no, "no", -1, 1, 2 ** 32 - 1);
      if (no < 0) throw new HttpError(400, "no (a frame number) is required");
      const stream = q.stream === undefined || q.stream === "" ? null : intParam(q.stream, "stream", 0, 0, 2 ** 31 - 1);
      const offset = await this.dbs.with(e.id, this.dbFile(e.id), (c) => packetIndex(c, no, stream));
      if (offset === null)
        throw new HttpError(404, stream === null ? `there is no frame ${no}` : `frame ${no} is not in stream ${stream}`);
      return { offset };
    });

    app.get("/api/analyses/:id/streams/:stream", async (req) => {
      const e = this.doneCapture(req);
      const stream = this.streamParam(req);
      const found = await this.dbs.with(e.id, this.dbFile(e.id), (c) => streamConnection(c, stream));
      if (!found) throw new HttpError(404, `there is no TCP stream ${stream}`);
      return { ...found, findings: this.findingsOf(e.id).filter((f) => f.stream === stream) };
    });

    app.get("/api/analyses/:id/streams/:stream/ladder.svg", async (req, reply) => {
      const e = this.doneCapture(req);
      const stream = this.streamParam(req);
      const q = req.query as Query;
      const mark = (q.mark ?? "")
        .split(",")
        .filter((x) => /^[0-9]+$/.test(x))
        .map(Number)
        .slice(0, 200);
      const findings = this.findingsOf(e.id).filter((f) => f.stream === stream);
      const detail = await this.streamDetail(e, stream, findings);
      if (!detail) throw new HttpError(404, `there is no TCP stream ${stream}`);
      const svg = renderLadderSvg(detail, mark, {
        culprit: findings[0]?.culprit ?? null,
        maxEvidence: 12,
        title: `Packets of TCP stream ${stream}`,
      });
      reply.header("content-security-policy", DOC_CSP);
      return reply.type("image/svg+xml; charset=utf-8").send(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
    });

    app.get("/api/analyses/:id/streams/:stream/tseq", async (req) => {
      const e = this.doneCapture(req);
      const stream = this.streamParam(req);
      const q = req.query as Query;
      const px = intParam(q.px, "px", 1200, 10, 20000);
      const range = { from: numParam(q.from, "from"), to: numParam(q.to, "to") };
      const data = await this.dbs.with(e.id, this.dbFile(e.id), async (c) => {
        const conn = await streamConnection(c, stream);
        const client = conn ? splitEndpoint(String(conn.connection.client)) : null;
        return tseqData(c, stream, client, range, px);
      });
      if (!data) throw new HttpError(404, `there is no TCP stream ${stream}`);
      return data;
    });
  }

  private dbFile(id: string): string {
    return join(this.dir(id), "data.duckdb");
  }

  private streamParam(req: FastifyRequest): number {
    const s = (req.params as { stream?: string }).stream ?? "";
    if (!/^[0-9]{1,9}$/.test(s)) throw new HttpError(400, "the stream must be a number");
    return Number(s);
  }

  /**
   * The ladder packets of a stream: written by the analysis for the streams findings name, else made
   * once by a detail job (one pass over the capture) and kept beside them.
   */
  private async streamDetail(e: AnalysisEntry, stream: number, findings: Finding[]): Promise<ConnectionDetail | null> {
    const file = join(this.dir(e.id), "streams", `${stream}.json`);
    if (!existsSync(file)) {
      const input = this.uploadPath(e.id);
      if (!existsSync(input)) throw new HttpError(404, "the capture of this analysis is gone");
      const found = await this.dbs.with(e.id, this.dbFile(e.id), (c) => streamConnection(c, stream));
      if (!found) return null;
      mkdirSync(join(this.dir(e.id), "streams"), { recursive: true });
      const evidence = findings.flatMap((f) => (typeof f.frames[0] === "number" ? (f.frames as number[]) : []));
      const m = await this.details.run(`${e.id}/${stream}`, {
        kind: "detail",
        input,
        stream,
        evidence,
        record: found.record as never,
        streamFrames: join(this.dir(e.id), STREAM_FRAMES_FILE),
        out: file,
      });
      if (m.type === "failed") throw new HttpError(500, m.error);
      if (!existsSync(file)) throw new HttpError(404, "this analysis was deleted");
    }
    return JSON.parse(readFileSync(file, "utf8")) as ConnectionDetail | null;
  }

  private async upload(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const max = this.opts.maxUpload;
    const declared = Number(req.headers["content-length"] ?? "NaN");
    if (Number.isFinite(declared) && declared > max + (req.isMultipart() ? 64 * 1024 : 0)) throw tooLarge(max);
    const id = newId();
    const dest = this.uploadPath(id);
    let name: unknown = (req.query as Query).name;
    let size: number;
    if (req.isMultipart()) {
      const part = await req.file();
      if (!part) throw new HttpError(400, "the multipart body has no file part");
      if (name === undefined) name = part.filename;
      size = await receiveUpload(part.file, dest, max);
      if (part.file.truncated) {
        rmSync(dest, { force: true });
        throw tooLarge(max);
      }
    } else {
      size = await receiveUpload(req.raw, dest, max);
    }
    const e: AnalysisEntry = {
      id,
      kind: "capture",
      name: displayName(name, `upload-${id}`),
      status: "queued",
      created: new Date().toISOString(),
      size,
    };
    await this.catalog.put(e);
    this.enqueue(e);
    return reply.code(202).send({ id, kind: "capture" });
  }
}
