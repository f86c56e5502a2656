/**
 * ConnectionTracker: our own TCP connection model (Zeek's notion of a connection, not Wireshark's
 * tcp.stream, though it reports the streams it saw). Feed it every decoded TCP packet in file order;
 * it hands out one ConnectionRecord per connection as the connection ends (Zeek-like timers) and the
 * rest at finish().
 *
 *   const tracker = new ConnectionTracker({ idleEventSec: 10 });
 *   tracker.onConnection = (rec) => out.push(rec);
 *   readCapture(path, (frame) => {
 *     decodeFrame(frame.linkType, frame.data, frame.origLen, pkt);
 *     if (pkt.status === DecodeStatus.OK && !pkt.inIcmpError) tracker.observe(frame, pkt, stream, flags);
 *   });
 *   const stats = tracker.finish();
 *
 * Memory grows with the connections open at once (bounded by maxOpenConnections) plus the remembered
 * finished 4-tuples (maxRememberedTuples), never with the file size. observe() allocates nothing in
 * the steady state: lookup hashes the address bytes in place, state lives in per-connection objects,
 * evidence in typed arrays that grow to a fixed cap.
 */
import { formatAddress } from "../../decode/index.js";
import type { FrameRecord } from "../../model/frame.js";
import { DecodeStatus, type DecodedPacket, TcpField } from "../../model/packet.js";
import { Flag } from "../flags.js";
import { addEvent, Pkt, ringPush, snapshotRing } from "./evidence.js";
import { resolveConnectionOptions } from "./options.js";
import { buildRecord, type RecordContext } from "./record.js";
import { Conn, End, END_REASONS, type Ep, Ev, type Keyed, Tomb } from "./state.js";
import { TupleTable } from "./table.js";
import type { ConnectionOptions, ConnectionRecord, EndReason, TrackerStats } from "./types.js";
import { ZeekEngine, zeekConnState } from "./zeek.js";

const FIN = 0x001;
const SYN = 0x002;
const RST = 0x004;
const ACK = 0x010;
const NS = 1e9;

/** Granularity of the LRU order used for eviction. */
const LRU_GRAIN_NS = 1e9;

const WS_RETRANS = Flag.RETRANSMISSION | Flag.FAST_RETRANSMISSION | Flag.SPURIOUS_RETRANSMISSION;

/** True for the packets the tracker follows (others are counted as ignored). */
export function trackerAccepts(pkt: DecodedPacket): boolean {
  const v = pkt.ipVersion;
  return (
    pkt.status === DecodeStatus.OK &&
    !pkt.inIcmpError &&
    (pkt.tcpFields & TcpField.HEADER) !== 0 &&
    (v === 4 || v === 6) &&
    pkt.tcpHeaderLen >= 20
  );
}

/**
 * The tracker's clock: packet times in ns since the first accepted packet, the latest time seen
 * ("now", which never goes back) and the sweep schedule. Every accepted packet of the capture moves
 * it — also those another tracker follows when the connections are sharded (ConnectionTracker.tick).
 */
export class TrackerClock {
  /** Epoch second and ns of time 0 (NaN before the first packet). */
  baseSec = Number.NaN;
  baseNsec = 0;
  /** Latest packet time seen (ns); −∞ before the first packet. */
  now = Number.NEGATIVE_INFINITY;
  /** Packets whose time was before `now`. */
  backwards = 0;
  /** Set by tick(): connections whose timers ran out must be swept before this packet. */
  sweepDue = false;
  private lastT = 0;
  private nextSweep = Number.NEGATIVE_INFINITY;

  constructor(readonly sweepNs: number) {
    // ns values: V8's double layout from the start (state.ts primeLayouts).
    this.baseEpoch = 0.5;
    this.lastT = 0.5;
    this.t = 0.5;
    this.baseEpoch = 0;
    this.lastT = 0;
    this.t = 0;
  }

  /** Time of the last packet ticked (ns since the first one). */
  t = 0;

  /**
   * Times the next accepted packet: sets `t` (ns since the first one), `now` and `sweepDue`.
   * (Nothing is returned: a double crossing a call boundary may be boxed, i.e. allocated.)
   */
  tick(hasTs: boolean, tsSec: number, tsNsec: number): void {
    if (Number.isNaN(this.baseSec)) {
      this.baseSec = hasTs ? tsSec : 0;
      this.baseNsec = hasTs ? tsNsec : 0;
      this.baseEpoch = this.baseSec + this.baseNsec / NS;
    }
    let t: number;
    if (hasTs) t = (tsSec - this.baseSec) * NS + (tsNsec - this.baseNsec);
    else t = this.lastT;
    this.lastT = t;
    if (t < this.now) this.backwards++;
    else this.now = t;
    const now = this.now;
    this.sweepDue = false;
    if (now >= this.nextSweep) {
      this.sweepDue = this.nextSweep !== Number.NEGATIVE_INFINITY;
      this.nextSweep = now + this.sweepNs;
    }
    this.t = t;
  }

