/**
 * TcpAnalyzer: Wireshark 4.0.17's per-packet TCP sequence analysis (tshark -2, default
 * preferences), fed one frame at a time in file order.
 *
 *   const a = new TcpAnalyzer();
 *   for each frame: a.analyze(frame, decodedPacket);
 *   a.finish();                 // tshark's second pass: final relative numbers, pass-2 flags
 *   a.stream(n), a.flags(n), a.seq(n), a.ack(n), a.windowSize(n), ...
 *
 * The rules live in rules/*.ts, one per file; this file only orders them as packet-tcp.c does.
 * Results are stored in typed-array columns indexed by frame number (results.ts).
 *
 * Streaming mode (`new TcpAnalyzer({ keepFrameColumns: false })`) keeps no per-frame columns: the
 * results of the frame just analysed are in `lastStream`, `lastDir` and `lastBits` (flags & FrameBits) until
 * the next analyze() call, and memory grows with the conversations that can still be found (one per
 * address/port pair), not with the file. There is no second pass in that mode (finish() and the
 * display accessors are for the column mode), which is all a one-pass consumer such as the connection
 * tracker needs: the flags it reads are the first-pass ones (`computedFlags`).
 */
import type { FrameRecord } from "../model/frame.js";
import { type DecodedPacket, TcpField } from "../model/packet.js";
import { seqSub } from "../util/seq.js";
import { ACK, FIN, PacketContext, SYN, TcpState, thresholds } from "./context.js";
import { BASE, BASE_SEQ_SET, FLOW_STRIDE, SACK_DELIVERED, STATIC, VALID_BIF, WIN_SCALE } from "./flows.js";
import { ALL_FLAGS, analysisPrinted, Flag, FLAGS_SHOWN_WHEN_HIDDEN, FrameBit } from "./flags.js";
import { type AnalysisOptions, resolveOptions } from "./options.js";
import { CHUNK_MASK, FrameColumns, FrameSideTable } from "./results.js";
import { ackChanged } from "./rules/ack-changed.js";
import { ackLostSegment } from "./rules/ack-lost-segment.js";
import { ackSegments } from "./rules/ack-rtt.js";
import { initBaseSeq } from "./rules/base-seq.js";
import { bytesInFlight } from "./rules/bytes-in-flight.js";
import { duplicateAck } from "./rules/duplicate-ack.js";
import { initialRtt } from "./rules/initial-rtt.js";
import { keepAlive } from "./rules/keep-alive.js";
import { keepAliveAck } from "./rules/keep-alive-ack.js";
import { lostSegment } from "./rules/lost-segment.js";
import { synStartsNewConversation } from "./rules/port-reuse.js";
import { classifyRetransmission } from "./rules/retransmission-family.js";
import { hasEmptySackOption, OptionWalk } from "./rules/option-walk.js";
import { rememberSack, rememberSackSum } from "./rules/sack-blocks.js";
import { recordSegment } from "./rules/segment-bookkeeping.js";
import { synAckNewIsn } from "./rules/synack-new-isn.js";
import { tfoSyn, tfoSynAckFlags } from "./rules/tfo.js";
import { windowFull } from "./rules/window-full.js";
import { windowScale } from "./rules/window-scale.js";
import { windowUpdate } from "./rules/window-update.js";
import { zeroWindow } from "./rules/zero-window.js";
import { zeroWindowProbe } from "./rules/zero-window-probe.js";
import { zeroWindowProbeAck } from "./rules/zero-window-probe-ack.js";

/** How the analyzer keeps its results (not analysis tunables: they never change a result). */
export interface AnalyzerStorage {
  /**
   * Keep per-frame result columns for the whole file (default true): needed for the display
   * accessors and finish(). False = streaming mode (see the file comment).
   */
  keepFrameColumns?: boolean;
  /**
   * Streaming mode only: address/port pairs whose latest conversation is kept findable. Beyond this
   * many, the least recently seen pairs are forgotten (a later packet of a forgotten pair starts a
   * new tcp.stream, unlike Wireshark; counted in `conversationsForgotten`). 0 = unlimited.
   * Default 1 000 000 (about 400 MB of state at most).
   */
  maxConversations?: number;
}

