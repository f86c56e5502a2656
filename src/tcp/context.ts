/**
 * The state the rules read and write: one reusable PacketContext describing the packet being
 * analysed, and the TcpState tables (flows, unacked segments, conversations). Rules are plain
 * functions over these two; nothing here allocates per packet.
 */
import { TcpFlag } from "../model/packet.js";
import { ConversationTable } from "./conversations.js";
import { FLOW_STRIDE, FlowTable, grow } from "./flows.js";
import { NS_PER_MS } from "./time.js";
import type { AnalysisOptions } from "./options.js";
import { SegmentStore } from "./segments.js";

export const SYN = TcpFlag.SYN;
export const ACK = TcpFlag.ACK;
export const FIN = TcpFlag.FIN;
export const RST = TcpFlag.RST;
export const PSH = TcpFlag.PSH;
export const SYN_FIN_RST = SYN | FIN | RST;

export class PacketContext {
  frame = 0;
  /** Frame time, ns since the first second of the frame's conversation (see TcpState.convT0). */
  time = 0;
  /** The frame's absolute time is exactly the epoch (Wireshark then treats it as "no time"). */
  timeIsZero = false;
  seq = 0;
  ack = 0;
  len = 0;
  /** TCP flag bits (TcpFlag). */
  tcpFlags = 0;
  /** Raw 16-bit window. */
  window = 0;
  conv = 0;
  /** Flow of the sender (fwd) and of the receiver (rev). */
  fwd = 0;
  rev = 0;
  /** Offsets of the fwd and rev flow records in FlowTable.d (flow * FLOW_STRIDE). */
  fb = 0;
  rb = 0;
  /** Analysis flags found so far for this packet (flags.ts Flag). */
  aflags = 0;
  /** Wireshark created its per-packet analysis record (decides whether iRTT etc. are printed). */
  hasTa = false;
  dupAckNum = 0;
  dupAckFrame = 0;
  /** Retransmission timeout measured for a plain retransmission (NaN = none). */
  rtoNs = Number.NaN;
  rtoFrame = 0;
  acksFrame = 0;
  ackRttNs = Number.NaN;
  bytesInFlight = 0;
  /** FrameRecord.receiverIsn (text input only): the receiver's base when it is not known yet. */
  receiverIsn: number | undefined = undefined;

  constructor() {
    // These hold uint32 / ns values: give them V8's double layout now, not mid-run (connection/state.ts).
    this.time = 0.5;
    this.seq = 0.5;
    this.ack = 0.5;
    this.acksFrame = 0.5;
    this.dupAckNum = 0.5;
    this.dupAckFrame = 0.5;
    this.rtoFrame = 0.5;
    this.time = 0;
    this.seq = 0;
    this.ack = 0;
    this.acksFrame = 0;
    this.dupAckNum = 0;
    this.dupAckFrame = 0;
    this.rtoFrame = 0;
  }

  reset(): void {
    this.aflags = 0;
    this.hasTa = false;
    this.dupAckNum = 0;
    this.dupAckFrame = 0;
    this.rtoNs = Number.NaN;
    this.rtoFrame = 0;
    this.acksFrame = 0;
    this.ackRttNs = Number.NaN;
    this.bytesInFlight = 0;
  }

  /** Selects the sender's flow (conversation * 2 + direction) and its peer. */
  setFlows(conv: number, dir: number): void {
    this.conv = conv;
    this.fwd = conv * 2 + dir;
    this.rev = this.fwd ^ 1;
    this.fb = this.fwd * FLOW_STRIDE;
    this.rb = this.rev * FLOW_STRIDE;
  }

  /** Sets analysis flags on this packet (creating its analysis record, as Wireshark does). */
  flag(bits: number): void {
    this.aflags |= bits;
    this.hasTa = true;
  }
}

/** Options turned into the units the rules use. */
export interface Thresholds {
  fastRetransmitWindowNs: number;
  outOfOrderDefaultNs: number;
  maxUnacked: number;
  fastFirst: boolean;
  trackBif: boolean;
}

export function thresholds(o: AnalysisOptions): Thresholds {
  return {
    fastRetransmitWindowNs: o.fastRetransmitWindowMs * NS_PER_MS,
    outOfOrderDefaultNs: o.outOfOrderDefaultMs * NS_PER_MS,
    maxUnacked: o.maxUnackedSegmentsPerFlow,
    fastFirst: o.fastRetransmitSupersedesOutOfOrder,
    trackBif: o.trackBytesInFlight,
  };
}

export class TcpState {
  readonly flows = new FlowTable();
  readonly segs = new SegmentStore();
  readonly convs: ConversationTable;
  /** Per conversation slot: time of the most recent SYN without ACK (NaN = none). */
  mruSyn = new Float64Array(0);
  /** Per conversation slot: initial RTT in ns (NaN = unknown). */
  firstRtt = new Float64Array(0);
  /**
   * Per conversation slot: whole seconds of its first frame. Times inside a conversation are ns since
   * then, so they stay exact as long as the conversation (not the capture) spans < 104 days.
   */
  convT0 = new Float64Array(0);
  /** Per conversation slot: a SYN carried a TFO cookie and data. */
  tfoSynData = new Uint8Array(0);
  private convCap = 0;
  /** Segments not tracked because a flow already held the maximum (Wireshark's 10 000). */
  unackedCapHits = 0;
  /** Clears the state of a conversation slot given back by the table (streaming mode). */
  private readonly release = (slot: number): void => {
    this.flows.resetFlow(2 * slot);
    this.flows.resetFlow(2 * slot + 1);
    this.segs.clearFlow(2 * slot);
    this.segs.clearFlow(2 * slot + 1);
    this.mruSyn[slot] = Number.NaN;
    this.firstRtt[slot] = Number.NaN;
    this.tfoSynData[slot] = 0;
    this.convT0[slot] = 0;
  };

  /**
   * @param recycle reuse the slots of conversations that can no longer be found (streaming mode)
   * @param maxTuples forget the least recently seen address/port pairs beyond this many (0 = never)
   */
  constructor(
    readonly t: Thresholds,
    recycle = false,
    maxTuples = 0,
  ) {
    this.convs = new ConversationTable(recycle, maxTuples);
  }

  /**
   * Starts a new conversation (new tcp.stream) for the key of the last lookup, at second `t0Sec`,
   * in frame `frame`. Returns its slot.
   */
  newConversation(t0Sec: number, frame: number): number {
    const c = this.convs.create(frame, this.release);
    if (c >= this.convCap) {
      const cap = Math.max(256, this.convCap * 2);
      this.mruSyn = grow(this.mruSyn, cap, Float64Array);
      this.mruSyn.fill(Number.NaN, this.convCap);
      this.firstRtt = grow(this.firstRtt, cap, Float64Array);
      this.firstRtt.fill(Number.NaN, this.convCap);
      this.tfoSynData = grow(this.tfoSynData, cap, Uint8Array);
      this.convT0 = grow(this.convT0, cap, Float64Array);
      this.convCap = cap;
    }
    this.convT0[c] = t0Sec;
    this.flows.ensure(2 * c + 2);
    this.segs.ensureFlows(2 * c + 2);
    return c;
  }
}