  /** Epoch seconds of time 0 (0 before the first packet). */
  baseEpoch = 0;
}

export class ConnectionTracker {
  readonly options: ConnectionOptions;
  /**
   * Receives each connection as it ends. When unset, records are collected in `records` instead
   * (unbounded: set a callback for large captures).
   */
  onConnection?: (c: ConnectionRecord) => void;
  /** Records handed out while onConnection was unset. */
  readonly records: ConnectionRecord[] = [];

  private readonly table = new TupleTable();
  private readonly engine: ZeekEngine;
  private readonly p = new Pkt();
  private readonly likelyServer: ReadonlySet<number>;
  private readonly st: TrackerStats;
  private readonly ctx: RecordContext;
  // options in ns
  private readonly lingerNs: number;
  private readonly inactivityNs: number;
  private readonly hsInactivityNs: number;
  private readonly synTimeoutNs: number;
  private readonly idleNs: number;
  private readonly sweepNs: number;
  private readonly maxEvents: number;
  private readonly verifyChecksums: boolean;

  private nextUid = 1;
  private open = 0;
  private lruHead: Conn | null = null;
  private lruTail: Conn | null = null;
  private readonly tombs: (Tomb | null)[] = [];
  private tombPos = 0;
  private readonly clock: TrackerClock;
  private now = Number.NEGATIVE_INFINITY;
  private finished = false;
  /** FrameRecord.receiverIsn of the packet being observed (text input only). */
  private receiverIsn: number | undefined;
  /** Frame being processed (or that triggered the sweep running now); +∞ at finish. */
  private eventFrame = 0;
  /** Finished 4-tuples remembered so far (Tombs made). */
  tombsMade = 0;
  /**
   * Called when a connection opens (+1) or ends (−1), with the frame it happens at (the frame whose
   * arrival triggered it; +∞ at finish). For merging the open-connection count of several trackers.
   */
  onOpenChange?: (frame: number, delta: number) => void;

  constructor(options: Partial<ConnectionOptions> = {}) {
    const o = resolveConnectionOptions(options);
    this.options = o;
    this.likelyServer = new Set(o.likelyServerPorts);
    this.lingerNs = o.lingerSec * NS;
    this.inactivityNs = o.inactivityTimeoutSec * NS;
    this.hsInactivityNs = o.handshakeInactivityTimeoutSec * NS;
    this.synTimeoutNs = o.synTimeoutSec * NS;
    this.idleNs = o.idleEventSec * NS;
    this.sweepNs = o.sweepIntervalSec * NS;
    this.maxEvents = o.maxEventsPerConnection;
    this.verifyChecksums = o.verifyChecksums;
    this.clock = new TrackerClock(this.sweepNs);
    this.pT = 0.5; // a ns time: V8's double layout from the start (state.ts primeLayouts)
    this.pT = 0;
    this.st = {
      packetsObserved: 0,
      packetsProcessed: 0,
      packetsIgnored: 0,
      truncatedHeaderPackets: 0,
      badChecksumPackets: 0,
      timeWentBackwards: 0,
      connections: 0,
      peakOpenConnections: 0,
      ended: {
        closed: 0,
        "reset-timeout": 0,
        "attempt-timeout": 0,
        "linger-timeout": 0,
        "inactivity-timeout": 0,
        reused: 0,
        evicted: 0,
        "end-of-input": 0,
      },
      caps: {
        openConnectionsEvicted: 0,
        eventsDropped: 0,
        connectionsWithDroppedEvents: 0,
        wsStreamsNotListed: 0,
        handshakeFramesNotListed: 0,
        reassemblyBlocksMerged: 0,
        reassemblyGivenUp: 0,
        rememberedTuplesForgotten: 0,
      },
    };
    const counters = { blocksMerged: 0, reassemblyGivenUp: 0 };
    this.engine = new ZeekEngine(
      {
        attemptNs: o.attemptTimeoutSec * NS,
        closeNs: o.closeDelaySec * NS,
        resetNs: o.resetDelaySec * NS,
        synTimeoutNs: this.synTimeoutNs,
        sessionNs: o.sessionTimerSec * NS,
        reportGapsForPartial: o.reportGapsForPartial,
        maxEvents: o.maxEventsPerConnection,
        maxBlocks: o.maxReassemblyBlocks,
      },
      counters,
    );
    this.ctx = {
      engine: this.engine,
      baseEpoch: 0,
      maxEvents: o.maxEventsPerConnection,
      likelyServer: this.likelyServer,
    };
  }

