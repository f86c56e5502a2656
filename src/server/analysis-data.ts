/**
 * Reading an analysis's data.duckdb (written by the job, read-only here): the packet list by pages,
 * the connections table with its filters, one stream's connection row and its time-sequence data.
 * A few databases stay open (least recently used closed first); each request gets its own
 * connection, so requests never wait on each other's results.
 */
import { existsSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { HttpError } from "./upload.js";

const KEEP_OPEN = 3;

export class AnalysisDbs {
  private readonly open = new Map<string, Promise<DuckDBInstance>>();

  async with<T>(id: string, file: string, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    let inst = this.open.get(id);
    if (inst) {
      this.open.delete(id); // re-insert: most recently used last
    } else {
      if (!existsSync(file)) throw new HttpError(404, "this analysis has no packet data");
      inst = DuckDBInstance.create(file, { access_mode: "READ_ONLY", memory_limit: "96MB", threads: "2" });
      inst.catch(() => this.open.delete(id));
    }
    this.open.set(id, inst);
    while (this.open.size > KEEP_OPEN) {
      const [oldest, p] = this.open.entries().next().value as [string, Promise<DuckDBInstance>];
      this.open.delete(oldest);
      void p.then((i) => i.closeSync()).catch(() => undefined);
    }
    const conn = await (await inst).connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  /** Closes the analysis's database (before its files are deleted). */
  async close(id: string): Promise<void> {
    const p = this.open.get(id);
    this.open.delete(id);
    if (p) await p.then((i) => i.closeSync()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    for (const id of [...this.open.keys()]) await this.close(id);
  }
}

async function rows(c: DuckDBConnection, sql: string, values: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
  const r = await c.runAndReadAll(sql, values);
  return r.getRowObjectsJson() as Record<string, unknown>[];
}

const PACKET_COLUMNS =
  "no, t, src, dst, proto, len, info, stream, coalesce(flags, 0)::UINTEGER AS flags, seq, ack, tcpLen, win, analysis, color";

export async function packetPage(
  c: DuckDBConnection,
  offset: number,
  limit: number,
  stream: number | null,
): Promise<{ total: number; offset: number; rows: Record<string, unknown>[] }> {
  if (stream === null) {
    const [n] = await rows(c, "SELECT count(*)::INTEGER AS n FROM packets");
    const list = await rows(c, `SELECT ${PACKET_COLUMNS} FROM packets WHERE i >= $1 AND i < $2 ORDER BY i`, [
      offset,
      offset + limit,
    ]);
    return { total: Number(n?.n ?? 0), offset, rows: list };
  }
  const [n] = await rows(c, "SELECT count(*)::INTEGER AS n FROM packets WHERE stream = $1", [stream]);
  const list = await rows(
    c,
    `SELECT ${PACKET_COLUMNS} FROM packets WHERE stream = $1 AND si >= $2 AND si < $3 ORDER BY si`,
    [stream, offset, offset + limit],
  );
  return { total: Number(n?.n ?? 0), offset, rows: list };
}

/** Row index of a frame in the list (or in one stream's list); null when it is not there. */
export async function packetIndex(c: DuckDBConnection, no: number, stream: number | null): Promise<number | null> {
  const [r] = await rows(c, "SELECT i, si, stream FROM packets WHERE no = $1 LIMIT 1", [no]);
  if (!r) return null;
  if (stream === null) return Number(r.i);
  return Number(r.stream) === stream ? Number(r.si) : null;
}

const CONN_COLUMNS =
  "stream, uid, client, server, state, history, start, duration, packets, bytes, retransmissions, zeroWindowSec, reset, findings, firstFrame, lastFrame";

export const CONN_SORT_KEYS = new Set([
  "stream",
  "uid",
  "client",
  "server",
  "state",
  "history",
  "start",
  "duration",
  "packets",
  "bytes",
  "retransmissions",
  "zeroWindowSec",
  "reset",
  "firstFrame",
  "lastFrame",
]);

function connRow(r: Record<string, unknown>): Record<string, unknown> {
  const f = String(r.findings ?? "");
  return { ...r, findings: f === "" ? [] : f.split(",") };
}

export interface ConnQuery {
  q: string;
  state: string;
  finding: string;
  sort: string;
  desc: boolean;
  offset: number;
  limit: number;
}

export async function connectionPage(
  c: DuckDBConnection,
  query: ConnQuery,
): Promise<{ total: number; rows: Record<string, unknown>[] }> {
  const where: string[] = [];
  const values: DuckDBValue[] = [];
  const param = (v: DuckDBValue): string => {
    values.push(v);
    return `$${values.length}`;
  };
  if (query.q) {
    const p = param(query.q.toLowerCase());
    where.push(`(contains(lower(client), ${p}) OR contains(lower(server), ${p}))`);
  }
  if (query.state) where.push(`state = ${param(query.state)}`);
  if (query.finding) where.push(`list_contains(string_split(findings, ','), ${param(query.finding)})`);
  const w = where.length ? `WHERE ${where.join(" AND ")}` : "";
  // The sort key is one of a fixed set of column names (never text from the request in the SQL).
  const sort = CONN_SORT_KEYS.has(query.sort) ? query.sort : "stream";
  const [n] = await rows(c, `SELECT count(*)::INTEGER AS n FROM connections ${w}`, values);
  const list = await rows(
    c,
    `SELECT ${CONN_COLUMNS} FROM connections ${w} ORDER BY "${sort}" ${query.desc ? "DESC" : "ASC"}, uid LIMIT ${param(query.limit)} OFFSET ${param(query.offset)}`,
    values,
  );
  return { total: Number(n?.n ?? 0), rows: list.map(connRow) };
}

/**
 * The connection row of a stream and its flows record, or null; with `attempts`, every connection
 * of the stream in order: one Wireshark stream can hold several of our (Zeek's) connections, e.g. a
 * client retrying with the same port after each reset.
 */
export async function streamConnection(
  c: DuckDBConnection,
  stream: number,
): Promise<{ connection: Record<string, unknown>; record: unknown; attempts: Record<string, unknown>[] } | null> {
  const all = await rows(
    c,
    `SELECT ${CONN_COLUMNS}, record, (stream = $1) AS own FROM connections
     WHERE stream = $1 OR list_contains(string_split(streams, ','), $2) ORDER BY uid`,
    [stream, String(stream)],
  );
  const first = all.find((r) => r.own === true) ?? all[0];
  if (!first) return null;
  const { record, own: _own, ...conn } = first;
  const attempts = all.map(({ record: _r, own: _o, ...row }) => connRow(row));
  return { connection: connRow(conn), record: JSON.parse(String(record)) as unknown, attempts };
}

/** "198.18.1.20:9100" or "[2001:db8::1]:443" → address and port. */
export function splitEndpoint(s: string): { addr: string; port: number } | null {
  const m = /^\[(.*)\]:(\d+)$/.exec(s) ?? /^([^:]*):(\d+)$/.exec(s);
  return m ? { addr: m[1]!, port: Number(m[2]) } : null;
}

export interface TseqSeriesData {
  t: number[];
  seq: (number | null)[];
  ack: (number | null)[];
  win: (number | null)[];
}

export interface TseqData {
  t0: number;
  series: Record<"a→b" | "b→a", TseqSeriesData>;
  events: { t: number; kind: string; no: number; dir: "a→b" | "b→a" }[];
  decimated: boolean;
}

/** Nanosecond resolution: the float noise of the subtraction left out. */
function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;

/**
 * Time-sequence data of a stream: per direction (a = the client), seq / ack / window against time
 * since the connection's first packet. Above about `px` packets per direction the points are
 * bucketed by time (max seq and ack, min window per bucket); the events (retransmissions, dup ACKs,
 * zero windows, RST, SYN, FIN) are all listed whatever the bucketing.
 */
export async function tseqData(
  c: DuckDBConnection,
  stream: number,
  client: { addr: string; port: number } | null,
  range: { from: number | null; to: number | null },
  px: number,
): Promise<TseqData | null> {
  const [s] = await rows(c, "SELECT min(t) AS lo, max(t) AS hi, count(*)::INTEGER AS n FROM packets WHERE stream = $1", [stream]);
  if (!s || Number(s.n) === 0) return null;
  const t0 = Number(s.lo);
  const lo = t0 + (range.from ?? 0);
  const hi = range.to === null ? Number(s.hi) : t0 + range.to;
  // Numbers are validated finite values written into the SQL; the one string (the address) is bound.
  const num = (x: number): string => {
    if (!Number.isFinite(x)) throw new HttpError(400, "from and to must be numbers");
    return String(x);
  };
  const fromA = client ? `(src = $1 AND sport = ${num(client.port)})` : "true";
  const values: DuckDBValue[] = client ? [client.addr] : [];
  const inRange = `stream = ${num(stream)} AND t >= ${num(lo)} AND t <= ${num(hi)}`;
  const [cnt] = await rows(c, `SELECT count(*)::INTEGER AS n FROM packets WHERE ${inRange}`);
  const decimated = Number(cnt?.n ?? 0) > 2 * px;
  const width = Math.max((hi - lo) / Math.max(1, px), 1e-9);
  const sql = decimated
    ? `SELECT ${fromA} AS a, min(t) AS t, max(seq) AS seq, max(ack) AS ack, min(win) AS win
       FROM packets WHERE ${inRange} GROUP BY a, floor((t - ${num(lo)}) / ${num(width)}) ORDER BY a, t`
    : `SELECT ${fromA} AS a, t, seq, ack, win FROM packets WHERE ${inRange} ORDER BY i`;
  const points = await rows(c, sql, values);
  const empty = (): TseqSeriesData => ({ t: [], seq: [], ack: [], win: [] });
  const series = { "a→b": empty(), "b→a": empty() };
  for (const p of points) {
    const d = series[p.a ? "a→b" : "b→a"];
    d.t.push(round9(Number(p.t) - t0));
    d.seq.push(p.seq === null ? null : Number(p.seq));
    d.ack.push(p.ack === null ? null : Number(p.ack));
    d.win.push(p.win === null ? null : Number(p.win));
  }
  const evRows = await rows(
    c,
    `SELECT ${fromA} AS a, t, no, flags, analysis FROM packets
     WHERE ${inRange} AND ((flags & 7) <> 0 OR analysis <> '') ORDER BY i`,
    values,
  );
  const events: TseqData["events"] = [];
  for (const r of evRows) {
    const dir = r.a ? "a→b" : "b→a";
    const t = round9(Number(r.t) - t0);
    const no = Number(r.no);
    const flags = Number(r.flags);
    const names = String(r.analysis ?? "").split(",");
    const kinds: string[] = [];
    if (names.some((x) => x.endsWith("retransmission"))) kinds.push("retransmission");
    if (names.includes("duplicate_ack")) kinds.push("dup_ack");
    if (names.includes("zero_window")) kinds.push("zero_window");
    if (flags & RST) kinds.push("rst");
    if (flags & SYN) kinds.push("syn");
    if (flags & FIN) kinds.push("fin");
    for (const kind of kinds) events.push({ t, kind, no, dir });
  }
  return { t0, series, events, decimated };
}
