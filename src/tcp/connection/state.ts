/**
 * Mutable per-connection state of ConnectionTracker. One Conn and two Ep objects per connection
 * (allocated when the connection opens); nothing is allocated per packet. Sides: side 0 is the
 * sender of the connection's first packet, side 1 the other; `orig`/`resp` point at the Ep objects
 * in Zeek's current roles and swap when Zeek would flip the connection.
 *
 * Times are nanoseconds since the tracker's first packet (doubles, exact for ~104 days).
 */

/** Zeek TCP_Endpoint states (src/analyzer/protocol/tcp/TCP_Endpoint.h), same numbering. */
export const INACTIVE = 0;
export const SYN_SENT = 1;
export const SYN_ACK_SENT = 2;
export const PARTIAL = 3;
export const ESTABLISHED = 4;
export const CLOSED = 5;
export const RESET = 6;

export const STATE_NAMES = [
  "INACTIVE",
  "SYN_SENT",
  "SYN_ACK_SENT",
  "PARTIAL",
  "ESTABLISHED",
  "CLOSED",
  "RESET",
] as const;

/** Event kind codes: index into EVENT_KINDS (types.ts). */
export const Ev = {
  SYN: 0,
  SYN_RETRANSMIT: 1,
  SYNACK: 2,
  SYNACK_RETRANSMIT: 3,
  BAD_SYNACK: 4,
  ACK_TO_SYN: 5,
  FIN: 6,
  RST: 7,
  RETRANSMISSION: 8,
  OUT_OF_ORDER: 9,
  LOST_SEGMENT: 10,
  ACK_LOST_SEGMENT: 11,
  DUP_ACK: 12,
  ZERO_WINDOW: 13,
  WINDOW_OPEN: 14,
  ZERO_WINDOW_PROBE: 15,
  ZERO_WINDOW_PROBE_ACK: 16,
  KEEP_ALIVE: 17,
  KEEP_ALIVE_ACK: 18,
  WINDOW_FULL: 19,
  REUSED_PORTS: 20,
  GAP: 21,
  IDLE: 22,
  BAD_CHECKSUM: 23,
} as const;
export const EV_KIND_COUNT = 24;

/** Fields per stored event: kind, frame, t, side, tcpFlags, seq(rel), ack(rel), len, win, wsFlags, value. */
export const EV_W = 12;
/** Fields per remembered packet: frame, t, side, tcpFlags, seq(raw), ack(raw), len, win. */
export const PK_W = 8;

/** Why a connection was handed out (index into END_REASONS). */
export const End = {
  CLOSED: 0,
  RESET_TIMEOUT: 1,
  ATTEMPT_TIMEOUT: 2,
  LINGER_TIMEOUT: 3,
  INACTIVITY_TIMEOUT: 4,
  REUSED: 5,
  EVICTED: 6,
  END_OF_INPUT: 7,
} as const;
export const END_REASONS = [
  "closed",
  "reset-timeout",
  "attempt-timeout",
  "linger-timeout",
  "inactivity-timeout",
  "reused",
  "evicted",
  "end-of-input",
] as const;

/** One direction: Zeek's TCP_Endpoint (+ its reassembler's sequence bookkeeping) and our counters. */
export class Ep {
  readonly side: number;
  /** Zeek's is_orig (toggled by a flip). */
  isOrig: boolean;
  peer!: Ep;

  // ---- Zeek TCP_Endpoint ----
  state = INACTIVE;
  prevState = INACTIVE;
  /** Unsigned 32-bit values; wraps counted separately as Zeek does. */
  startSeq = 0;
  lastSeq = 0;
  seqWraps = 0;
  ackSeq = 0;
  ackWraps = 0;
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
  finCnt = 0;
  rstCnt = 0;
  /** Relative sequence just past the FIN (Zeek FIN_seq); may be negative after a sequence underflow. */
  finSeq = 0;
  didClose = false;
  rxmtCnt = 0;
  rxmtThresh = 1;
  win0Cnt = 0;
  win0Thresh = 1;
  gapCnt = 0;
  gapThresh = 1;
  chkCnt = 0;
  chkThresh = 1;

  // ---- Zeek TCP_Reassembler, sequence numbers only (relative: first data byte = 1) ----
  /** Acknowledged up to (trim_seq) and delivered contiguously up to (last_reassem_seq). */
  rTrim = 1;
  rLast = 1;
  /** Gap tracking given up (Zeek skip_deliveries). */
  rSkip = false;
  rEof = false;
  /** Undelivered blocks above rLast: [seq0, upper0, seq1, upper1, ...] sorted, disjoint; allocated on demand. */
  rBlocks: Float64Array | null = null;
  rN = 0;