  /** Connections being followed now. */
  get openConnections(): number {
    return this.open;
  }

  /**
   * Call in file order for every frame whose pkt.status === DecodeStatus.OK and !pkt.inIcmpError
   * (others are counted as ignored). `wsStream`: Wireshark tcp.stream of the packet (−1 unknown);
   * `wsFlags`: its tcp.analysis bits in oracle order (src/tcp/flags.ts Flag; 0 unknown).
   * `tuple`, `tupleGen`, `dir` (optional): the Wireshark analysis's name for the packet's
   * address/port pair and its direction (TcpAnalyzer lastTuple, lastTupleGen, lastDir); with them the
   * packet's connection is found without hashing its addresses again.
   */
  observe(
    frame: FrameRecord,
    pkt: DecodedPacket,
    wsStream: number,
    wsFlags: number,
    tuple = -1,
    tupleGen = 0,
    dir = 0,
  ): void {
    const st = this.st;
    st.packetsObserved++;
    if (this.finished) throw new Error("ConnectionTracker.observe() after finish()");
    if (!trackerAccepts(pkt)) {
      st.packetsIgnored++;
      return;
    }
    this.advance(frame);
    this.receiverIsn = frame.receiverIsn;
    this.hTuple = tuple;
    this.hGen = tupleGen;
    this.hDir = dir;
    this.packet(frame.number, frame.data, pkt, wsStream, wsFlags);
    this.receiverIsn = undefined;
  }

  /**
   * A packet the tracker would take (trackerAccepts) but that another tracker follows: the
   * connections are sharded by flow over several trackers, and each must keep the clock all of them
   * share (time 0, "now", the sweeps, times going back). Call in file order, like observe().
   */
  tick(frame: FrameRecord): void {
    if (this.finished) throw new Error("ConnectionTracker.tick() after finish()");
    this.advance(frame);
  }

  /** The clock step of an accepted packet: its time in pT, now, and the sweep it makes due. */
  private advance(frame: FrameRecord): void {
    const clock = this.clock;
    const back = clock.backwards;
    clock.tick(frame.hasTs, frame.tsSec, frame.tsNsec);
    if (clock.backwards !== back) this.st.timeWentBackwards++;
    if (this.ctx.baseEpoch !== clock.baseEpoch) this.ctx.baseEpoch = clock.baseEpoch;
    this.pT = clock.t;
    this.now = clock.now;
    if (clock.sweepDue) {
      this.eventFrame = frame.number;
      this.sweep(clock.now);
    }
  }

  /** Time of the packet being processed (a field, so that no double crosses a call). */
  private pT = 0;
  /**
   * The caller's name for the packet's address/port pair (TcpAnalyzer lastTuple, lastTupleGen,
   * lastDir; tuple −1: none). Connections found by the hash lookup are cached under it, so the next
   * packet of the pair skips hashing its addresses.
   */
  private hTuple = -1;
  private hGen = 0;
  private hDir = 0;
  private byTuple: (Conn | null)[] = [];
  private byTupleGen = new Int32Array(0);

