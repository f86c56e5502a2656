/**
 * What the rules look at: the finished connections of a capture (our model, with Wireshark's stream
 * numbers and flags folded in), grouped by Wireshark stream, plus the capture's own counters.
 */
import { listFor } from "../util/collections.js";
import type { Finding } from "../model/finding.js";
import type { ConnectionEvent, ConnectionRecord, Direction, Endpoint } from "../tcp/connection/types.js";
import type { DiagnoseOptions } from "./options.js";

export interface CaptureFacts {
  file: string;
  packets: number;
  tcpPackets: number;
  /** Wireshark analysis: segments not tracked because a flow's unacked list was full. */
  unackedCapHits: number;
  /** Connection model caps (evicted connections, dropped events). */
  connectionsEvicted: number;
  eventsDropped: number;
  /** Whether the capture stopped early (damaged tail). */
  damaged: boolean;
  /** RSTs that arrived with another IP TTL than the rest of their sender's packets. */
  suspiciousResets: readonly {
    frame: number;
    stream: number;
    ttl: number;
    usualTtl: number;
    usualCount: number;
  }[];
}

export interface DiagnoseContext {
  connections: readonly ConnectionRecord[];
  /** Connections by their first Wireshark stream, in uid order. */
  byStream: ReadonlyMap<number, ConnectionRecord[]>;
  capture: CaptureFacts;
  options: DiagnoseOptions;
}

export type Rule = (ctx: DiagnoseContext) => Finding[];

export function buildContext(
  connections: readonly ConnectionRecord[],
  capture: CaptureFacts,
  options: DiagnoseOptions,
): DiagnoseContext {
  const byStream = new Map<number, ConnectionRecord[]>();
  for (const c of connections) {
    const s = streamOf(c);
    const list = listFor(byStream, s);
    list.push(c);
  }
  return { connections, byStream, capture, options };
}

export function streamOf(c: ConnectionRecord): number {
  return c.wsStreams[0] ?? -1;
}

/** "192.0.2.1:80" or "[2001:db8::1]:443", as findings name endpoints. */
export function endpointText(e: Endpoint): string {
  return e.address.includes(":") ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export function side(c: ConnectionRecord, d: Direction): Endpoint {
  return d === "orig" ? c.orig : c.resp;
}

export function other(d: Direction): Direction {
  return d === "orig" ? "resp" : "orig";
}

/** The client and server endpoints as the connection model inferred them. */
export function clientOf(c: ConnectionRecord): Endpoint {
  return side(c, c.client);
}
export function serverOf(c: ConnectionRecord): Endpoint {
  return side(c, other(c.client));
}

export function eventsOf(c: ConnectionRecord, kind: ConnectionEvent["kind"]): ConnectionEvent[] {
  return c.events.filter((e) => e.kind === kind);
}

/** The last event before `frame` matching `pred`, searching the kept events. */
export function lastBefore(
  c: ConnectionRecord,
  frame: number,
  pred: (e: ConnectionEvent) => boolean,
): ConnectionEvent | undefined {
  let found: ConnectionEvent | undefined;
  for (const e of c.events) {
    if (e.frame >= frame) break;
    if (pred(e)) found = e;
  }
  return found;
}

export function firstAfter(
  c: ConnectionRecord,
  frame: number,
  pred: (e: ConnectionEvent) => boolean,
): ConnectionEvent | undefined {
  for (const e of c.events) if (e.frame > frame && pred(e)) return e;
  return undefined;
}

/** Events of one kind across all connections, grouped by the endpoint that sent them (ip:port). */
export function eventsBySender(
  ctx: DiagnoseContext,
  kind: ConnectionEvent["kind"],
): Map<string, { c: ConnectionRecord; e: ConnectionEvent }[]> {
  const groups = new Map<string, { c: ConnectionRecord; e: ConnectionEvent }[]>();
  for (const c of ctx.connections) {
    for (const e of c.events) {
      if (e.kind !== kind) continue;
      const key = endpointText(side(c, e.dir));
      const g = listFor(groups, key);
      g.push({ c, e });
    }
  }
  return groups;
}

/**
 * A responder's odd answers to SYNs (bad SYN-ACKs, challenge ACKs), seen from the first one: the
 * client's side, the SYN it answered, and how many of the answers the client reset.
 */
export function synAnswers(hits: readonly { c: ConnectionRecord; e: ConnectionEvent }[]) {
  const { c, e } = hits[0]!;
  const clientDir: Direction = e.dir === "orig" ? "resp" : "orig";
  const syn = lastBefore(
    c,
    e.frame,
    (x) => (x.kind === "syn" || x.kind === "syn-retransmit") && x.dir === clientDir,
  );
  const resets = hits.filter((h) =>
    firstAfter(h.c, h.e.frame, (x) => x.kind === "rst" && x.dir === clientDir),
  ).length;
  return { c, e, clientDir, syn, resets };
}

/** Unique, ordered as given, capped. */
export function evidence(frames: (number | null | undefined)[], max: number): number[] {
  const out: number[] = [];
  for (const f of frames) {
    if (f === null || f === undefined || f <= 0 || out.includes(f)) continue;
    out.push(f);
    if (out.length >= max) break;
  }
  return out;
}

export function round(x: number, digits = 3): number {
  const m = 10 ** digits;
  return Math.round(x * m) / m;
}

/** A finding with its facts; the words are filled in later by render/finding-text.ts. */
export function finding(f: Omit<Finding, "summary" | "explanation" | "next">): Finding {
  return { ...f, summary: "", explanation: "", next: "" };
}
