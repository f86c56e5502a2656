/**
 * The browser's side of docs/web-api.md: the shapes the server answers with, and small fetch
 * helpers. Report shapes come from src/model as types only (the app talks to the server over HTTP
 * and never runs analysis code).
 */
import type { FileFrames, Finding } from "../model/finding.js";
import type { DiagnosisReport } from "../model/report.js";
import type { ConnectionMapping } from "../compare/correlate/types.js";
import type { AnalysisEntry, AnalysisKind, AnalysisStatus } from "../server/catalog.js";

export type { FileFrames, Finding, DiagnosisReport };

/** One row of GET /api/analyses: the server's catalog entry, with the report's own verdict type. */
export type Summary = Omit<AnalysisEntry, "verdict" | "error"> & { verdict?: DiagnosisReport["verdict"] };
export type { AnalysisKind, AnalysisStatus };

export interface Progress {
  phase: string;
  fraction: number;
}

export interface AnalysisBase extends Summary {
  progress?: Progress;
  error?: string;
}

/** What `compare --json` prints (src/compare/compare.ts), as far as the app reads it. */
export interface Difference {
  kind: string;
  score: number;
  good: Record<string, unknown>;
  bad: Record<string, unknown>;
  frames: FileFrames[];
  summary: string;
  service: string;
  goodStream: number | null;
  badStream: number | null;
}

export interface CompareData {
  good: string;
  bad: string;
  pairs: { service: string; goodStream: number | null; badStream: number | null }[];
  differences: Difference[];
}

/** One connection as both captures show it (the fields the app reads). */
export type CorrelateMapping = Pick<
  ConnectionMapping,
  "streamA" | "streamB" | "clientA" | "serverA" | "clientB" | "serverB" | "packetsA" | "packetsB" | "bothSides" | "onlyA" | "onlyB"
>;

/** What `correlate --json` prints, as far as the app reads it. */
export interface CorrelateData {
  files: { file: string; packets: number; durationSec: number | null }[];
  verdict: DiagnosisReport["verdict"];
  headline: string;
  clockOffsetSec: number | null;
  clockOffset?: { method: string; samples: number; note?: string };
  box?: { addresses: string[]; nat: boolean } | null;
  mapping: CorrelateMapping[];
  findings: Finding[];
  /** The findings (by index) that have a side-by-side ladder. */
  details?: { finding: number }[];
}

export type Analysis =
  | (AnalysisBase & { kind: "capture" } & Partial<DiagnosisReport>)
  | (AnalysisBase & { kind: "compare" } & Partial<CompareData>)
  | (AnalysisBase & { kind: "correlate" } & Partial<CorrelateData>);

export interface ConnRow {
  stream: number;
  uid: number;
  client: string;
  server: string;
  state: string;
  history: string;
  start: number;
  duration: number;
  packets: number;
  bytes: number;
  retransmissions: number;
  zeroWindowSec: number;
  reset: boolean | string | null;
  findings: string[];
  firstFrame: number;
  lastFrame: number;
}

export interface PacketRow {
  no: number;
  t: number;
  src: string;
  dst: string;
  proto: string;
  len: number;
  info: string;
  stream: number;
  /** TCP flag bits (0 for a frame that is not TCP). */
  flags: number;
  /** null for a frame that is not TCP. */
  seq: number | null;
  ack: number | null;
  tcpLen: number | null;
  win: number | null;
  analysis: string;
  color: "bad" | "syn" | "tcp" | "other" | string;
}

export interface PacketPage {
  total: number;
  offset: number;
  rows: PacketRow[];
}

export interface TseqSeries {
  t: number[];
  seq: number[];
  ack: number[];
  win: number[];
}

export interface TseqEvent {
  t: number;
  kind: "retransmission" | "dup_ack" | "zero_window" | "rst" | "syn" | "fin" | string;
  no: number;
  dir: string;
}

export interface TseqData {
  t0: number;
  series: Record<string, TseqSeries>;
  events: TseqEvent[];
}

export interface StreamInfo {
  connection: ConnRow;
  record?: unknown;
  /** Every connection of the stream in order (several when a client retries with the same port). */
  attempts?: ConnRow[];
  findings: Finding[];
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: string };
    if (body.error) message = body.error;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(message, res.status);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { accept: "application/json" } });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export async function deleteAnalysis(id: string): Promise<void> {
  const res = await fetch(`/api/analyses/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!res.ok && res.status !== 404) throw await errorOf(res);
}

export function analysisUrl(id: string, rest = ""): string {
  return `/api/analyses/${encodeURIComponent(id)}${rest}`;
}

/** Query string from the defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/**
 * Uploads one capture as the raw request body. XHR rather than fetch because only XHR reports upload
 * progress; the file streams from disk, it is never read into memory here.
 */
export function uploadCapture(file: File, onProgress: (fraction: number) => void): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/captures${query({ name: file.name })}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { id?: string; error?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // handled below
      }
      if (xhr.status >= 200 && xhr.status < 300 && body.id) resolve({ id: body.id });
      else reject(new ApiError(body.error ?? `upload failed (${xhr.status})`, xhr.status));
    };
    xhr.onerror = () =>
      reject(new ApiError("the upload was interrupted (is tcpsleuth serve still running?)", 0));
    xhr.send(file);
  });
}