  /** One accepted packet at time this.pT, with the clock at this.now. */
  private packet(frameNumber: number, d: Uint8Array, pkt: DecodedPacket, wsStream: number, wsFlags: number): void {
    const st = this.st;
    const t = this.pT;
    const now = this.now;
    const v = pkt.ipVersion;
    this.eventFrame = frameNumber;

    // ---- lookup ----
    let c: Conn | null = null;
    let srcIsA: boolean;
    const ht = this.hTuple;
    if (ht >= 0 && ht < this.byTupleGen.length && this.byTupleGen[ht] === this.hGen) c = this.byTuple[ht]!;
    if (
      c !== null &&
      c.deadline > now &&
      ((pkt.flags & SYN) === 0 || !this.engine.isReuse(c, pkt.flags, pkt.seq >>> 0))
    ) {
      // The pair's connection, cached by the caller's tuple: no hashing.
      srcIsA = (this.hDir === 1) !== c.hintFlip;
    } else {
      c = null;
      const table = this.table;
      table.key(d, v, pkt.srcAddrOff, pkt.dstAddrOff, pkt.srcPort, pkt.dstPort);
      let e: Keyed | null = table.find();
      let prev: Conn | null = null;
      if (e !== null && !e.tomb) {
        c = e as Conn;
        if (c.deadline <= now) {
          this.end(c, c.deadlineReason);
          c = null;
          e = table.find();
        } else if ((pkt.flags & SYN) !== 0 && this.engine.isReuse(c, pkt.flags, pkt.seq >>> 0)) {
          prev = c;
          this.end(c, End.REUSED);
          c = null;
          e = table.find();
        }
      }
      if (c === null) c = this.openConn(frameNumber, d, pkt, t, e as Tomb | null, prev);
      srcIsA = table.srcIsA;
      if (ht >= 0) this.cacheByTuple(c, ht, srcIsA);
    }
    if (t - c.touchT >= LRU_GRAIN_NS && this.lruTail !== c) this.touch(c);
    const side = srcIsA === c.side0IsA ? 0 : 1;

    // ---- the packet ----
    const p = this.p;
    p.frame = frameNumber;
    p.t = t;
    p.side = side;
    p.flags = pkt.flags;
    p.seq = pkt.seq >>> 0;
    p.ack = pkt.ack >>> 0;
    p.len = pkt.payloadLen;
    p.win = pkt.windowRaw;
    p.wsFlags = wsFlags;
    p.ipLen = pkt.ipTotalLen;

    if (wsStream >= 0 && wsStream !== c.lastStream) this.noteStream(c, wsStream);

    const ep = c.ep(side);
    if (pkt.tcpHeaderTruncated) {
      // Zeek: truncated_header, the packet is not processed (the connection exists).
      st.truncatedHeaderPackets++;
      this.engine.computeDeadline(c, this.lingerNs, this.inactivityNs, this.hsInactivityNs);
      return;
    }
    if (this.verifyChecksums && !checksumOk(d, pkt)) {
      st.badChecksumPackets++;
      ep.badChecksums++;
      this.engine.checksumError(c, ep);
      addEvent(c, this.maxEvents, p, Ev.BAD_CHECKSUM, Number.NaN);
      this.engine.computeDeadline(c, this.lingerNs, this.inactivityNs, this.hsInactivityNs);
      return;
    }
    st.packetsProcessed++;
    this.engine.process(c, p);
    this.analyse(c, ep, p, pkt);
    ringPush(c, p);
    c.lastPktT = t;
    c.lastFrame = p.frame;
    this.engine.computeDeadline(c, this.lingerNs, this.inactivityNs, this.hsInactivityNs);
  }

  private cacheByTuple(c: Conn, tuple: number, srcIsA: boolean): void {
    if (tuple >= this.byTupleGen.length) {
      let n = Math.max(1024, this.byTupleGen.length * 2);
      while (n <= tuple) n *= 2;
      const g = new Int32Array(n).fill(-1);
      g.set(this.byTupleGen);
      this.byTupleGen = g;
      for (let i = this.byTuple.length; i < n; i++) this.byTuple.push(null);
    }
    this.byTuple[tuple] = c;
    this.byTupleGen[tuple] = this.hGen;
    c.hint = tuple;
    c.hintFlip = srcIsA !== (this.hDir === 1);
  }

