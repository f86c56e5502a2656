/**
 * Zeek's TCP connection state machine, history and content-gap accounting, re-implemented from the
 * semantics of zeek/zeek (src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc, TCP.cc,
 * src/analyzer/protocol/tcp/TCP_Endpoint.cc, TCP_Reassembler.cc, src/Reassem.cc, src/Conn.cc,
 * scripts/base/protocols/conn/main.zeek). The order of steps in `process` is Zeek's
 * TCPSessionAdapter::Process, because history letters, flips and states depend on it.
 *
 * Left out on purpose: weirds (except where they change state), window-recision checks, TCP options
 * events, application analyzers and DPD (reassembly is assumed on, as with Zeek's default
 * dpd_reassemble_first_packets), the partial-close timer (needs a script handler), storm detection.
 */
import { addEvent, type Pkt } from "./evidence.js";
import {
  CLOSED,
  type Conn,
  type Ep,
  ESTABLISHED,
  Ev,
  INACTIVE,
  PARTIAL,
  RESET,
  SYN_ACK_SENT,
  SYN_SENT,
} from "./state.js";
import type { ZeekConnState } from "./types.js";

const FIN = 0x001;
const SYN = 0x002;
const RST = 0x004;
const ACK = 0x010;

const TOO_LARGE_SEQ_DELTA = 1048576;
const TWO32 = 4294967296;
/** Zeek tcp_max_initial_window, tcp_max_above_hole_without_any_acks, tcp_excessive_data_without_further_acks. */
const MAX_INITIAL_WINDOW = 16384;
const MAX_ABOVE_HOLE = 16384;
const EXCESSIVE_DATA = 10 * 1024 * 1024;

// History masks (Session::CheckHistory), responder's shifted left by 16.
const HIST_SYN = 0x1;
const HIST_FIN = 0x2;
const HIST_RST = 0x4;
const HIST_FIN_RST = 0x8;
const HIST_DATA = 0x10;
const HIST_ACK = 0x20;
const HIST_MULTI = 0x40;

const FPS_ORIG = 1;
const FPS_RESP = 2;

/** Settings the engine needs, in tracker nanoseconds. */
export interface EngineSettings {
  attemptNs: number;
  closeNs: number;
  resetNs: number;
  synTimeoutNs: number;
  sessionNs: number;
  reportGapsForPartial: boolean;
  maxEvents: number;
  maxBlocks: number;
}

/** Counters the engine bumps (TrackerStats.caps). */
export interface EngineCounters {
  blocksMerged: number;
  reassemblyGivenUp: number;
}

let underflow = false;

/**
 * Doubles handed between the engine's steps. Sequence positions exceed the small-integer range, and
 * a double passed as a call argument or returned may be boxed (allocated); typed-array slots are not.
 */
const R = new Float64Array(4);
/** Relative sequence of the packet's first byte (Zeek rel_seq), of its ack (rel_ack), of its data. */
const REL = 0;
const REL_ACK = 1;
const REL_DATA = 2;

/**
 * Zeek get_relative_seq of `cur` (the packet's seq, or its ack when `ofAck`) in endpoint `ep`'s
 * sequence space, into R[slot]; sets `underflow`.
 */
function relativeSeq(ep: Ep, p: Pkt, ofAck: boolean, slot: number): void {
  underflow = false;
  const cur = ofAck ? p.ack : p.seq;
  const last = ofAck ? ep.ackSeq : ep.lastSeq;
  let wraps = ofAck ? ep.ackWraps : ep.seqWraps;
  const delta = (cur - last) | 0;
  if (delta < 0) {
    if (wraps !== 0 && cur > last) wraps--;
  } else if (delta > 0) {
    if (cur < last) wraps++;
  }
  if (wraps === 0) {
    const d = (cur - ep.startSeq) | 0;
    if (d < 0) underflow = true;
    R[slot] = d;
  } else {
    R[slot] = wraps * TWO32 + cur - ep.startSeq;
  }
}

export class ZeekEngine {
  constructor(
    readonly s: EngineSettings,
    readonly counters: EngineCounters,
  ) {}

  // ------------------------------------------------------------------ roles and history

