/** Turns a finished Conn into the plain-data ConnectionRecord (allocates; once per connection). */
import { FLAG_NAMES } from "../flags.js";
import { keptEventSlots, snapshotRing } from "./evidence.js";
import { type Conn, type Ep, EV_W, PK_W, STATE_NAMES } from "./state.js";
import {
  type CloseInfo,
  type ConnectionEvent,
  type ConnectionEventKind,
  type ConnectionRecord,
  type Direction,
  type DirectionStats,
  EVENT_KINDS,
  type EndReason,
  type PacketBrief,
  type ReuseReason,
  type ZeekConnState,
} from "./types.js";
import { type ZeekEngine, zeekConnState } from "./zeek.js";

const FLAG_LETTERS: readonly [number, string][] = [
  [0x002, "S"],
  [0x001, "F"],
  [0x004, "R"],
  [0x008, "P"],
  [0x010, "A"],
  [0x020, "U"],
  [0x040, "E"],
  [0x080, "C"],
  [0x100, "W"],
];

export function flagLetters(flags: number): string {
  let s = "";
  for (const [bit, ch] of FLAG_LETTERS) if ((flags & bit) !== 0) s += ch;
  return s;
}

export function wsFlagNames(bits: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < FLAG_NAMES.length; i++) if ((bits & (1 << i)) !== 0) out.push(FLAG_NAMES[i]!);
  return out;
}

/** Context the builder needs from the tracker. */
export interface RecordContext {
  engine: ZeekEngine;
  /** Epoch seconds of tracker time 0. */
  baseEpoch: number;
  maxEvents: number;
  likelyServer: ReadonlySet<number>;
}