  /** Our per-packet bookkeeping after Zeek's state machine ran. */
  private analyse(c: Conn, ep: Ep, p: Pkt, pkt: DecodedPacket): void {
    const maxEv = this.maxEvents;
    const peer = ep.peer;
    const flags = p.flags;
    const t = p.t;
    const side = p.side;
    if (ep.packets > 0) {
      const gap = t - ep.lastPktT;
      if (gap > ep.idleNs) {
        ep.idleNs = gap;
        ep.idleAfterFrame = ep.lastPktFrame;
        ep.idleBeforeFrame = p.frame;
        ep.idleFromT = ep.lastPktT;
      }
    }
    ep.lastPktT = t;
    ep.lastPktFrame = p.frame;
    ep.packets++;
    ep.ipBytes += p.ipLen;
    ep.payloadBytes += p.len;
    c.packets++;

    if (c.packets > 1) {
      const gap = t - c.lastPktT;
      if (gap > c.idleNs) {
        c.idleNs = gap;
        c.idleAfterFrame = c.lastFrame;
        c.idleBeforeFrame = p.frame;
        c.idleFromT = c.lastPktT;
      }
      if (this.idleNs > 0 && gap >= this.idleNs) addEvent(c, maxEv, p, Ev.IDLE, gap / NS);
    }

    // ---- data ----
    if (p.len > 0 && (flags & RST) === 0) {
      ep.dataPackets++;
      if (ep.firstDataFrame === 0) {
        ep.firstDataFrame = p.frame;
        ep.firstDataT = t;
      }
      ep.lastDataFrame = p.frame;
      ep.lastDataT = t;
      c.lastDataT = t;
      c.lastDataSide = side;
      if (c.firstDataSide < 0) c.firstDataSide = side;
    }

    // ---- handshake ----
    const primary = (flags & (SYN | FIN | RST)) !== 0; // the packet gets its own event; ws flags ride on it
    if ((flags & SYN) !== 0) {
      ep.syns++;
      if (!ep.synOptSeen) {
        ep.synOptSeen = true;
        ep.optMss = pkt.mss;
        ep.optWs = pkt.wscale;
        ep.optSack = pkt.sackPermitted;
        ep.optTs = pkt.hasTimestamps;
        ep.optTfo = pkt.hasTfo;
      }
      if ((flags & ACK) === 0) this.syn(c, ep, p);
      else this.synAck(c, ep, peer, p);
    } else if ((flags & ACK) !== 0 && (flags & (FIN | RST)) === 0) {
      if (
        c.hsAckFrame === 0 &&
        side === c.clientSide &&
        peer.synAckSeen &&
        c.rttSynT >= 0 &&
        p.ack === (peer.synAckSeq + 1) >>> 0
      ) {
        c.hsAckFrame = p.frame;
        c.hsAckT = t;
      } else if (p.len === 0 && ep.syns === 0 && peer.synSeen && !peer.synReplied) {
        peer.synReplied = true;
        const expected = (peer.synSeq + 1) >>> 0;
        if (p.ack !== expected) addEvent(c, maxEv, p, Ev.ACK_TO_SYN, (p.ack - expected) | 0);
      }
    }

    // ---- close ----
    if ((flags & FIN) !== 0) {
      ep.fins++;
      if (ep.firstFinFrame === 0) ep.firstFinFrame = p.frame;
      if (c.firstFinFrame === 0) {
        c.firstFinFrame = p.frame;
        c.firstFinT = t;
        c.firstFinSide = side;
        if (c.firstRstFrame === 0) this.snapshotClose(c, t);
      }
      // A FIN sent again (often with the last data) says, like a retransmission event, when the peer
      // last sent anything: a peer gone silent after the close is a dead receiver, not path loss.
      if (this.engine.rxmit || (p.wsFlags & WS_RETRANS) !== 0)
        addEvent(c, maxEv, p, Ev.FIN, peer.lastPktFrame, peer.packets > 0 ? (t - peer.lastPktT) / NS : Number.NaN);
      else addEvent(c, maxEv, p, Ev.FIN, Number.NaN);
    }
    if ((flags & RST) !== 0) {
      ep.rsts++;
      if (peer.synSeen) peer.synReplied = true;
      if (ep.firstRstFrame === 0) ep.firstRstFrame = p.frame;
      if (c.firstRstFrame === 0) {
        c.firstRstFrame = p.frame;
        c.firstRstT = t;
        c.firstRstSide = side;
        this.snapshotClose(c, t);
      }
      addEvent(c, maxEv, p, Ev.RST, Number.NaN);
    }

    // ---- retransmissions and Wireshark flags ----
    const ws = p.wsFlags;
    const rx = this.engine.rxmit;
    if (rx) {
      ep.rxPackets++;
      ep.rxBytes += p.len;
    }
    if (ws !== 0) {
      if ((ws & Flag.RETRANSMISSION) !== 0) ep.wsRetrans++;
      if ((ws & Flag.FAST_RETRANSMISSION) !== 0) ep.wsFast++;
      if ((ws & Flag.SPURIOUS_RETRANSMISSION) !== 0) ep.wsSpurious++;
      if ((ws & Flag.OUT_OF_ORDER) !== 0) ep.outOfOrder++;
      if ((ws & Flag.ZERO_WINDOW) !== 0) ep.zwAdverts++;
      if ((ws & Flag.LOST_SEGMENT) !== 0) {
        ep.lostSegments++;
        addEvent(c, maxEv, p, Ev.LOST_SEGMENT, Number.NaN);
      }
      if ((ws & Flag.ACK_LOST_SEGMENT) !== 0) {
        ep.ackLostSegments++;
        addEvent(c, maxEv, p, Ev.ACK_LOST_SEGMENT, Number.NaN);
      }
      if ((ws & Flag.DUPLICATE_ACK) !== 0) {
        ep.dupAcks++;
        addEvent(c, maxEv, p, Ev.DUP_ACK, Number.NaN);
      }
      if ((ws & Flag.ZERO_WINDOW_PROBE) !== 0) {
        ep.zwProbes++;
        addEvent(c, maxEv, p, Ev.ZERO_WINDOW_PROBE, Number.NaN);
      }
      if ((ws & Flag.ZERO_WINDOW_PROBE_ACK) !== 0)
        addEvent(c, maxEv, p, Ev.ZERO_WINDOW_PROBE_ACK, Number.NaN);
      if ((ws & Flag.KEEP_ALIVE) !== 0) {
        ep.keepAlives++;
        addEvent(c, maxEv, p, Ev.KEEP_ALIVE, Number.NaN);
      }
      if ((ws & Flag.KEEP_ALIVE_ACK) !== 0) addEvent(c, maxEv, p, Ev.KEEP_ALIVE_ACK, Number.NaN);
      if ((ws & Flag.WINDOW_FULL) !== 0) {
        ep.windowFull++;
        addEvent(c, maxEv, p, Ev.WINDOW_FULL, Number.NaN);
      }
      if ((ws & Flag.REUSED_PORTS) !== 0) addEvent(c, maxEv, p, Ev.REUSED_PORTS, Number.NaN);
    }
    if (primary) {
      // SYN / SYN-ACK / FIN / RST events already carry the Wireshark flags.
    } else if ((rx || (ws & WS_RETRANS) !== 0) && (ws & (Flag.KEEP_ALIVE | Flag.ZERO_WINDOW_PROBE)) === 0) {
      // The peer's latest packet tells whether the receiver fell silent before this retransmission.
      addEvent(
        c,
        maxEv,
        p,
        Ev.RETRANSMISSION,
        peer.lastPktFrame,
        peer.packets > 0 ? (t - peer.lastPktT) / NS : Number.NaN,
      );
    } else if ((ws & Flag.OUT_OF_ORDER) !== 0) {
      addEvent(c, maxEv, p, Ev.OUT_OF_ORDER, Number.NaN);
    }

    // ---- zero window periods (this side's advertised window) ----
    if (p.win === 0) ep.zwPackets++;
    if ((flags & RST) === 0) {
      if (p.win === 0) {
        if ((flags & (SYN | FIN)) === 0 && ep.zwStart < 0) {
          ep.zwStart = t;
          ep.zwPeriods++;
          addEvent(c, maxEv, p, Ev.ZERO_WINDOW, Number.NaN);
        }
      } else if (ep.zwStart >= 0) {
        const dur = t - ep.zwStart;
        ep.zwNs += dur;
        if (dur > ep.zwLongestNs) ep.zwLongestNs = dur;
        ep.zwStart = -1;
        addEvent(c, maxEv, p, Ev.WINDOW_OPEN, dur / NS);
      }
    }
  }