  /** Connection::FlipRoles + TCPSessionAdapter::FlipRoles. */
  flipRoles(c: Conn): void {
    const o = c.orig;
    c.orig = c.resp;
    c.resp = o;
    c.orig.isOrig = !c.orig.isOrig;
    c.resp.isOrig = !c.resp.isOrig;
    const f = c.firstPacketSeen;
    c.firstPacketSeen = ((f & FPS_ORIG) !== 0 ? FPS_RESP : 0) | ((f & FPS_RESP) !== 0 ? FPS_ORIG : 0);
    c.isPartial = false;
    c.history += "^";
  }

  /**
   * TCP_Endpoint::CheckHistory: true if the letter's class was already seen for this role. `code` is
   * the originator's (upper-case) letter, `lc` the responder's; both constants, so nothing is allocated.
   */
  private checkHistory(c: Conn, ep: Ep, mask: number, code: string, lc: string): boolean {
    if ((code === "A" || code === "D") && c.history === "H") {
      // Began with a SYN-ACK and now shows productive traffic: Zeek flips and pretends it saw the SYN.
      this.flipRoles(c);
      c.history = "^h";
      c.firstPacketSeen |= FPS_ORIG;
    }
    if (!ep.isOrig) mask <<= 16;
    if ((c.histSeen & mask) === 0) {
      c.histSeen |= mask;
      c.history += ep.isOrig ? code : lc;
      return false;
    }
    return true;
  }

  private addHistory(c: Conn, ep: Ep, code: string, lc: string): void {
    c.history += ep.isOrig ? code : lc;
  }

  /** Session::ScaledHistoryEntry for the four logarithmic letters (C, T, W, G). */
  checksumError(c: Conn, ep: Ep): void {
    if (++ep.chkCnt === ep.chkThresh) {
      this.addHistory(c, ep, "C", "c");
      ep.chkThresh *= 10;
    }
  }

  private didRxmit(c: Conn, ep: Ep): void {
    if (++ep.rxmtCnt === ep.rxmtThresh) {
      this.addHistory(c, ep, "T", "t");
      ep.rxmtThresh *= 10;
    }
  }

  private zeroWindow(c: Conn, ep: Ep): void {
    if (++ep.win0Cnt === ep.win0Thresh) {
      this.addHistory(c, ep, "W", "w");
      ep.win0Thresh *= 10;
    }
  }

  private gapLetter(c: Conn, ep: Ep): void {
    if (++ep.gapCnt === ep.gapThresh) {
      this.addHistory(c, ep, "G", "g");
      ep.gapThresh *= 10;
    }
  }

  private updateHistory(c: Conn, ep: Ep, flags: number, len: number): void {
    const rel = R[REL]!;
    const bits = (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) + (flags & RST ? 1 : 0);
    if (bits > 1) {
      if ((flags & FIN) !== 0 && (flags & RST) !== 0) this.checkHistory(c, ep, HIST_FIN_RST, "I", "i");
      else this.checkHistory(c, ep, HIST_MULTI, "Q", "q");
    } else if (bits === 1) {
      if ((flags & SYN) !== 0) {
        const synAck = (flags & ACK) !== 0;
        const code = synAck ? "H" : "S";
        const lc = synAck ? "h" : "s";
        if (this.checkHistory(c, ep, HIST_SYN, code, lc) && rel !== ep.histLastSyn)
          this.addHistory(c, ep, code, lc);
        ep.histLastSyn = rel;
      }
      if ((flags & FIN) !== 0) {
        if (this.checkHistory(c, ep, HIST_FIN, "F", "f") && rel + len !== ep.histLastFin)
          this.addHistory(c, ep, "F", "f");
        ep.histLastFin = rel + len;
      }
      if ((flags & RST) !== 0) {
        if (this.checkHistory(c, ep, HIST_RST, "R", "r") && rel !== ep.histLastRst)
          this.addHistory(c, ep, "R", "r");
        ep.histLastRst = rel;
      }
    } else if (len > 0) {
      this.checkHistory(c, ep, HIST_DATA, "D", "d");
    } else if ((flags & ACK) !== 0) {
      this.checkHistory(c, ep, HIST_ACK, "A", "a");
    }
  }

  // ------------------------------------------------------------------ endpoint sequence state

  private setState(c: Conn, ep: Ep, s: number): void {
    if (s === ep.state) return;
    if (!isHandshake(s) && isHandshake(ep.state) && isHandshake(ep.peer.state)) c.pastHandshake = true;
    ep.prevState = ep.state;
    ep.state = s;
  }