export const DEFAULT_MAX_CONVERSATIONS = 1_000_000;

export class TcpAnalyzer {
  readonly options: AnalysisOptions;
  /** Per-frame result columns (frame-number indexed); stays empty in streaming mode. */
  readonly cols = new FrameColumns();
  /** False in streaming mode. */
  readonly keepFrameColumns: boolean;
  /** Results of the last analysed frame (both modes): tcp.stream (−1 none), direction (−1 none). */
  lastStream = -1;
  lastDir = -1;
  /** Flag bits (flags.ts Flag) plus FrameBit bits of the last analysed frame, first pass. */
  lastBits = 0;
  /** Conversation slot of the last analysed frame (−1 none); = lastStream in column mode. */
  lastSlot = -1;
  /**
   * Address/port pair of the last analysed frame's conversation key (−1 none) and its generation:
   * together they name the key for good (ConnectionTracker.observe can skip hashing with them).
   */
  lastTuple = -1;
  lastTupleGen = 0;
  private readonly s: TcpState;
  private readonly c = new PacketContext();
  private readonly walk = new OptionWalk();
  private lastFrame = 0;
  private finished = false;
  /** SYN-ACK frames (the only ones tshark's second pass can change). */
  private readonly synAcks = new FrameSideTable();
  /** Second-pass base changes per flow (rare: SYN-ACKs with a new ISN). */
  private readonly baseEvents = new Map<number, FrameSideTable>();
  /** Frames passed to analyze() that carried a usable TCP header. */
  tcpFrames = 0;
  /**
   * Bytes in flight (and the SACK sums they subtract) are tracked: only for the per-frame columns —
   * no flag depends on them, so the streaming mode skips that work.
   */
  private readonly bif: boolean;

  constructor(options: Partial<AnalysisOptions> & AnalyzerStorage = {}) {
    const { keepFrameColumns, maxConversations, ...analysis } = options;
    this.options = resolveOptions(analysis);
    this.keepFrameColumns = keepFrameColumns !== false;
    const maxConv = maxConversations ?? DEFAULT_MAX_CONVERSATIONS;
    if (!Number.isInteger(maxConv) || maxConv < 0) throw new RangeError("maxConversations must be an integer >= 0");
    this.s = this.keepFrameColumns
      ? new TcpState(thresholds(this.options))
      : new TcpState(thresholds(this.options), true, maxConv);
    this.bif = this.keepFrameColumns && this.s.t.trackBif;
  }

  /** Number of TCP conversations (tcp.stream values 0..n−1). */
  get streamCount(): number {
    return this.s.convs.count;
  }

  /** Streaming mode: address/port pairs forgotten to respect maxConversations. */
  get conversationsForgotten(): number {
    return this.s.convs.tuplesForgotten;
  }

  /** Distinct address/port pairs seen (forgotten ones included). */
  get conversationKeys(): number {
    return this.s.convs.tuplesCreated;
  }

  /** Segments not tracked because a direction already held maxUnackedSegmentsPerFlow. */
  get unackedCapHits(): number {
    return this.s.unackedCapHits;
  }