  private syn(c: Conn, ep: Ep, p: Pkt): void {
    const o = this.options;
    if (c.clientSide < 0) c.clientSide = p.side;
    let kind: number = Ev.SYN;
    if (p.side === c.clientSide) {
      c.synCount++;
      if (c.synFrames.length < o.maxHandshakeFrames) {
        c.synFrames.push(p.frame);
        c.synTs.push(p.t);
      } else {
        this.st.caps.handshakeFramesNotListed++;
      }
      if (ep.synSeen && p.seq === ep.synSeq) kind = Ev.SYN_RETRANSMIT;
      else if (ep.synSeen) c.isnChanges++;
      if (c.synCount === 1 && c.prevUid !== 0)
        c.prevSameIsn = c.prevSynSeen && p.seq === c.prevSynSeq ? 1 : 0;
    }
    ep.synSeen = true;
    ep.synSeq = p.seq;
    ep.synLen = p.len;
    ep.synT = p.t;
    ep.synReplied = false;
    addEvent(c, o.maxEventsPerConnection, p, kind, Number.NaN);
  }

  private synAck(c: Conn, ep: Ep, peer: Ep, p: Pkt): void {
    const o = this.options;
    if (c.serverSide < 0) c.serverSide = p.side;
    c.synAckCount++;
    if (c.synAckFrames.length < o.maxHandshakeFrames) c.synAckFrames.push(p.frame);
    else this.st.caps.handshakeFramesNotListed++;
    let kind: number = Ev.SYNACK;
    let value = Number.NaN;
    if (peer.synSeen) {
      peer.synReplied = true;
      const expected = (peer.synSeq + 1) >>> 0;
      // With TCP Fast Open the SYN carries data and a SYN-ACK that accepts it acknowledges it as well.
      if (p.ack !== expected && p.ack !== ((expected + peer.synLen) >>> 0)) {
        c.badSynAcks++;
        kind = Ev.BAD_SYNACK;
        value = (p.ack - expected) | 0;
      } else if (ep.synAckSeen && ep.synAckSeq === p.seq) {
        kind = Ev.SYNACK_RETRANSMIT;
      } else {
        ep.synAckSeen = true;
        ep.synAckSeq = p.seq;
        ep.synAckT = p.t;
        c.rttSynT = peer.synT;
      }
    } else if (this.receiverIsn !== undefined && p.ack !== ((this.receiverIsn + 1) >>> 0)) {
      // Text with relative numbers (FrameRecord.receiverIsn): the receiver's ISN is known although
      // its SYN is not in the input, so a SYN-ACK acknowledging anything but ISN + 1 is bad too.
      peer.synSeq = this.receiverIsn;
      peer.isnHinted = true;
      c.badSynAcks++;
      kind = Ev.BAD_SYNACK;
      value = (p.ack - ((this.receiverIsn + 1) >>> 0)) | 0;
    } else if (ep.synAckSeen && ep.synAckSeq === p.seq) {
      kind = Ev.SYNACK_RETRANSMIT;
    } else {
      ep.synAckSeen = true;
      ep.synAckSeq = p.seq;
      ep.synAckT = p.t;
    }
    addEvent(c, o.maxEventsPerConnection, p, kind, value);
  }