  private initEndpoint(ep: Ep, p: Pkt): void {
    const flags = p.flags;
    const firstSeq = p.seq;
    let lastSeq = p.seqEnd;
    switch (ep.state) {
      case INACTIVE:
        if ((flags & SYN) !== 0) {
          ep.ackSeq = firstSeq;
          ep.startSeq = firstSeq;
        } else {
          const s = (firstSeq - 1) >>> 0;
          ep.ackSeq = s;
          ep.startSeq = s;
          lastSeq = firstSeq;
        }
        ep.lastSeq = lastSeq;
        break;
      case SYN_SENT:
      case SYN_ACK_SENT:
        if ((flags & SYN) !== 0 && firstSeq !== ep.startSeq) {
          ep.startSeq = firstSeq;
          ep.ackSeq = firstSeq;
          ep.lastSeq = lastSeq;
        }
        break;
      case ESTABLISHED:
      case PARTIAL:
        if ((flags & SYN) !== 0) {
          ep.startSeq = firstSeq;
          ep.ackSeq = firstSeq;
          ep.lastSeq = lastSeq;
        }
        break;
      case RESET:
        if ((flags & SYN) !== 0 && ep.prevState === INACTIVE) {
          ep.startSeq = firstSeq;
          ep.ackSeq = firstSeq;
          ep.lastSeq = lastSeq;
        }
        break;
    }
  }

  private updateLastSeq(c: Conn, ep: Ep, p: Pkt): void {
    const last = p.seqEnd;
    const flags = p.flags;
    const len = p.len;
    const delta = (last - ep.lastSeq) | 0;
    if ((flags & (SYN | RST)) !== 0 && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
      // untrusted
    } else if ((flags & FIN) !== 0 && ep.lastSeq === (ep.startSeq + 1) >>> 0) {
      if (last < ep.lastSeq) ep.seqWraps++;
      ep.lastSeq = last;
    } else if (ep.state === RESET) {
      // don't trust sequence numbers after a reset
    } else if (delta > 0) {
      if (last < ep.lastSeq) ep.seqWraps++;
      ep.lastSeq = last;
    } else if (len > 0) {
      this.rxmit = true;
      this.didRxmit(c, ep);
    }
  }

  /** Set by process(): the packet was a Zeek-style retransmission. */
  rxmit = false;

  // ------------------------------------------------------------------ state machine

  private doClose = false;

  private inactiveState(c: Conn, ep: Ep, peer: Ep, p: Pkt, isOrig: boolean): void {
    const flags = p.flags;
    if ((flags & SYN) !== 0) {
      if (isOrig) {
        this.setState(c, ep, (flags & ACK) !== 0 ? SYN_ACK_SENT : SYN_SENT);
        if (this.s.attemptNs > 0) c.attemptAt = p.t + this.s.attemptNs;
      } else {
        if ((flags & ACK) === 0 && peer.state === SYN_ACK_SENT && p.seq === ep.startSeq) {
          // SYN and SYN-ACK seen in reverse order: flip and establish.
          c.isPartial = false;
          this.flipRoles(c);
          this.setState(c, peer, ESTABLISHED);
          c.firstPacketSeen |= FPS_ORIG;
        }
        if (peer.state === SYN_SENT) this.setState(c, peer, ESTABLISHED);
        this.setState(c, ep, ESTABLISHED);
      }
    }
    if ((flags & FIN) !== 0) {
      this.setState(c, ep, CLOSED);
      this.doClose = true;
    }
    if ((flags & RST) !== 0) {
      this.setState(c, ep, RESET);
      this.doClose = true;
    }
    if (ep.state === INACTIVE) {
      if (!isOrig && p.len === 0 && c.orig.state === SYN_SENT) {
        // An ACK answering a SYN before any SYN-ACK: does not make the responder active.
      } else if ((flags & ACK) !== 0 && peer.state === ESTABLISHED) {
        this.setState(c, ep, ESTABLISHED);
        c.isPartial = false;
        c.firstPacketSeen |= isOrig ? FPS_ORIG : FPS_RESP;
      } else {
        this.setState(c, ep, PARTIAL);
      }
    }
  }

  private synSentState(c: Conn, ep: Ep, flags: number): void {
    if ((flags & FIN) !== 0) {
      this.setState(c, ep, CLOSED);
      this.doClose = true;
    }
    if ((flags & RST) !== 0) {
      this.setState(c, ep, RESET);
      this.doClose = true;
    }
  }