  /**
   * Analyses one frame. Call for every frame in file order (frame numbers strictly increasing);
   * frames without a TCP header are fine (they get stream −1). `frame.data` is only read during
   * the call.
   */
  analyze(frame: FrameRecord, pkt: DecodedPacket): void {
    const n = frame.number;
    if (!(n > this.lastFrame))
      throw new RangeError(`frame ${n} after frame ${this.lastFrame}: analyze in file order`);
    this.lastFrame = n;
    const cols = this.cols;
    cols.maxFrame = n;
    this.finished = false;
    // Wireshark reaches the conversation lookup once ports, seq, ack, offset, flags and window
    // (16 bytes) were read, whatever is wrong further on.
    if ((pkt.tcpFields & TcpField.HEADER) === 0) {
      this.lastStream = -1;
      this.lastDir = -1;
      this.lastBits = 0;
      this.lastSlot = -1;
      this.lastTuple = -1;
      return;
    }
    const icmp = pkt.inIcmpError;

    // ---- conversation lookup (address key from the IP header that carries this TCP header) ----
    const d = frame.data;
    let ipv = pkt.ipVersion;
    let srcOff = pkt.srcAddrOff;
    let dstOff = pkt.dstAddrOff;
    if (icmp) {
      ipv = d[pkt.ipOff]! >> 4;
      srcOff = pkt.ipOff + (ipv === 6 ? 8 : 12);
      dstOff = srcOff + (ipv === 6 ? 16 : 4);
    }
    const s = this.s;
    const c = this.c;
    const convs = s.convs;
    let conv =
      ipv === 4
        ? convs.lookup4(d, srcOff, dstOff, pkt.srcPort, pkt.dstPort)
        : convs.lookup(d, ipv, srcOff, dstOff, pkt.srcPort, pkt.dstPort);
    if (conv < 0) conv = s.newConversation(frame.tsSec, n);
    else if (convs.maxTuples > 0) convs.touch(n);
    const dir = convs.dir;
    this.tcpFrames++;

    c.reset();
    c.frame = n;
    c.receiverIsn = frame.receiverIsn;
    c.time = (frame.tsSec - s.convT0[conv]!) * 1e9 + frame.tsNsec;
    c.timeIsZero = frame.tsSec === 0 && frame.tsNsec === 0;
    c.seq = pkt.seq >>> 0;
    c.ack = pkt.ack >>> 0;
    c.len = pkt.payloadLen;
    c.tcpFlags = pkt.flags;
    c.window = pkt.windowRaw;
    c.setFlows(conv, dir);
    let st = s.flows.d;

    // (Rules check their whole condition; the tests around the calls only skip calls that cannot fire.)
    const syn = (c.tcpFlags & SYN) !== 0;

    // ---- conversation pre-stage: port reuse ----
    if (syn) {
      if (synStartsNewConversation(c, st)) {
        conv = s.newConversation(frame.tsSec, n);
        c.time = frame.tsNsec;
        st = s.flows.d;
        c.setFlows(conv, dir);
        c.flag(Flag.REUSED_PORTS);
      }
      synAckNewIsn(c, st);
    }
    st[c.fb + SACK_DELIVERED] = 0;

    // Sequence analysis needs tcp.len: not for ICMP quotes, IP fragments or a header longer than
    // the IP payload. (A data offset < 5 still gets analysed, with Wireshark's odd length.)
    const hasSeglen = (pkt.tcpFields & TcpField.LEN) !== 0;
    if (hasSeglen) {
      if ((st[c.fb + STATIC]! & st[c.rb + STATIC]! & BASE_SEQ_SET) === 0) initBaseSeq(c, st);
      this.sequenceAnalysis(st);
    }
    // Wireshark stops dissecting a header with a data offset < 5 before the SYN/ACK bookkeeping.
    let hidden = false;
    const hlen = pkt.tcpHeaderLen;
    if (hlen >= 20) {
      if ((c.tcpFlags & (SYN | ACK)) !== 0) initialRtt(c, st, s);
      // Options: the decoder's values, unless tshark's own walk over them would stop early.
      let wscale = pkt.wscale;
      let hasTfo = pkt.hasTfo;
      let tfoCookieLen = pkt.tfoCookieLen;
      let walked = false;
      const capturedTcp = pkt.frameLen - pkt.tcpOff;
      if (capturedTcp < 20) {
        // The checksum or urgent pointer is cut: tshark stops before the options.
        walked = true;
        hidden = true;
        wscale = -1;
        hasTfo = false;
      } else if (
        hlen > 20 &&
        // (The scan stops at the frame's end: d may be the reader's whole buffer.)
        (pkt.tcpHeaderTruncated || hasEmptySackOption(d, pkt.tcpOff + 20, Math.min(pkt.tcpOff + hlen, pkt.frameLen)))
      ) {
        const revBase = st[c.rb + BASE]!;
        const shownAck = hasSeglen && (c.tcpFlags & ACK) !== 0 ? seqSub(c.ack, revBase) : c.ack;
        const w = this.walk.run(d, pkt.tcpOff, hlen, capturedTcp, shownAck, revBase);
        if (w.throws || pkt.tcpHeaderTruncated) {
          walked = true;
          hidden = w.throws;
          wscale = w.wscale;
          hasTfo = w.hasTfo;
          tfoCookieLen = w.tfoCookieLen;
          if (this.bif) rememberSackSum(c, st, w.sackDelivered);
        }
      }
      if (syn || wscale >= 0) windowScale(c, st, wscale, !hidden);
      if (!walked && pkt.sackCount > 0 && this.bif) rememberSack(c, st, pkt);
      if (syn && hasTfo) tfoSyn(c, s, tfoCookieLen, hasTfo, hasSeglen);
    }

    // ---- store ----
    let bits = c.aflags;
    if (hasSeglen) bits |= FrameBit.HAS_SEGLEN;
    if (c.hasTa) bits |= FrameBit.HAS_TA;
    if (icmp) bits |= FrameBit.IN_ICMP_ERROR;
    if (hlen >= 20) bits |= FrameBit.FULL_HEADER;
    // tshark prints no analysis for a bogus data offset (it stops right after the seq field).
    if (hidden || hlen < 20) bits |= FrameBit.ANALYSIS_HIDDEN;
    this.lastSlot = conv;
    this.lastDir = dir;
    const tuple = convs.tuple;
    this.lastTuple = tuple;
    this.lastTupleGen = convs.tupleGen[tuple]!;
    this.lastBits = bits >>> 0;
    if (!this.keepFrameColumns) {
      this.lastStream = convs.slotStream[conv]!;
      return;
    }
    this.lastStream = conv;
    const ch = cols.chunkFor(n);
    const i = n & CHUNK_MASK;
    ch.flow[i] = c.fwd;
    ch.seq[i] = c.seq;
    ch.ack[i] = c.ack;
    ch.hdr[i] = ((c.tcpFlags & 0xfff) | (c.window << 16)) >>> 0;
    ch.bits[i] = bits >>> 0;
    // (Chunks start zeroed and each frame is stored once: zeros need no write.)
    if (c.acksFrame !== 0) {
      ch.acksFrame[i] = c.acksFrame;
      ch.ackRttNs[i] = c.ackRttNs;
    }
    if (c.bytesInFlight !== 0) ch.bytesInFlight[i] = c.bytesInFlight;
    if ((c.aflags & Flag.DUPLICATE_ACK) !== 0) cols.dupAcks.push(n, c.dupAckNum, c.dupAckFrame);
    if (!Number.isNaN(c.rtoNs)) cols.rtos.push(n, c.rtoNs, c.rtoFrame);
    if ((c.tcpFlags & (SYN | ACK)) === (SYN | ACK)) this.synAcks.push(n, 0, 0);
  }