  // ---- our per-direction counters ----
  packets = 0;
  ipBytes = 0;
  payloadBytes = 0;
  dataPackets = 0;
  rxPackets = 0;
  rxBytes = 0;
  wsRetrans = 0;
  wsFast = 0;
  wsSpurious = 0;
  outOfOrder = 0;
  lostSegments = 0;
  ackLostSegments = 0;
  dupAcks = 0;
  zwAdverts = 0;
  zwProbes = 0;
  keepAlives = 0;
  windowFull = 0;
  zwPackets = 0;
  zwPeriods = 0;
  zwNs = 0;
  zwLongestNs = 0;
  /** Start of the current zero-window period (−1: window open). */
  zwStart = -1;
  syns = 0;
  fins = 0;
  rsts = 0;
  gapBytes = 0;
  badChecksums = 0;
  firstDataFrame = 0;
  firstDataT = 0;
  lastDataFrame = 0;
  lastDataT = 0;
  firstFinFrame = 0;
  firstRstFrame = 0;
  /** This side's previous packet, and its longest silence (between two of its own packets). */
  lastPktT = 0;
  lastPktFrame = 0;
  idleNs = -1;
  idleAfterFrame = 0;
  idleBeforeFrame = 0;
  idleFromT = 0;
  /** Options of the first SYN / SYN-ACK of this side. */
  synOptSeen = false;
  optMss = -1;
  optWs = -1;
  optSack = false;
  optTs = false;
  optTfo = false;
  /** Latest SYN (no ACK) of this side: seen, raw seq, time, frame. */
  synSeen = false;
  synSeq = 0;
  /** Payload carried by that SYN (TCP Fast Open): a SYN-ACK may acknowledge it too. */
  synLen = 0;
  synT = 0;
  /** Latest good SYN-ACK of this side: seen, raw seq, time. */
  synAckSeen = false;
  synAckSeq = 0;
  synAckT = 0;
  /** The latest SYN of this side got some reply (SYN-ACK, ACK, RST). */
  synReplied = false;
  /** synSeq holds an ISN known without its SYN (text input with relative numbers: FrameRecord.receiverIsn). */
  isnHinted = false;

  constructor(side: number, isOrig: boolean) {
    this.side = side;
    this.isOrig = isOrig;
  }
}

/** Key fields shared by live connections and remembered (finished) 4-tuples in the lookup table. */
export interface Keyed {
  /** True for a remembered finished 4-tuple (Tomb). */
  readonly tomb: boolean;
  hash: number;
  /** IP version; ports (A<<16 | B); address words of endpoint A then B (canonical order). */
  kv: number;
  kp: number;
  ka0: number;
  ka1: number;
  ka2: number;
  ka3: number;
  kb0: number;
  kb1: number;
  kb2: number;
  kb3: number;
}

/** What remains of a finished connection: enough to link the next one on the same 4-tuple. */
export class Tomb implements Keyed {
  readonly tomb = true;
  hash = 0;
  kv = 0;
  kp = 0;
  ka0 = 0;
  ka1 = 0;
  ka2 = 0;
  ka3 = 0;
  kb0 = 0;
  kb1 = 0;
  kb2 = 0;
  kb3 = 0;
  uid = 0;
  lastT = 0;
  closed = false;
  evicted = false;
  connState = "OTH";
  /** The client's last SYN. */
  synSeen = false;
  synSeq = 0;
  /** Still the table's entry for its key (false once replaced or forgotten). */
  live = true;
}

export class Conn implements Keyed {
  readonly tomb = false;
  hash = 0;
  kv = 0;
  kp = 0;
  ka0 = 0;
  ka1 = 0;
  ka2 = 0;
  ka3 = 0;
  kb0 = 0;
  kb1 = 0;
  kb2 = 0;
  kb3 = 0;

  readonly uid: number;
  /** Side 0 (first packet's sender) is endpoint A of the key. */
  side0IsA = true;
  /**
   * The caller's name for this connection's address/port pair (TcpAnalyzer.lastTuple, −1 none) and how
   * its direction relates to ours: endpoint A sent the packet iff (analyzer direction is 1) !== hintFlip.
   */
  hint = -1;
  hintFlip = false;
  /** Side 0's address/port as text (made once at creation). */
  addr0 = "";
  port0 = 0;
  addr1 = "";
  port1 = 0;
  ipVersion = 4;

  readonly ep0: Ep;
  readonly ep1: Ep;
  /** Zeek's current originator and responder. */
  orig: Ep;
  resp: Ep;

  // ---- Zeek Connection / TCPSessionAdapter ----
  history = "";
  histSeen = 0;
  isPartial = false;
  firstPacketSeen = 0;
  seenFirstAck = false;
  closeDeferred = false;
  /** Zeek Connection start_time / last_time (last_time stops once both sides closed). */
  startT = 0;
  lastT = 0;
  missedBytes = 0;
  /** Zeek switched to tcp_inactivity_timeout (a side left the handshake states). */
  pastHandshake = false;

  // ---- timers (ns; Infinity = not armed) ----
  attemptAt = Number.POSITIVE_INFINITY;
  deleteAt = Number.POSITIVE_INFINITY;
  resetAt = Number.POSITIVE_INFINITY;
  /** ExpireTimer chains: first tick and period (from creation, and from a half close). */
  chainA = Number.POSITIVE_INFINITY;
  chainB = Number.POSITIVE_INFINITY;
  /** Cached earliest expiry and its End reason, recomputed after every packet. */
  deadline = Number.POSITIVE_INFINITY;
  deadlineReason = 0;