  private establishedState(c: Conn, ep: Ep, peer: Ep, flags: number): void {
    if ((flags & SYN) !== 0 && ep.state === PARTIAL && peer.state === INACTIVE && (flags & ACK) === 0) {
      this.setState(c, ep, SYN_SENT);
    }
    if ((flags & FIN) !== 0 && (flags & RST) === 0) {
      this.setState(c, ep, CLOSED);
      if (peer.state === RESET && peer.prevState === CLOSED) this.setState(c, peer, CLOSED);
      this.doClose = true;
    }
    if ((flags & RST) !== 0) {
      this.setState(c, ep, RESET);
      this.doClose = true;
    }
  }

  private closedState(c: Conn, ep: Ep, p: Pkt): void {
    if ((p.flags & RST) !== 0 && ep.peer.state !== CLOSED) {
      this.setState(c, ep, RESET);
      if (!ep.didClose) this.doClose = true;
      c.resetAt = p.t + this.s.resetNs;
    }
  }

  // ------------------------------------------------------------------ closing

  private connectionClosed(c: Conn, ep: Ep, peer: Ep): void {
    if (this.dataPending(ep)) {
      c.closeDeferred = true;
      return;
    }
    c.closeDeferred = false;
    if (ep.didClose) return;
    ep.didClose = true;
    const complete = ep.state === RESET || peer.didClose || peer.state === INACTIVE;
    if (complete) {
      // CancelTimers(), then the delete timer at LastTime + tcp_close_delay.
      c.attemptAt = Number.POSITIVE_INFINITY;
      c.chainA = Number.POSITIVE_INFINITY;
      c.chainB = Number.POSITIVE_INFINITY;
      c.resetAt = Number.POSITIVE_INFINITY;
      c.deleteAt = c.lastT + this.s.closeNs;
    } else if (ep.prevState !== INACTIVE) {
      c.chainB = c.lastT + this.s.sessionNs;
    }
  }

  private dataPending(ep: Ep): boolean {
    if (ep.rSkip) return false;
    const delivered = ep.startSeq + ep.rLast;
    const last = ep.seqWraps * TWO32 + ep.lastSeq;
    if (last < delivered) return false;
    return delivered !== last - 1 && delivered !== last;
  }

  private checkEof(c: Conn, ep: Ep): void {
    if (!ep.rEof && (ep.finCnt > 0 || ep.state === CLOSED || ep.state === RESET) && !this.dataPending(ep)) {
      ep.rEof = true;
      if (c.closeDeferred) {
        this.connectionClosed(c, ep, ep.peer);
        c.closeDeferred = false;
      }
    }
  }

  // ------------------------------------------------------------------ reassembly bookkeeping (gaps)

  private noDataAcked(ep: Ep): boolean {
    const a = ep.ackWraps * TWO32 + ep.ackSeq;
    return a === ep.startSeq || a === ep.startSeq + 1;
  }

  /** TCP_Endpoint::Size. */
  size(ep: Ep): number {
    if (
      ep.prevState === SYN_SENT &&
      ep.state === RESET &&
      ep.peer.state === INACTIVE &&
      !this.noDataAcked(ep)
    ) {
      return 0;
    }
    const last = ep.seqWraps * TWO32 + ep.lastSeq;
    const ack = ep.ackWraps * TWO32 + ep.ackSeq;
    let size = Math.max(last, ack) - ep.startSeq;
    if (size < 0) size += 2 ** 64; // Zeek's unsigned arithmetic
    if (size !== 0) size--;
    if (ep.finCnt > 0 && size !== 0) size--;
    return size;
  }

  private blockBytes(ep: Ep): number {
    const b = ep.rBlocks;
    let n = 0;
    for (let i = 0; i < ep.rN; i++) n += b![2 * i + 1]! - b![2 * i]!;
    return n;
  }

  /** Delivers blocks now contiguous with rLast. */
  private absorb(ep: Ep): void {
    const b = ep.rBlocks;
    if (b === null) return;
    let k = 0;
    while (k < ep.rN && b[2 * k]! <= ep.rLast) {
      if (b[2 * k + 1]! > ep.rLast) ep.rLast = b[2 * k + 1]!;
      k++;
    }
    if (k > 0) {
      b.copyWithin(0, 2 * k, 2 * ep.rN);
      ep.rN -= k;
    }
  }