  private snapshotClose(c: Conn, t: number): void {
    c.closeBefore = snapshotRing(c);
    c.closeAfterDataNs = c.lastDataT >= 0 ? t - c.lastDataT : -1;
    c.closeLastDataSide = c.lastDataSide;
  }

  private noteStream(c: Conn, s: number): void {
    c.lastStream = s;
    if (c.streams.includes(s)) return;
    if (c.streams.length < this.options.maxStreamsListed) c.streams.push(s);
    else {
      c.streamsMore++;
      this.st.caps.wsStreamsNotListed++;
    }
  }

  // ------------------------------------------------------------------ connection lifecycle

  private openConn(
    frameNumber: number,
    d: Uint8Array,
    pkt: DecodedPacket,
    t: number,
    tomb: Tomb | null,
    prev: Conn | null,
  ): Conn {
    const table = this.table;
    if (this.open >= this.options.maxOpenConnections && this.lruHead !== null) {
      this.st.caps.openConnectionsEvicted++;
      this.end(this.lruHead, End.EVICTED);
      const again = table.find();
      tomb = again?.tomb ? (again as Tomb) : null;
    }
    const c = new Conn(this.nextUid++, this.options.packetsBeforeClose);
    table.storeKey(c);
    c.side0IsA = table.srcIsA;
    c.ipVersion = pkt.ipVersion;
    c.addr0 = formatAddress(d, pkt.srcAddrOff, pkt.ipVersion);
    c.addr1 = formatAddress(d, pkt.dstAddrOff, pkt.ipVersion);
    c.port0 = pkt.srcPort;
    c.port1 = pkt.dstPort;
    c.startT = t;
    c.lastT = t;
    c.firstPktT = t;
    c.lastPktT = t;
    c.startFrame = frameNumber;
    c.lastFrame = frameNumber;
    c.chainA = t + this.synTimeoutNs;
    c.touchT = t;
    if (prev !== null) {
      c.prevUid = prev.uid;
      c.prevReason = prev.isClosed() ? "after-close" : "new-isn";
      c.prevGapNs = t - prev.lastPktT;
      c.prevState = zeekConnState(prev, this.engine.size(prev.orig), this.engine.size(prev.resp));
      if (prev.clientSide >= 0) {
        c.prevSynSeen = true;
        c.prevSynSeq = prev.ep(prev.clientSide).synSeq;
      }
    } else if (tomb !== null) {
      c.prevUid = tomb.uid;
      c.prevReason = tomb.closed ? "after-close" : tomb.evicted ? "after-eviction" : "after-timeout";
      c.prevGapNs = t - tomb.lastT;
      c.prevState = tomb.connState;
      c.prevSynSeen = tomb.synSeen;
      c.prevSynSeq = tomb.synSeq;
    }
    if (tomb !== null) {
      tomb.live = false;
      table.replace(c);
    } else {
      table.insertAtSlot(c);
    }
    // Zeek WantConnection: without a plain SYN, guess the responder from likely server ports.
    const f = pkt.flags;
    if ((f & SYN) === 0 || (f & ACK) !== 0) {
      const ls = this.likelyServer;
      let flip = false;
      if (ls.has(pkt.srcPort))
        flip = ls.has(pkt.dstPort) ? (f & SYN) === 0 && pkt.srcPort < pkt.dstPort : true;
      if (flip) this.engine.flipRoles(c);
    }
    this.open++;
    if (this.open > this.st.peakOpenConnections) this.st.peakOpenConnections = this.open;
    this.st.connections++;
    this.lruAppend(c);
    this.onOpenChange?.(frameNumber, 1);
    return c;
  }

