/**
 * The catalog of analyses: one DuckDB file, DATA/catalog.duckdb, table `analyses`. The server is its
 * only user; rows are kept in memory as well (a catalog is small) and every change is written
 * through, one statement at a time, so a restart finds every analysis again.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";

export type AnalysisKind = "capture" | "compare" | "correlate";
export type AnalysisStatus = "queued" | "analysing" | "done" | "failed";

export interface AnalysisEntry {
  id: string;
  kind: AnalysisKind;
  /** Display string only (from the client): never part of a path, always escaped when shown. */
  name: string;
  status: AnalysisStatus;
  created: string;
  size: number;
  verdict?: string;
  headline?: string;
  findings?: number;
  packets?: number;
  inputs?: [string, string];
  error?: string;
}

export interface Progress {
  phase: string;
  fraction: number;
}

const COLUMNS =
  "id, kind, name, status, created, size, verdict, headline, findings, packets, inputs, error";

export class Catalog {
  private readonly rows = new Map<string, AnalysisEntry>();
  /** Live progress of running jobs (not stored: it means nothing after a restart). */
  private readonly progress = new Map<string, Progress>();
  /** DuckDB runs one statement at a time per connection: writes queue here. */
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(file: string): Promise<Catalog> {
    const instance = await DuckDBInstance.create(file, { memory_limit: "64MB", threads: "1" });
    const conn = await instance.connect();
    await conn.run(`CREATE TABLE IF NOT EXISTS analyses (
      id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, name VARCHAR NOT NULL, status VARCHAR NOT NULL,
      created VARCHAR NOT NULL, size DOUBLE NOT NULL, verdict VARCHAR, headline VARCHAR,
      findings INTEGER, packets DOUBLE, inputs VARCHAR, error VARCHAR)`);
    const catalog = new Catalog(instance, conn);
    const reader = await conn.runAndReadAll(`SELECT ${COLUMNS} FROM analyses ORDER BY created`);
    for (const r of reader.getRowObjectsJson()) {
      const e: AnalysisEntry = {
        id: String(r.id),
        kind: r.kind as AnalysisKind,
        name: String(r.name),
        status: r.status as AnalysisStatus,
        created: String(r.created),
        size: Number(r.size),
      };
      if (r.verdict !== null) e.verdict = String(r.verdict);
      if (r.headline !== null) e.headline = String(r.headline);
      if (r.findings !== null) e.findings = Number(r.findings);
      if (r.packets !== null) e.packets = Number(r.packets);
      if (r.inputs !== null) e.inputs = JSON.parse(String(r.inputs)) as [string, string];
      if (r.error !== null) e.error = String(r.error);
      catalog.rows.set(e.id, e);
    }
    return catalog;
  }

  get(id: string): AnalysisEntry | undefined {
    return this.rows.get(id);
  }

  /** Newest first. */
  list(): AnalysisEntry[] {
    return [...this.rows.values()].sort((a, b) =>
      a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? 1 : -1,
    );
  }

  progressOf(id: string): Progress {
    const p = this.progress.get(id);
    if (p) return p;
    const e = this.rows.get(id);
    return e?.status === "done" ? { phase: "done", fraction: 1 } : { phase: e?.status ?? "queued", fraction: 0 };
  }

  setProgress(id: string, p: Progress): void {
    this.progress.set(id, p);
  }

  /** Inserts or replaces the row, in memory at once and in the file in order. */
  put(e: AnalysisEntry): Promise<void> {
    this.rows.set(e.id, e);
    if (e.status === "done" || e.status === "failed") this.progress.delete(e.id);
    const values: DuckDBValue[] = [
      e.id,
      e.kind,
      e.name,
      e.status,
      e.created,
      e.size,
      e.verdict ?? null,
      e.headline ?? null,
      e.findings ?? null,
      e.packets ?? null,
      e.inputs ? JSON.stringify(e.inputs) : null,
      e.error ?? null,
    ];
    return this.write(() =>
      this.conn.run(
        `INSERT OR REPLACE INTO analyses (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        values,
      ),
    );
  }

  update(id: string, change: Partial<AnalysisEntry>): Promise<void> {
    const e = this.rows.get(id);
    if (!e) return Promise.resolve();
    return this.put({ ...e, ...change });
  }

  remove(id: string): Promise<void> {
    this.rows.delete(id);
    this.progress.delete(id);
    return this.write(() => this.conn.run("DELETE FROM analyses WHERE id = $1", [id]));
  }

  async close(): Promise<void> {
    await this.writes.catch(() => undefined);
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private write(op: () => Promise<unknown>): Promise<void> {
    const next = this.writes.then(op, op);
    this.writes = next.catch(() => undefined);
    return next.then(() => undefined);
  }
}