function r6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function buildRecord(c: Conn, ended: EndReason, ctx: RecordContext): ConnectionRecord {
  const ts = (t: number): number => r6(ctx.baseEpoch + t / 1e9);
  const sec = (ns: number): number => r6(ns / 1e9);
  const origSide = c.orig.side;
  const dir = (side: number): Direction => (side === origSide ? "orig" : "resp");
  const endpoint = (side: number) =>
    side === 0 ? { address: c.addr0, port: c.port0 } : { address: c.addr1, port: c.port1 };

  const origSize = ctx.engine.size(c.orig);
  const respSize = ctx.engine.size(c.resp);
  const connState: ZeekConnState = zeekConnState(c, origSize, respSize);
  const zeekDur = c.lastT - c.startT;

  const stats = (e: Ep): DirectionStats => {
    let zwNs = e.zwNs;
    let longest = e.zwLongestNs;
    const atEnd = e.zwStart >= 0;
    if (atEnd) {
      const open = c.lastPktT - e.zwStart;
      zwNs += open;
      if (open > longest) longest = open;
    }
    return {
      packets: e.packets,
      ipBytes: e.ipBytes,
      payloadBytes: e.payloadBytes,
      dataPackets: e.dataPackets,
      retransmittedPackets: e.rxPackets,
      retransmittedBytes: e.rxBytes,
      wsRetransmissions: e.wsRetrans,
      wsFastRetransmissions: e.wsFast,
      wsSpuriousRetransmissions: e.wsSpurious,
      outOfOrder: e.outOfOrder,
      lostSegments: e.lostSegments,
      ackLostSegments: e.ackLostSegments,
      dupAcks: e.dupAcks,
      zeroWindowAdverts: e.zwAdverts,
      zeroWindowProbes: e.zwProbes,
      keepAlives: e.keepAlives,
      windowFull: e.windowFull,
      zeroWindowPackets: e.zwPackets,
      zeroWindowPeriods: e.zwPeriods,
      zeroWindowSec: sec(zwNs),
      zeroWindowAtEnd: atEnd,
      longestZeroWindowSec: sec(longest),
      synCount: e.syns,
      finCount: e.fins,
      rstCount: e.rsts,
      gapBytes: e.gapBytes,
      badChecksumPackets: e.badChecksums,
      firstDataFrame: e.firstDataFrame || null,
      firstDataTs: e.firstDataFrame ? ts(e.firstDataT) : null,
      lastDataFrame: e.lastDataFrame || null,
      lastDataTs: e.lastDataFrame ? ts(e.lastDataT) : null,
      synOptions: e.synOptSeen
        ? {
            mss: e.optMss >= 0 ? e.optMss : null,
            windowScale: e.optWs >= 0 ? e.optWs : null,
            sackPermitted: e.optSack,
            timestamps: e.optTs,
            fastOpen: e.optTfo,
          }
        : null,
      longestIdle:
        e.idleNs >= 0
          ? {
              sec: sec(e.idleNs),
              afterFrame: e.idleAfterFrame,
              beforeFrame: e.idleBeforeFrame,
              fromTs: ts(e.idleFromT),
            }
          : null,
      zeekState: STATE_NAMES[e.state]!,
    };
  };

  // ---- roles ----
  let client: number;
  let roleConfidence: ConnectionRecord["roleConfidence"];
  let roleBasis: ConnectionRecord["roleBasis"];
  const serverish = (port: number): boolean => ctx.likelyServer.has(port) || port < 1024;
  if (c.clientSide >= 0) {
    client = c.clientSide;
    roleConfidence = "high";
    roleBasis = "syn";
  } else if (c.serverSide >= 0) {
    client = 1 - c.serverSide;
    roleConfidence = "high";
    roleBasis = "synack";
  } else if (serverish(c.port0) !== serverish(c.port1)) {
    client = serverish(c.port0) ? 1 : 0;
    roleConfidence = "medium";
    roleBasis = "ports";
  } else if (c.firstDataSide >= 0) {
    client = c.firstDataSide;
    roleConfidence = "medium";
    roleBasis = "first-data";
  } else {
    client = 0;
    roleConfidence = "low";
    roleBasis = "first-packet";
  }

  // ---- handshake ----
  const clientEp = c.clientSide >= 0 ? c.ep(c.clientSide) : null;
  const serverEp = clientEp ? clientEp.peer : c.serverSide >= 0 ? c.ep(c.serverSide) : null;
  const synAckT = serverEp?.synAckSeen ? serverEp.synAckT : -1;
  const synToSynAck = synAckT >= 0 && c.rttSynT >= 0 ? sec(synAckT - c.rttSynT) : null;
  const synAckToAck = c.hsAckFrame && synAckT >= 0 ? sec(c.hsAckT - synAckT) : null;

  // ---- close ----
  const briefs = (arr: number[] | null): PacketBrief[] => {
    const out: PacketBrief[] = [];
    if (arr === null) return out;
    for (let o = 0; o + PK_W <= arr.length; o += PK_W) {
      out.push({
        frame: arr[o]!,
        ts: ts(arr[o + 1]!),
        dir: dir(arr[o + 2]!),
        flags: flagLetters(arr[o + 3]!),
        seq: arr[o + 4]!,
        ack: arr[o + 5]!,
        len: arr[o + 6]!,
        win: arr[o + 7]!,
      });
    }
    return out;
  };
  const useRst = c.firstRstFrame > 0;
  const useFin = !useRst && c.firstFinFrame > 0;
  const close: CloseInfo = {
    kind: useRst ? "rst" : useFin ? "fin" : "none",
    by: useRst ? dir(c.firstRstSide) : useFin ? dir(c.firstFinSide) : null,
    frame: useRst ? c.firstRstFrame : useFin ? c.firstFinFrame : null,
    ts: useRst ? ts(c.firstRstT) : useFin ? ts(c.firstFinT) : null,
    afterLastDataSec: (useRst || useFin) && c.closeAfterDataNs >= 0 ? sec(c.closeAfterDataNs) : null,
    lastDataBy: (useRst || useFin) && c.closeLastDataSide >= 0 ? dir(c.closeLastDataSide) : null,
    origFinFrame: c.orig.firstFinFrame || null,
    respFinFrame: c.resp.firstFinFrame || null,
    origRstFrame: c.orig.firstRstFrame || null,
    respRstFrame: c.resp.firstRstFrame || null,
    before: useRst || useFin ? briefs(c.closeBefore) : [],
  };

  // ---- events ----
  const events = eventList(c, ctx.maxEvents, ts, dir);
  const eventCounts: Partial<Record<ConnectionEventKind, number>> = {};
  for (let k = 0; k < c.evCounts.length; k++)
    if (c.evCounts[k]! > 0) eventCounts[EVENT_KINDS[k]!] = c.evCounts[k]!;

  const origStats = stats(c.orig);
  const respStats = stats(c.resp);
  const dur = zeekDur > 0 ? sec(zeekDur) : null;
  return {
    uid: c.uid,
    wsStreams: c.streams.slice(),
    wsStreamsMore: c.streamsMore,
    ipVersion: c.ipVersion === 6 ? 6 : 4,
    orig: endpoint(origSide),
    resp: endpoint(1 - origSide),
    flipped: c.history.includes("^"),
    client: dir(client),
    roleConfidence,
    roleBasis,
    connState,
    history: c.history,
    zeek: {
      duration: dur,
      origBytes: dur !== null ? origSize : null,
      respBytes: dur !== null ? respSize : null,
      connState,
      missedBytes: c.missedBytes,
      history: c.history,
      origPkts: c.orig.packets,
      origIpBytes: c.orig.ipBytes,
      respPkts: c.resp.packets,
      respIpBytes: c.resp.ipBytes,
    },
    startTs: ts(c.firstPktT),
    startFrame: c.startFrame,
    endTs: ts(c.lastPktT),
    endFrame: c.lastFrame,
    durationSec: sec(c.lastPktT - c.firstPktT),
    packets: c.packets,
    origStats,
    respStats,
    longestIdle:
      c.idleNs >= 0
        ? {
            sec: sec(c.idleNs),
            afterFrame: c.idleAfterFrame,
            beforeFrame: c.idleBeforeFrame,
            fromTs: ts(c.idleFromT),
          }
        : null,
    handshake: handshakeInfo(c, clientEp, serverEp, synAckT, synToSynAck, synAckToAck, ts),
    close,
    ended,
    previous: c.prevUid
      ? {
          uid: c.prevUid,
          reason: c.prevReason as ReuseReason,
          gapSec: sec(c.prevGapNs),
          connState: c.prevState as ZeekConnState,
          sameIsn: c.prevSameIsn < 0 ? null : c.prevSameIsn === 1,
        }
      : null,
    events,
    eventsDropped: c.evTotal - events.length,
    eventCounts,
    missedBytes: c.missedBytes,
  };
}