  /**
   * packet-tcp.c tcp_analyze_sequence_number(), 4.0 order. Each rule checks its whole condition
   * itself; the cheap tests on length, window and flags here only skip calls that cannot fire.
   */
  private sequenceAnalysis(st: Float64Array): void {
    const c = this.c;
    const s = this.s;
    const len = c.len;
    const tcpFlags = c.tcpFlags;
    if ((tcpFlags & ACK) !== 0) st[c.rb + VALID_BIF] = 1;
    if (len !== 1 || !zeroWindowProbe(c, st)) {
      if (c.window === 0) zeroWindow(c);
      lostSegment(c, st);
      if (len <= 1) keepAlive(c, st);
      if (len === 0) {
        windowUpdate(c, st);
        if (!keepAliveAck(c, st) && !zeroWindowProbeAck(c, st)) duplicateAck(c, st);
      } else {
        windowFull(c, st);
      }
    }
    ackChanged(c, st);
    ackLostSegment(c, st);
    if (len !== 0 || (tcpFlags & (SYN | FIN)) !== 0) classifyRetransmission(c, st, s);
    recordSegment(c, st, s);
    ackSegments(c, s.segs);
    if (len !== 0 && this.bif) bytesInFlight(c, st, s.segs);
  }

  /**
   * tshark's second pass: Wireshark prints every frame again in order, and a SYN-ACK whose ISN
   * differs from its direction's base (as the base stands at that point of the second pass —
   * initially the first pass's final value) moves the base again and is flagged reused again.
   * Relative numbers shown for a frame use the base as it stands when the frame is printed; the
   * TFO SYN-ACK flags are decided with that relative ack. Only SYN-ACK frames can change anything,
   * so only they are replayed. Call after the last frame (again after more frames if needed).
   */
  finish(): void {
    if (!this.keepFrameColumns) {
      this.finished = true;
      return;
    }
    const s = this.s;
    const nFlows = s.convs.count * 2;
    const d = s.flows.d;
    const base = new Float64Array(nFlows);
    for (let f = 0; f < nFlows; f++) base[f] = d[f * FLOW_STRIDE + BASE]!;
    this.baseEvents.clear();
    const sa = this.synAcks;
    for (let k = 0; k < sa.count; k++) {
      const n = sa.frames[k]!;
      const ch = this.cols.chunkOf(n)!;
      const i = n & CHUNK_MASK;
      const f = ch.flow[i]!;
      let bits = ch.bits[i]!;
      const seq = ch.seq[i]!;
      if ((d[f * FLOW_STRIDE + STATIC]! & BASE_SEQ_SET) !== 0 && seq !== base[f]) {
        base[f] = seq;
        let ev = this.baseEvents.get(f);
        if (ev === undefined) {
          ev = new FrameSideTable();
          this.baseEvents.set(f, ev);
        }
        ev.push(n, seq, 0);
        bits |= Flag.REUSED_PORTS | FrameBit.HAS_TA | FrameBit.ICMP_RECORD_HELD;
      }
      const ack = ch.ack[i]!;
      const shownAck = (bits & FrameBit.HAS_SEGLEN) !== 0 ? seqSub(ack, base[f ^ 1]!) : ack;
      bits |= tfoSynAckFlags(SYN | ACK, shownAck, s.tfoSynData[f >> 1] === 1);
      ch.bits[i] = bits >>> 0;
    }
    this.finished = true;
  }