  private dataSent(ep: Ep, len: number): void {
    if (ep.rSkip) return;
    let seq = R[REL_DATA]!;
    const ackRel = ep.ackWraps * TWO32 + ep.ackSeq - ep.startSeq;
    let upper = seq + len;
    if (seq < ackRel) {
      if (upper <= ackRel) return;
      seq = ackRel;
    }
    if (upper <= ep.rTrim) return;
    if (seq < ep.rTrim) seq = ep.rTrim;
    if (seq <= ep.rLast) {
      if (upper > ep.rLast) {
        ep.rLast = upper;
        this.absorb(ep);
        if (this.noDataAcked(ep) && this.size(ep) > MAX_INITIAL_WINDOW) ep.rTrim = ep.rLast;
      }
    } else {
      this.insertBlock(ep, seq, upper);
      upper = ep.rN > 0 ? ep.rBlocks![2 * ep.rN - 1]! : ep.rLast;
      if (this.noDataAcked(ep) && upper - ep.rLast > MAX_ABOVE_HOLE) this.giveUp(ep);
    }
    if (!ep.rSkip && ep.rLast - ep.rTrim + (ep.rN > 0 ? this.blockBytes(ep) : 0) > EXCESSIVE_DATA)
      this.giveUp(ep);
  }

  private giveUp(ep: Ep): void {
    ep.rN = 0;
    ep.rSkip = true;
    this.counters.reassemblyGivenUp++;
  }

  private insertBlock(ep: Ep, seq: number, upper: number): void {
    const max = this.s.maxBlocks;
    if (ep.rBlocks === null) ep.rBlocks = new Float64Array(2 * (max + 1));
    const b = ep.rBlocks;
    // Position: first block ending at or after seq.
    let i = 0;
    while (i < ep.rN && b[2 * i + 1]! < seq) i++;
    // Merge with every block that overlaps or touches [seq, upper).
    let j = i;
    while (j < ep.rN && b[2 * j]! <= upper) {
      if (b[2 * j]! < seq) seq = b[2 * j]!;
      if (b[2 * j + 1]! > upper) upper = b[2 * j + 1]!;
      j++;
    }
    const removed = j - i;
    if (removed !== 1) {
      // shift the tail so exactly one slot is at i
      b.copyWithin(2 * (i + 1), 2 * j, 2 * ep.rN);
      ep.rN += 1 - removed;
    }
    b[2 * i] = seq;
    b[2 * i + 1] = upper;
    if (ep.rN > max) {
      // Cap: merge the two blocks with the smallest hole between them (that hole's bytes will not count as missed).
      let best = 0;
      let bestHole = Number.POSITIVE_INFINITY;
      for (let k = 0; k + 1 < ep.rN; k++) {
        const hole = b[2 * (k + 1)]! - b[2 * k + 1]!;
        if (hole < bestHole) {
          bestHole = hole;
          best = k;
        }
      }
      b[2 * best + 1] = b[2 * (best + 1) + 1]!;
      b.copyWithin(2 * (best + 1), 2 * (best + 2), 2 * ep.rN);
      ep.rN--;
      this.counters.blocksMerged++;
    }
  }

  /** TCP_Reassembler::AckReceived for the endpoint whose data is acknowledged (`seq` relative). */
  private ackReceived(c: Conn, ep: Ep, p: Pkt): void {
    let seq = R[REL_ACK]!;
    if (ep.finCnt > 0 && ep.finSeq >= 0 && seq >= ep.finSeq) seq = ep.finSeq - 1;
    if (seq <= ep.rTrim) return;
    if (seq > ep.rLast) this.undelivered(c, ep, seq, p);
    const b = ep.rBlocks;
    if (b !== null) {
      let k = 0;
      while (k < ep.rN && b[2 * k + 1]! <= seq) k++;
      if (k > 0) {
        b.copyWithin(0, 2 * k, 2 * ep.rN);
        ep.rN -= k;
      }
    }
    ep.rTrim = seq;
    this.checkEof(c, ep);
  }

  private undelivered(c: Conn, ep: Ep, upTo: number, p: Pkt): void {
    if (upTo <= 2 && c.isPartial) return;
    if (!ep.rSkip) {
      const b = ep.rBlocks;
      while (b !== null && ep.rN > 0 && b[0]! < upTo) {
        const bs = b[0]!;
        if (bs > ep.rLast) this.gap(c, ep, bs - ep.rLast, p);
        ep.rLast = bs;
        this.absorb(ep);
      }
      if (upTo > ep.rLast) this.gap(c, ep, upTo - ep.rLast, p);
    }
    if (upTo > ep.rLast) ep.rLast = upTo;
  }