// buildRecord's parts below are functions of their own: the optimising compiler then recompiles a
// small function, not all of buildRecord, when a part meets a value it has not seen before (ISNs
// above 2^31, say).

/** The `handshake` part of a record. */
function handshakeInfo(
  c: Conn,
  clientEp: Ep | null,
  serverEp: Ep | null,
  synAckT: number,
  synToSynAck: number | null,
  synAckToAck: number | null,
  ts: (t: number) => number,
): ConnectionRecord["handshake"] {
  const synIntervals: number[] = [];
  for (let i = 1; i < c.synTs.length; i++) synIntervals.push(r6((c.synTs[i]! - c.synTs[i - 1]!) / 1e9));
  return {
    synCount: c.synCount,
    synFrames: c.synFrames.slice(),
    synTs: c.synTs.map(ts),
    synIntervalsSec: synIntervals,
    synIsnChanges: c.isnChanges,
    synAckCount: c.synAckCount,
    synAckFrames: c.synAckFrames.slice(),
    badSynAckCount: c.badSynAcks,
    origIsn: clientEp?.synSeen ? clientEp.synSeq : serverEp?.peer.isnHinted ? serverEp.peer.synSeq : null,
    respIsn: serverEp?.synAckSeen ? serverEp.synAckSeq : null,
    ackFrame: c.hsAckFrame || null,
    synToSynAckSec: synToSynAck,
    synAckToAckSec: synAckToAck,
    irttSec: synToSynAck !== null && synAckToAck !== null ? r6(synToSynAck + synAckToAck) : null,
    complete: c.synCount > 0 && synAckT >= 0 && c.hsAckFrame > 0,
  };
}

/** The kept events of a connection, oldest first. */
function eventList(
  c: Conn,
  maxEvents: number,
  ts: (t: number) => number,
  dir: (side: number) => Direction,
): ConnectionEvent[] {
  const events: ConnectionEvent[] = [];
  const ev = c.events;
  if (ev === null) return events;
  for (const slot of keptEventSlots(c.evTotal, maxEvents)) {
    const o = slot * EV_W;
    const e: ConnectionEvent = {
      kind: EVENT_KINDS[ev[o]!]!,
      frame: ev[o + 1]!,
      ts: ts(ev[o + 2]!),
      dir: dir(ev[o + 3]!),
      flags: flagLetters(ev[o + 4]!),
      seq: ev[o + 5]!,
      ack: ev[o + 6]!,
      len: ev[o + 7]!,
      win: ev[o + 8]!,
    };
    const wsBits = ev[o + 9]!;
    if (wsBits !== 0) e.ws = wsFlagNames(wsBits);
    const v = ev[o + 10]!;
    if (!Number.isNaN(v)) e.value = Number.isInteger(v) ? v : r6(v);
    const aux = ev[o + 11]!;
    if (!Number.isNaN(aux)) e.peerSilentSec = r6(aux);
    events.push(e);
  }
  return events;
}

/** snapshotRing re-exported for the tracker (keeps evidence.ts internal). */
export { snapshotRing };