  /** Base of flow `f` as tshark's second pass has it when printing `frame`. */
  private displayBase(f: number, frame: number): number {
    const ev = this.baseEvents.size === 0 ? undefined : this.baseEvents.get(f);
    if (ev !== undefined) {
      const k = ev.findAtOrBefore(frame);
      if (k >= 0) return ev.a[k]!;
    }
    return this.s.flows.get(f, BASE);
  }

  private checkFinished(): void {
    if (!this.finished) throw new Error("TcpAnalyzer.finish() must be called before reading display values");
    this.checkColumns();
  }

  private checkColumns(): void {
    if (!this.keepFrameColumns)
      throw new Error("TcpAnalyzer in streaming mode (keepFrameColumns: false) keeps no per-frame results");
  }

  /** Streaming mode: the per-frame accessors answer only for the frame just analysed. */
  private lastOnly(frame: number): boolean {
    if (frame !== this.lastFrame)
      throw new Error(`TcpAnalyzer in streaming mode only knows the last frame (${this.lastFrame}), not ${frame}`);
    return true;
  }

  // ---------------------------------------------------------------- per-frame accessors

  /** tcp.stream, or −1 when the frame has no TCP conversation. */
  stream(frame: number): number {
    if (!this.keepFrameColumns && this.lastOnly(frame)) return this.lastStream;
    const ch = this.cols.chunkOf(frame);
    const f = ch === undefined ? -1 : ch.flow[frame & CHUNK_MASK]!;
    return f < 0 ? -1 : f >> 1;
  }

  /** Direction within the stream: 0 = Wireshark's flow1 (higher address), 1 = flow2; −1 none. */
  direction(frame: number): number {
    if (!this.keepFrameColumns && this.lastOnly(frame)) return this.lastDir;
    const ch = this.cols.chunkOf(frame);
    const f = ch === undefined ? -1 : ch.flow[frame & CHUNK_MASK]!;
    return f < 0 ? -1 : f & 1;
  }