  /** Hands the connection out and leaves a Tomb (or nothing) in the table. */
  private end(c: Conn, reason: number): void {
    if (c.hint >= 0 && this.byTuple[c.hint] === c) this.byTuple[c.hint] = null;
    this.lruRemove(c);
    this.open--;
    this.onOpenChange?.(this.eventFrame, -1);
    const why = END_REASONS[reason]! as EndReason;
    this.st.ended[why]++;
    const rec = buildRecord(c, why, this.ctx);
    if (rec.eventsDropped > 0) {
      this.st.caps.eventsDropped += rec.eventsDropped;
      this.st.caps.connectionsWithDroppedEvents++;
    }
    const max = this.options.maxRememberedTuples;
    const table = this.table;
    if (max > 0 && reason !== End.END_OF_INPUT) {
      const tomb = new Tomb();
      tomb.hash = c.hash;
      tomb.kv = c.kv;
      tomb.kp = c.kp;
      tomb.ka0 = c.ka0;
      tomb.ka1 = c.ka1;
      tomb.ka2 = c.ka2;
      tomb.ka3 = c.ka3;
      tomb.kb0 = c.kb0;
      tomb.kb1 = c.kb1;
      tomb.kb2 = c.kb2;
      tomb.kb3 = c.kb3;
      tomb.uid = c.uid;
      tomb.lastT = c.lastPktT;
      tomb.closed = c.isClosed();
      tomb.evicted = reason === End.EVICTED;
      tomb.connState = rec.connState;
      if (c.clientSide >= 0) {
        tomb.synSeen = true;
        tomb.synSeq = c.ep(c.clientSide).synSeq;
      }
      table.replaceByIdentity(c, tomb);
      this.tombsMade++;
      if (this.tombs.length < max) this.tombs.push(tomb);
      else {
        const old = this.tombs[this.tombPos]!;
        if (old.live) {
          old.live = false;
          table.remove(old);
          this.st.caps.rememberedTuplesForgotten++;
        }
        this.tombs[this.tombPos] = tomb;
        this.tombPos = (this.tombPos + 1) % max;
      }
    } else {
      table.remove(c);
    }
    if (this.onConnection) this.onConnection(rec);
    else this.records.push(rec);
  }

  private sweep(now: number): void {
    let c = this.lruHead;
    while (c !== null) {
      const next = c.lruNext;
      if (c.deadline <= now) this.end(c, c.deadlineReason);
      c = next;
    }
  }

  /**
   * Moves the connection to the recent end of the LRU list, at most once per LRU_GRAIN of capture
   * time (eviction needs only an approximate order; relinking on every packet costs more than it buys).
   */
  private touch(c: Conn): void {
    c.touchT = this.pT;
    this.lruRemove(c);
    this.lruAppend(c);
  }

  private lruAppend(c: Conn): void {
    c.lruPrev = this.lruTail;
    c.lruNext = null;
    if (this.lruTail !== null) this.lruTail.lruNext = c;
    else this.lruHead = c;
    this.lruTail = c;
  }

  private lruRemove(c: Conn): void {
    if (c.lruPrev !== null) c.lruPrev.lruNext = c.lruNext;
    else this.lruHead = c.lruNext;
    if (c.lruNext !== null) c.lruNext.lruPrev = c.lruPrev;
    else this.lruTail = c.lruPrev;
    c.lruPrev = null;
    c.lruNext = null;
  }

  /**
   * End of input: hands out every open connection (in order of first packet) and returns the run's
   * counters. Connections whose timers had run out by the last packet end with that reason.
   */
  finish(): TrackerStats {
    if (!this.finished) {
      const open: Conn[] = [];
      this.eventFrame = Number.POSITIVE_INFINITY;
      for (let c = this.lruHead; c !== null; c = c.lruNext) open.push(c);
      open.sort((a, b) => a.uid - b.uid);
      for (const c of open) this.end(c, c.deadline <= this.now ? c.deadlineReason : End.END_OF_INPUT);
      this.finished = true;
      const caps = this.st.caps;
      caps.reassemblyBlocksMerged = this.engine.counters.blocksMerged;
      caps.reassemblyGivenUp = this.engine.counters.reassemblyGivenUp;
    }
    return structuredClone(this.st);
  }
}

/** TCP checksum over the pseudo-header and segment; true when not all bytes were captured (as Zeek). */
function checksumOk(d: Uint8Array, pkt: DecodedPacket): boolean {
  const tcpLen = pkt.tcpHeaderLen + pkt.payloadLen;
  const end = pkt.tcpOff + tcpLen;
  if (end > pkt.frameLen || pkt.payloadCapturedLen < pkt.payloadLen) return true;
  let sum = 0;
  const n = pkt.ipVersion === 6 ? 16 : 4;
  for (let i = 0; i < n; i += 2) {
    sum += (d[pkt.srcAddrOff + i]! << 8) | d[pkt.srcAddrOff + i + 1]!;
    sum += (d[pkt.dstAddrOff + i]! << 8) | d[pkt.dstAddrOff + i + 1]!;
  }
  sum += 6 + (tcpLen & 0xffff) + (tcpLen >>> 16);
  let i = pkt.tcpOff;
  for (; i + 1 < end; i += 2) sum += (d[i]! << 8) | d[i + 1]!;
  if (i < end) sum += d[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return sum === 0xffff;
}