  // ---- bookkeeping ----
  startFrame = 0;
  firstPktT = 0;
  lastPktT = 0;
  lastFrame = 0;
  packets = 0;
  /** LRU list (least recently active first, to LRU_GRAIN) and when it was last moved. */
  touchT = 0;
  lruPrev: Conn | null = null;
  lruNext: Conn | null = null;
  /** Wireshark streams. */
  streams: number[] = [];
  streamsMore = 0;
  lastStream = -1;
  /** Previous connection on this 4-tuple. */
  prevUid = 0;
  prevReason = "";
  prevGapNs = 0;
  prevState = "";
  prevSynSeen = false;
  prevSynSeq = 0;
  /** This connection's first SYN repeats the previous connection's ISN: 1 yes, 0 no, −1 unknown. */
  prevSameIsn = -1;

  // ---- handshake (sides; −1 unknown) ----
  clientSide = -1;
  serverSide = -1;
  synCount = 0;
  synFrames: number[] = [];
  synTs: number[] = [];
  isnChanges = 0;
  synAckCount = 0;
  synAckFrames: number[] = [];
  badSynAcks = 0;
  hsAckFrame = 0;
  hsAckT = 0;
  /** Client SYN time the first good SYN-ACK answered (−1: none). */
  rttSynT = -1;
  firstDataSide = -1;
  /** Last payload packet of either side. */
  lastDataT = -1;
  lastDataSide = -1;

  // ---- close ----
  firstRstFrame = 0;
  firstRstT = 0;
  firstRstSide = -1;
  firstFinFrame = 0;
  firstFinT = 0;
  firstFinSide = -1;
  closeBefore: number[] | null = null;
  closeBeforeCount = 0;
  closeAfterDataNs = -1;
  closeLastDataSide = -1;

  // ---- idle ----
  idleNs = -1;
  idleAfterFrame = 0;
  idleBeforeFrame = 0;
  idleFromT = 0;

  // ---- evidence ----
  events: Float64Array | null = null;
  evTotal = 0;
  readonly evCounts = new Int32Array(EV_KIND_COUNT);
  /** Ring of the latest packets: PK_W fields each. */
  ring: Float64Array | null;
  ringPos = 0;
  ringCount = 0;

  constructor(uid: number, ringPackets: number) {
    this.uid = uid;
    this.ep0 = new Ep(0, true);
    this.ep1 = new Ep(1, false);
    this.ep0.peer = this.ep1;
    this.ep1.peer = this.ep0;
    this.orig = this.ep0;
    this.resp = this.ep1;
    this.ring = ringPackets > 0 ? new Float64Array(ringPackets * PK_W) : null;
  }

  ep(side: number): Ep {
    return side === 0 ? this.ep0 : this.ep1;
  }

  /** Side currently in Zeek's originator role. */
  get origSide(): number {
    return this.orig.side;
  }

  /** Any side closed in Zeek's sense (TCPSessionAdapter::IsClosed). */
  isClosed(): boolean {
    return this.ep0.didClose || this.ep1.didClose;
  }
}

/**
 * V8 keeps a number field as a small integer until a value outside that range is stored, then
 * changes the layout of every object of the class — and throws away the optimised code built for
 * the old layout. The fields below always end up holding such values (uint32 sequence numbers,
 * nanosecond times) a few seconds into a capture; storing one when the module loads gives Ep and
 * Conn their final layout from the start, so that change does not happen mid-run (each one cost a
 * wave of deoptimisations and recompilations). Values are unaffected: only the layout is set.
 */
function primeLayouts(): void {
  const x = 0.5;
  const c = new Conn(0, 0);
  const e = c.ep0;
  e.startSeq = x;
  e.lastSeq = x;
  e.ackSeq = x;
  e.histLastSyn = x;
  e.histLastFin = x;
  e.histLastRst = x;
  e.finSeq = x;
  e.rTrim = x;
  e.rLast = x;
  e.ipBytes = x;
  e.payloadBytes = x;
  e.rxBytes = x;
  e.zwNs = x;
  e.zwLongestNs = x;
  e.zwStart = x;
  e.gapBytes = x;
  e.firstDataT = x;
  e.lastDataT = x;
  e.lastPktT = x;
  e.idleNs = x;
  e.idleFromT = x;
  e.synSeq = x;
  e.synT = x;
  e.synAckSeq = x;
  e.synAckT = x;
  c.startT = x;
  c.lastT = x;
  c.missedBytes = x;
  c.deadline = x;
  c.firstPktT = x;
  c.lastPktT = x;
  c.touchT = x;
  c.prevGapNs = x;
  c.prevSynSeq = x;
  c.hsAckT = x;
  c.rttSynT = x;
  c.lastDataT = x;
  c.firstRstT = x;
  c.firstFinT = x;
  c.closeAfterDataNs = x;
  c.idleNs = x;
  c.idleFromT = x;
  const t = new Tomb();
  t.lastT = x;
  t.synSeq = x;
}
primeLayouts();
