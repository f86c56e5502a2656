/**
 * Connection listings (`tcpsleuth flows`): ConnectionRecords as a terminal table, as JSON and as CSV.
 * Pure functions from records to text; nothing here reads captures or changes the records.
 */
import pc from "picocolors";
import type { ConnectionRecord, Endpoint } from "../tcp/connection/types.js";

// ------------------------------------------------------------------ shared formatting

/** "192.0.2.1:80", "[2001:db8::1]:443". */
export function formatEndpoint(e: Endpoint): string {
  return e.address.includes(":") ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/** 999, 1.2k, 34.5M, 1.2G (powers of 1000, as packet tools show byte counts). */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  const units = ["k", "M", "G", "T"];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)}${units[i]}`;
}

/** "0", "850µs", "12.3ms", "4.56s", "3m12s", "2h05m". */
export function formatDuration(sec: number): string {
  if (sec === 0) return "0";
  if (sec < 0.001) return `${Math.round(sec * 1e6)}µs`;
  if (sec < 1) return `${(sec * 1000).toFixed(sec < 0.01 ? 2 : 1)}ms`;
  if (sec < 60) return `${sec.toFixed(sec < 10 ? 3 : 2)}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(Math.floor(sec % 60)).padStart(2, "0")}s`;
  return `${Math.floor(sec / 3600)}h${String(Math.floor((sec % 3600) / 60)).padStart(2, "0")}m`;
}

/** How the connection ended, in a few words: "RST by resp", "FIN both", "no reply", "open at end", ... */
export function closeSummary(r: ConnectionRecord): string {
  const c = r.close;
  const bothFin = c.origFinFrame !== null && c.respFinFrame !== null;
  if (c.kind === "rst") {
    const finsFirst = bothFin && c.frame !== null && c.origFinFrame! < c.frame && c.respFinFrame! < c.frame;
    return finsFirst ? `FIN both, then RST by ${c.by}` : `RST by ${c.by}`;
  }
  if (c.kind === "fin") {
    if (bothFin) return "FIN both";
    return `FIN by ${c.by} only`;
  }
  switch (r.ended) {
    case "attempt-timeout":
      return "no reply";
    case "inactivity-timeout":
      return "idle timeout";
    case "linger-timeout":
      return "went quiet";
    case "reused":
      return "replaced";
    case "evicted":
      return "evicted";
    case "end-of-input":
      return "open at end";
    default:
      return r.ended;
  }
}

function streams(r: ConnectionRecord): string {
  if (r.wsStreams.length === 0) return "-";
  return r.wsStreams.join(",") + (r.wsStreamsMore > 0 ? `,+${r.wsStreamsMore}` : "");
}

// ------------------------------------------------------------------ table

export interface FlowsTableOptions {
  /** ANSI colours (default false). */
  color?: boolean;
}

const BAD_STATES = new Set(["REJ", "RSTO", "RSTR", "RSTOS0", "RSTRH", "S0", "SH", "SHR"]);

/**
 * One row per connection: uid, Wireshark stream, orig → resp, Zeek state and history, duration,
 * packets/bytes each way, retransmitted packets each way, zero-window time, how it closed.
 */
export function renderFlowsTable(
  records: readonly ConnectionRecord[],
  options: FlowsTableOptions = {},
): string {
  const c = pc.createColors(options.color ?? false);
  const head = [
    "uid",
    "stream",
    "orig → resp",
    "state",
    "history",
    "duration",
    "→ pkts/bytes",
    "← pkts/bytes",
    "rexmit →/←",
    "zero win",
    "close",
  ];
  const right = new Set([0, 1, 5, 6, 7, 8, 9]);
  const rows: string[][] = records.map((r) => {
    const zw = Math.max(r.origStats.zeroWindowSec, r.respStats.zeroWindowSec);
    return [
      String(r.uid),
      streams(r),
      `${formatEndpoint(r.orig)} → ${formatEndpoint(r.resp)}`,
      r.connState,
      r.history || "-",
      formatDuration(r.durationSec),
      `${r.origStats.packets}/${formatCount(r.origStats.payloadBytes)}`,
      `${r.respStats.packets}/${formatCount(r.respStats.payloadBytes)}`,
      `${r.origStats.retransmittedPackets}/${r.respStats.retransmittedPackets}`,
      zw > 0 ? formatDuration(zw) : "-",
      closeSummary(r),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const pad = (s: string, i: number): string =>
    right.has(i) ? s.padStart(widths[i]!) : s.padEnd(widths[i]!);
  const lines: string[] = [];
  lines.push(c.bold(head.map(pad).join("  ").trimEnd()));
  records.forEach((r, k) => {
    const row = rows[k]!;
    const cells = row.map((s, i) => {
      const p = pad(s, i);
      if (i === 3 && BAD_STATES.has(r.connState)) return c.red(p);
      if (i === 8 && (r.origStats.retransmittedPackets > 0 || r.respStats.retransmittedPackets > 0))
        return c.yellow(p);
      if (i === 9 && s !== "-") return c.yellow(p);
      if (i === 10 && r.close.kind === "rst") return c.red(p);
      return p;
    });
    lines.push(cells.join("  ").trimEnd());
  });
  const n = records.length;
  lines.push(c.dim(`${n} connection${n === 1 ? "" : "s"}`));
  return `${lines.join("\n")}\n`;
}

// ------------------------------------------------------------------ JSON

/** `{"version":1,"connections":[...]}`, one connection per line (valid JSON, easy to grep). */
export function renderFlowsJson(records: readonly ConnectionRecord[]): string {
  return [...renderFlowsJsonParts(records)].join("");
}

/**
 * renderFlowsJson in pieces (one per connection), for writing a large listing without holding all of
 * it as one string: the pieces joined are exactly renderFlowsJson's text.
 */
export function renderFlowsJsonParts(records: readonly ConnectionRecord[]): Generator<string> {
  return flowsJsonParts(records.length, (i) => JSON.stringify(records[i]), (s) => s);
}

/**
 * The same from connections already as JSON text in UTF-8 (JSON.stringify of each record, in uid
 * order), as the analysis hands them out (api connectionsJson): the listing's bytes in blocks of
 * about `blockBytes` (a piece larger than that is a block of its own, not copied).
 */
export function* flowsJsonBlocks(pieces: readonly Uint8Array[], blockBytes = 4 << 20): Generator<Uint8Array> {
  const enc = new TextEncoder();
  let block = new Uint8Array(blockBytes);
  let at = 0;
  for (const b of flowsJsonParts(pieces.length, (i) => pieces[i]!, (s) => enc.encode(s))) {
    if (at + b.length > block.length) {
      if (at > 0) yield block.subarray(0, at);
      // (That block was handed out: the next one is new memory.)
      block = new Uint8Array(blockBytes);
      at = 0;
      if (b.length > block.length) {
        yield b;
        continue;
      }
    }
    block.set(b, at);
    at += b.length;
  }
  if (at > 0) yield block.subarray(0, at);
}

/** The listing's frame around the connections' texts (`literal` makes the frame's own pieces). */
function* flowsJsonParts<T>(n: number, text: (i: number) => T, literal: (s: string) => T): Generator<T> {
  if (n === 0) {
    yield literal('{"version":1,"connections":[]}\n');
    return;
  }
  yield literal('{"version":1,"connections":[\n');
  const separator = literal(",\n");
  for (let i = 0; i < n; i++) {
    // (Separate pieces: joining them once copies each text once.)
    if (i > 0) yield separator;
    yield text(i);
  }
  yield literal("\n]}\n");
}

// ------------------------------------------------------------------ CSV

export const FLOWS_CSV_COLUMNS = [
  "uid",
  "ws_streams",
  "ip_version",
  "orig_addr",
  "orig_port",
  "resp_addr",
  "resp_port",
  "client",
  "role_confidence",
  "conn_state",
  "history",
  "start_ts",
  "duration_s",
  "orig_pkts",
  "orig_ip_bytes",
  "orig_payload_bytes",
  "resp_pkts",
  "resp_ip_bytes",
  "resp_payload_bytes",
  "orig_rexmit_pkts",
  "orig_rexmit_bytes",
  "resp_rexmit_pkts",
  "resp_rexmit_bytes",
  "orig_zero_window_s",
  "resp_zero_window_s",
  "missed_bytes",
  "close",
  "close_by",
  "close_frame",
  "ended",
  "previous_uid",
  "previous_reason",
  "events_dropped",
] as const;

function csvCell(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header row (FLOWS_CSV_COLUMNS), CRLF-free (LF line ends). */
export function renderFlowsCsv(records: readonly ConnectionRecord[]): string {
  const lines = [FLOWS_CSV_COLUMNS.join(",")];
  for (const r of records) {
    const o = r.origStats;
    const p = r.respStats;
    const row: (string | number | null)[] = [
      r.uid,
      r.wsStreams.join(" "),
      r.ipVersion,
      r.orig.address,
      r.orig.port,
      r.resp.address,
      r.resp.port,
      r.client,
      r.roleConfidence,
      r.connState,
      r.history,
      r.startTs,
      r.durationSec,
      o.packets,
      o.ipBytes,
      o.payloadBytes,
      p.packets,
      p.ipBytes,
      p.payloadBytes,
      o.retransmittedPackets,
      o.retransmittedBytes,
      p.retransmittedPackets,
      p.retransmittedBytes,
      o.zeroWindowSec,
      p.zeroWindowSec,
      r.missedBytes,
      r.close.kind,
      r.close.by,
      r.close.frame,
      r.ended,
      r.previous?.uid ?? null,
      r.previous?.reason ?? null,
      r.eventsDropped,
    ];
    lines.push(row.map(csvCell).join(","));
  }
  return `${lines.join("\n")}\n`;
}