  private gap(c: Conn, ep: Ep, len: number, p: Pkt): void {
    const clean = isClean(ep) && isClean(ep.peer);
    if (clean) this.gapLetter(c, ep);
    if (clean || this.s.reportGapsForPartial) c.missedBytes += len;
    ep.gapBytes += len;
    addEvent(c, this.s.maxEvents, p, Ev.GAP, len);
  }

  // ------------------------------------------------------------------ reuse and the packet

  /** TCPSessionAdapter::IsReuse: does this SYN start a new connection on the 4-tuple? */
  isReuse(c: Conn, flags: number, seq: number): boolean {
    if ((flags & SYN) === 0) return false;
    let connOrig = c.orig;
    if ((flags & ACK) !== 0) {
      if (c.orig.state !== INACTIVE) return false;
      connOrig = c.resp;
    }
    if (!c.isClosed()) {
      if (seq === connOrig.startSeq) return false;
      if (
        (flags & ACK) === 0 &&
        connOrig.state === SYN_ACK_SENT &&
        c.resp.state === INACTIVE &&
        seq === c.resp.startSeq
      ) {
        return false;
      }
    }
    return true;
  }

  /**
   * TCPSessionAdapter::Process for packet `p` from side `p.side`. Sets `rxmit`. Returns nothing; the
   * caller reads the connection afterwards.
   */
  process(c: Conn, p: Pkt): void {
    this.rxmit = false;
    this.doClose = false;
    const flags = p.flags;
    const len = p.len;
    const ep = c.ep(p.side);
    const peer = ep.peer;
    const isOrig = ep.isOrig;

    // SetPartialStatus
    if (isOrig) {
      if ((c.firstPacketSeen & FPS_ORIG) === 0) c.isPartial = (flags & SYN) === 0 || (flags & ACK) !== 0;
    } else if ((c.firstPacketSeen & FPS_RESP) === 0 && !c.isPartial) {
      c.isPartial = (flags & SYN) === 0;
    }

    let segLen = len;
    if ((flags & SYN) !== 0) segLen++;
    if ((flags & FIN) !== 0) segLen++;
    if ((flags & RST) !== 0) segLen -= len;
    p.seqEnd = (p.seq + segLen) >>> 0;

    this.initEndpoint(ep, p);
    relativeSeq(ep, p, false, REL);
    const seqUnderflow = underflow;

    this.updateHistory(c, ep, flags, len);
    // update_window: only the zero-window letter matters here (a raw 0 stays 0 when scaled).
    if (p.win === 0 && (flags & RST) === 0 && ep.peer.state !== CLOSED && ep.state !== RESET)
      this.zeroWindow(c, ep);

    if (!c.orig.didClose || !c.resp.didClose) c.lastT = p.t;

    if ((flags & FIN) !== 0) {
      ep.finCnt++;
      ep.finSeq = R[REL]! + segLen;
    }
    if ((flags & RST) !== 0) ep.rstCnt++;

    R[REL_ACK] = 0;
    if ((flags & ACK) !== 0) {
      if (isOrig && !c.seenFirstAck && (ep.state === ESTABLISHED || ep.state === SYN_SENT))
        c.seenFirstAck = true;
      if (peer.state === INACTIVE) {
        R[REL_ACK] = 1;
        const s = (p.ack - 1) >>> 0;
        peer.startSeq = s;
        peer.ackSeq = s;
        peer.lastSeq = s;
      } else {
        relativeSeq(peer, p, true, REL_ACK);
        if (underflow) R[REL_ACK] = 0;
        else if ((flags & RST) === 0) updateAckSeq(peer, p);
      }
    }

    this.updateLastSeq(c, ep, p);

    switch (ep.state) {
      case INACTIVE:
        this.inactiveState(c, ep, peer, p, isOrig);
        break;
      case SYN_SENT:
      case SYN_ACK_SENT:
        this.synSentState(c, ep, flags);
        break;
      case ESTABLISHED:
      case PARTIAL:
        this.establishedState(c, ep, peer, flags);
        break;
      case CLOSED:
        this.closedState(c, ep, p);
        break;
      default:
        break; // RESET: only weirds
    }

    if ((flags & ACK) !== 0) this.ackReceived(c, peer, p);

    if (len > 0 && (flags & RST) === 0 && !seqUnderflow) {
      R[REL_DATA] = (flags & SYN) !== 0 ? R[REL]! + 1 : R[REL]!;
      this.dataSent(ep, len);
    }
    this.checkEof(c, ep);
    if (this.doClose) this.connectionClosed(c, ep, peer);

    // CheckPIA_FirstPacket (with the is_orig the packet came in with)
    c.firstPacketSeen |= isOrig ? FPS_ORIG : FPS_RESP;
  }