  /** Flag bits (flags.ts Flag) and FrameBit bits of the frame; 0 for frames never stored. */
  bits(frame: number): number {
    if (!this.keepFrameColumns && this.lastOnly(frame)) return this.lastBits;
    const ch = this.cols.chunkOf(frame);
    return ch === undefined ? 0 : ch.bits[frame & CHUNK_MASK]!;
  }

  /**
   * The 18 analysis flags (flags.ts Flag) as tshark prints them; complete after finish(). A frame
   * whose option walk stops early in tshark (FrameBit.ANALYSIS_HIDDEN) shows only its TFO flags;
   * `computedFlags` has what the analysis found regardless.
   */
  flags(frame: number): number {
    this.checkColumns();
    const b = this.bits(frame);
    if ((b & FrameBit.FULL_HEADER) === 0) return 0;
    return analysisPrinted(b) ? b & ALL_FLAGS : b & FLAGS_SHOWN_WHEN_HIDDEN;
  }

  /** The analysis flags found for the frame, even where tshark would not print them. */
  computedFlags(frame: number): number {
    return this.bits(frame) & ALL_FLAGS;
  }

  /** tshark prints the frame's tcp.analysis items (flags.ts analysisPrinted). */
  private analysisShown(frame: number): boolean {
    return analysisPrinted(this.bits(frame));
  }

  /** True when tcp.len (and relative numbers, calculated window) are shown for the frame. */
  hasSegmentLength(frame: number): boolean {
    return (this.bits(frame) & FrameBit.HAS_SEGLEN) !== 0;
  }

  /** tcp.seq as tshark prints it (relative). Requires finish(). */
  seq(frame: number): number {
    this.checkFinished();
    const ch = this.cols.chunkOf(frame);
    if (ch === undefined) return 0;
    const i = frame & CHUNK_MASK;
    const f = ch.flow[i]!;
    if (f < 0 || (ch.bits[i]! & FrameBit.HAS_SEGLEN) === 0) return ch.seq[i]!;
    return seqSub(ch.seq[i]!, this.displayBase(f, frame));
  }

  /** tcp.ack as tshark prints it (relative when the ACK bit is set, else raw). Requires finish(). */
  ack(frame: number): number {
    this.checkFinished();
    const ch = this.cols.chunkOf(frame);
    if (ch === undefined) return 0;
    const i = frame & CHUNK_MASK;
    const f = ch.flow[i]!;
    if (f < 0 || (ch.bits[i]! & FrameBit.HAS_SEGLEN) === 0 || (ch.hdr[i]! & ACK) === 0) return ch.ack[i]!;
    return seqSub(ch.ack[i]!, this.displayBase(f ^ 1, frame));
  }

  rawSeq(frame: number): number {
    this.checkColumns();
    return this.cols.chunkOf(frame)?.seq[frame & CHUNK_MASK] ?? 0;
  }

  rawAck(frame: number): number {
    this.checkColumns();
    return this.cols.chunkOf(frame)?.ack[frame & CHUNK_MASK] ?? 0;
  }

  /** TCP flag bits of the frame (12 bits). */
  tcpFlags(frame: number): number {
    this.checkColumns();
    return (this.cols.chunkOf(frame)?.hdr[frame & CHUNK_MASK] ?? 0) & 0xfff;
  }

  /** Raw 16-bit window field. */
  windowRaw(frame: number): number {
    this.checkColumns();
    return (this.cols.chunkOf(frame)?.hdr[frame & CHUNK_MASK] ?? 0) >>> 16;
  }

  /**
   * tcp.window_size: raw << scale when the direction's scale is known from a handshake (final
   * value, as the second pass prints it); SYNs and unknown/no scaling show the raw value.
   */
  windowSize(frame: number): number {
    this.checkColumns();
    const ch = this.cols.chunkOf(frame);
    if (ch === undefined) return 0;
    const i = frame & CHUNK_MASK;
    const hdr = ch.hdr[i]!;
    const raw = hdr >>> 16;
    const f = ch.flow[i]!;
    if (f < 0 || (ch.bits[i]! & FrameBit.HAS_SEGLEN) === 0 || (hdr & SYN) !== 0) return raw;
    const scale = this.s.flows.get(f, WIN_SCALE);
    return scale >= 0 ? (raw << scale) >>> 0 : raw;
  }