  /**
   * When the connection would be removed by one of Zeek's timers, given its state now (valid until
   * its next packet): sets c.deadline and c.deadlineReason (End codes).
   */
  computeDeadline(c: Conn, lingerNs: number, inactivityNs: number, handshakeInactivityNs: number): void {
    let best = c.deleteAt;
    let reason = 0; // End.CLOSED
    if (c.resetAt < best) {
      best = c.resetAt;
      reason = 1; // End.RESET_TIMEOUT
    }
    const o = c.orig.state;
    const r = c.resp.state;
    if ((o === SYN_SENT || o === SYN_ACK_SENT) && r === INACTIVE && c.attemptAt < best) {
      best = c.attemptAt;
      reason = 2; // End.ATTEMPT_TIMEOUT
    }
    const e0 = c.ep0;
    const e1 = c.ep1;
    const lingerCond =
      ((e0.didClose || e1.didClose) &&
        ((e0.didClose && e1.didClose) || o === RESET || r === RESET || o === INACTIVE || r === INACTIVE)) ||
      (o === INACTIVE && r === INACTIVE);
    if (lingerCond) {
      // First tick of each ExpireTimer chain strictly after LastTime + linger.
      const x = c.lastT + lingerNs;
      const period = this.s.sessionNs;
      let t = c.chainA;
      if (t !== Number.POSITIVE_INFINITY && t <= x) t += (Math.floor((x - t) / period) + 1) * period;
      let tb = c.chainB;
      if (tb !== Number.POSITIVE_INFINITY && tb <= x) tb += (Math.floor((x - tb) / period) + 1) * period;
      if (tb < t) t = tb;
      if (t < best) {
        best = t;
        reason = 3; // End.LINGER_TIMEOUT
      }
    }
    const idle = c.lastT + (c.pastHandshake ? inactivityNs : handshakeInactivityNs);
    if (idle < best) {
      best = idle;
      reason = 4; // End.INACTIVITY_TIMEOUT
    }
    c.deadline = best;
    c.deadlineReason = reason;
  }
}

function updateAckSeq(ep: Ep, p: Pkt): void {
  const ack = p.ack;
  const delta = (ack - ep.ackSeq) | 0;
  if (ack === 0 && delta > TOO_LARGE_SEQ_DELTA) return;
  if (delta > 0) {
    if (ack < ep.ackSeq) ep.ackWraps++;
    ep.ackSeq = ack;
  }
}

function isHandshake(s: number): boolean {
  return s === INACTIVE || s === SYN_SENT || s === SYN_ACK_SENT;
}

function isClean(a: Ep): boolean {
  return a.state === ESTABLISHED || (a.state === CLOSED && a.prevState === ESTABLISHED);
}

/** scripts/base/protocols/conn/main.zeek conn_state() for TCP. */
export function zeekConnState(c: Conn, origSize: number, respSize: number): ZeekConnState {
  const os = c.orig.state;
  const rs = c.resp.state;
  const oInactive = os === INACTIVE || os === PARTIAL;
  const rInactive = rs === INACTIVE || rs === PARTIAL;
  if (rs === RESET) {
    if (os === SYN_SENT || os === SYN_ACK_SENT || (os === RESET && origSize === 0 && respSize === 0))
      return "REJ";
    if (oInactive) return "RSTRH";
    return "RSTR";
  }
  if (os === RESET) {
    if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(c.history) ? "RSTOS0" : "OTH";
    return "RSTO";
  }
  if (rs === CLOSED && os === CLOSED) return "SF";
  if (os === CLOSED) return rInactive ? "SH" : "S2";
  if (rs === CLOSED) return oInactive ? "SHR" : "S3";
  if (os === SYN_SENT && rs === INACTIVE) return "S0";
  if (os === ESTABLISHED && rs === ESTABLISHED) return "S1";
  return "OTH";
}