  /** Window scale shift of the frame's direction: 0..14, −1 unknown, −2 no scaling. */
  windowScale(frame: number): number {
    this.checkColumns();
    const ch = this.cols.chunkOf(frame);
    const f = ch === undefined ? -1 : ch.flow[frame & CHUNK_MASK]!;
    return f < 0 ? -1 : this.s.flows.get(f, WIN_SCALE);
  }

  /** tcp.analysis.duplicate_ack_num (0 = none). */
  dupAckNum(frame: number): number {
    this.checkColumns();
    if (!this.analysisShown(frame)) return 0;
    const k = this.cols.dupAcks.find(frame);
    return k < 0 ? 0 : this.cols.dupAcks.a[k]!;
  }

  /** tcp.analysis.duplicate_ack_frame (0 = none). */
  dupAckFrame(frame: number): number {
    this.checkColumns();
    if (!this.analysisShown(frame)) return 0;
    const k = this.cols.dupAcks.find(frame);
    return k < 0 ? 0 : this.cols.dupAcks.b[k]!;
  }

  /** tcp.analysis.acks_frame (0 = none). */
  acksFrame(frame: number): number {
    this.checkColumns();
    if (!this.analysisShown(frame)) return 0;
    return this.cols.chunkOf(frame)?.acksFrame[frame & CHUNK_MASK] ?? 0;
  }

  /** tcp.analysis.ack_rtt in ns (NaN when not shown: no acked frame, or exactly 0). */
  ackRttNs(frame: number): number {
    this.checkColumns();
    const ch = this.cols.chunkOf(frame);
    if (ch === undefined || ch.acksFrame[frame & CHUNK_MASK] === 0 || !this.analysisShown(frame))
      return Number.NaN;
    const v = ch.ackRttNs[frame & CHUNK_MASK]!;
    return v === 0 ? Number.NaN : v;
  }

  /** tcp.analysis.rto in ns for a plain retransmission (NaN when not shown). */
  rtoNs(frame: number): number {
    this.checkColumns();
    const k = this.cols.rtos.find(frame);
    if (k < 0 || !this.analysisShown(frame)) return Number.NaN;
    const v = this.cols.rtos.a[k]!;
    return v === 0 ? Number.NaN : v;
  }

  /** tcp.analysis.rto_frame (0 when no RTO is shown). */
  rtoFrame(frame: number): number {
    this.checkColumns();
    const k = this.cols.rtos.find(frame);
    return k < 0 || this.cols.rtos.a[k] === 0 || !this.analysisShown(frame) ? 0 : this.cols.rtos.b[k]!;
  }

  /** tcp.analysis.initial_rtt in ns as printed on this frame (NaN when absent). */
  initialRttNs(frame: number): number {
    this.checkColumns();
    const ch = this.cols.chunkOf(frame);
    if (ch === undefined) return Number.NaN;
    const i = frame & CHUNK_MASK;
    const f = ch.flow[i]!;
    const b = ch.bits[i]!;
    if (f < 0 || (b & FrameBit.HAS_TA) === 0 || !analysisPrinted(b)) return Number.NaN;
    return this.s.firstRtt[f >> 1]!;
  }

  /** Initial RTT of a stream in ns (NaN when unknown). */
  streamInitialRttNs(stream: number): number {
    this.checkColumns();
    return stream >= 0 && stream < this.s.convs.count ? this.s.firstRtt[stream]! : Number.NaN;
  }

  /** tcp.analysis.bytes_in_flight (0 = not shown). */
  bytesInFlight(frame: number): number {
    this.checkColumns();
    if (!this.analysisShown(frame)) return 0;
    return this.cols.chunkOf(frame)?.bytesInFlight[frame & CHUNK_MASK] ?? 0;
  }
}
