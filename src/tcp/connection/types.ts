/**
 * Plain-data types of the connection model: what ConnectionTracker hands out (ConnectionRecord), its
 * tunables (ConnectionOptions) and its run summary (TrackerStats). Everything here is JSON-serialisable:
 * numbers, strings, booleans, null, arrays and plain objects only.
 *
 * Units: times `ts*` are Unix epoch seconds (float, µs-exact for current dates); durations `*Sec` are
 * seconds; sizes are bytes. Frame numbers are 1-based as Wireshark counts them. "orig"/"resp" are
 * Zeek's originator and responder of the connection (see ConnectionRecord.orig).
 */

/** Zeek conn.log `conn_state` (scripts/base/protocols/conn/main.zeek). */
export type ZeekConnState =
  | "S0"
  | "S1"
  | "SF"
  | "REJ"
  | "S2"
  | "S3"
  | "RSTO"
  | "RSTR"
  | "RSTOS0"
  | "RSTRH"
  | "SH"
  | "SHR"
  | "OTH";

/** Zeek's per-endpoint TCP state, as in the `state` field of conn.log's endpoint records. */
export type ZeekEndpointState =
  | "INACTIVE"
  | "SYN_SENT"
  | "SYN_ACK_SENT"
  | "PARTIAL"
  | "ESTABLISHED"
  | "CLOSED"
  | "RESET";

export type Direction = "orig" | "resp";

export interface Endpoint {
  /** "192.0.2.1" or RFC 5952 IPv6 text. */
  address: string;
  port: number;
}

/**
 * Why ConnectionTracker stopped following a connection and handed it out.
 * - closed: both sides finished (FIN/RST) and `closeDelaySec` passed (Zeek tcp_close_delay);
 * - reset-timeout: a RST after a FIN, `resetDelaySec` later (Zeek tcp_reset_delay);
 * - attempt-timeout: a SYN got no reply within `attemptTimeoutSec` (Zeek tcp_attempt_delay);
 * - linger-timeout: half-closed / reset / one-sided and quiet for `lingerSec` (Zeek tcp_connection_linger);
 * - inactivity-timeout: quiet for `inactivityTimeoutSec` (`handshakeInactivityTimeoutSec` before any
 *   side got past the handshake states);
 * - reused: a SYN on the same 4-tuple started a new connection (Zeek's IsReuse: other ISN, or after close);
 * - evicted: dropped to respect `maxOpenConnections` (counted in TrackerStats.caps.openConnectionsEvicted);
 * - end-of-input: still open when the capture ended.
 */
export type EndReason =
  | "closed"
  | "reset-timeout"
  | "attempt-timeout"
  | "linger-timeout"
  | "inactivity-timeout"
  | "reused"
  | "evicted"
  | "end-of-input";

/** Why a new connection was started on a 4-tuple that had one before (ConnectionRecord.previous). */
export type ReuseReason =
  /** A SYN with another ISN while the previous connection was still open (Zeek active_connection_reuse / SYN_seq_jump). */
  | "new-isn"
  /** A SYN after the previous connection was closed by FIN or RST (even with the same ISN). */
  | "after-close"
  /** The previous connection had been expired by a timer (attempt, linger, inactivity, close delay). */
  | "after-timeout"
  /** The previous connection had been evicted to respect maxOpenConnections. */
  | "after-eviction";

/**
 * Notable packet kinds kept as evidence. Retransmission-family packets appear once, as
 * "retransmission", with the Wireshark flags of the packet in `ws`.
 */
export type ConnectionEventKind =
  /** SYN without ACK (first, or with a new ISN). */
  | "syn"
  /** SYN without ACK repeating the current ISN. */
  | "syn-retransmit"
  /** SYN-ACK acknowledging the peer's ISN + 1 (or with no SYN seen to check against). */
  | "synack"
  /** SYN-ACK repeating the current ISN with the right ACK. */
  | "synack-retransmit"
  /** SYN-ACK whose ACK is not the peer's ISN + 1; `value` = ack − (ISN + 1), signed. */
  | "bad-synack"
  /** A pure ACK (no SYN) sent in reply to a SYN with ack ≠ ISN + 1: a challenge ACK / stale state; `value` as bad-synack. */
  | "ack-to-syn"
  | "fin"
  | "rst"
  /**
   * Payload that does not advance the sender's highest sequence (Zeek did-rxmit) or that Wireshark flags
   * as a retransmission; `value` = frame of the peer's latest packet before it (0: none yet).
   */
  | "retransmission"
  /** Wireshark tcp.analysis.out_of_order (and not a retransmission). */
  | "out-of-order"
  /** Wireshark "previous segment not captured". */
  | "lost-segment"
  /** Wireshark "ACKed unseen segment". */
  | "ack-lost-segment"
  | "dup-ack"
  /** The sender starts advertising a zero window (first packet of a zero-window period). */
  | "zero-window"
  /** The sender advertises a non-zero window again; `value` = seconds the window stayed zero. */
  | "window-open"
  | "zero-window-probe"
  | "zero-window-probe-ack"
  | "keep-alive"
  | "keep-alive-ack"
  | "window-full"
  /** Wireshark "TCP port numbers reused" on this packet. */
  | "reused-ports"
  /** Bytes acknowledged that the capture never carried (Zeek content gap); `value` = bytes. */
  | "gap"
  /** A packet after a silence of at least `idleEventSec`; `value` = seconds of silence. */
  | "idle"
  /** TCP checksum wrong (only with verifyChecksums); the packet was otherwise ignored, as Zeek does. */
  | "bad-checksum";

export const EVENT_KINDS: readonly ConnectionEventKind[] = [
  "syn",
  "syn-retransmit",
  "synack",
  "synack-retransmit",
  "bad-synack",
  "ack-to-syn",
  "fin",
  "rst",
  "retransmission",
  "out-of-order",
  "lost-segment",
  "ack-lost-segment",
  "dup-ack",
  "zero-window",
  "window-open",
  "zero-window-probe",
  "zero-window-probe-ack",
  "keep-alive",
  "keep-alive-ack",
  "window-full",
  "reused-ports",
  "gap",
  "idle",
  "bad-checksum",
];

/** One packet in brief: the evidence unit. */
export interface PacketBrief {
  frame: number;
  ts: number;
  dir: Direction;
  /** TCP flags, compact: S F R P A U E C W(=AE) in this order, e.g. "SA", "FA", "R", "PA". */
  flags: string;
  /** Sequence number relative to the sender's base (ISN, or first seq − 1 without a SYN), signed 32-bit. */
  seq: number;
  /** Acknowledgement number relative to the receiver's base, signed 32-bit (0 when the ACK bit is clear). */
  ack: number;
  /** TCP payload length. */
  len: number;
  /** Raw (unscaled) window field. */
  win: number;
}

export interface ConnectionEvent extends PacketBrief {
  kind: ConnectionEventKind;
  /** Wireshark tcp.analysis flag names of the packet (oracle names), when the caller passed wsFlags. */
  ws?: string[];
  /** Kind-specific number, see ConnectionEventKind. */
  value?: number;
  /** Retransmissions: seconds since the peer's latest packet (absent when the peer has sent nothing). */
  peerSilentSec?: number;
}

export interface SynOptions {
  /** MSS option of this side's SYN / SYN-ACK (null: absent). */
  mss: number | null;
  /** Window-scale shift as sent (null: absent). */
  windowScale: number | null;
  sackPermitted: boolean;
  timestamps: boolean;
  /** TCP Fast Open option present. */
  fastOpen: boolean;
}

export interface DirectionStats {
  /** Packets sent by this side (Zeek orig_pkts/resp_pkts: bad-checksum and truncated packets excluded). */
  packets: number;
  /** Sum of IP total lengths (Zeek orig_ip_bytes). */
  ipBytes: number;
  /** Sum of TCP payload lengths (tcp.len), retransmissions included. */
  payloadBytes: number;
  /** Packets with payload. */
  dataPackets: number;
  /** Zeek-style retransmissions: payload packets whose end does not advance the highest sequence sent. */
  retransmittedPackets: number;
  retransmittedBytes: number;
  /** Packets Wireshark flags retransmission (any kind), fast retransmission, spurious retransmission. */
  wsRetransmissions: number;
  wsFastRetransmissions: number;
  wsSpuriousRetransmissions: number;
  outOfOrder: number;
  /** Wireshark "previous segment not captured" on packets of this side. */
  lostSegments: number;
  /** Wireshark "ACKed unseen segment" on packets of this side (it ACKs data the capture missed). */
  ackLostSegments: number;
  dupAcks: number;
  /** Wireshark zero_window flags on this side's packets. */
  zeroWindowAdverts: number;
  zeroWindowProbes: number;
  keepAlives: number;
  windowFull: number;
  /** Packets of this side with a raw window of 0 (any flags). */
  zeroWindowPackets: number;
  /** Number of periods this side advertised a zero window, and their total length. */
  zeroWindowPeriods: number;
  zeroWindowSec: number;
  /** Still advertising zero at the last packet of the connection (the period is counted up to it). */
  zeroWindowAtEnd: boolean;
  /** Longest single zero-window period. */
  longestZeroWindowSec: number;
  synCount: number;
  finCount: number;
  rstCount: number;
  /** Bytes of this side's stream the peer acknowledged but the capture never carried (all states). */
  gapBytes: number;
  badChecksumPackets: number;
  firstDataFrame: number | null;
  firstDataTs: number | null;
  lastDataFrame: number | null;
  lastDataTs: number | null;
  /** Options of this side's first SYN or SYN-ACK (null when it sent none). */
  synOptions: SynOptions | null;
  /** Longest silence between two packets of this side (null with fewer than two packets). */
  longestIdle: IdleGap | null;
  /** Zeek endpoint state at the end. */
  zeekState: ZeekEndpointState;
}

export interface Handshake {
  /** SYNs (no ACK) sent by the originator, retransmissions included. */
  synCount: number;
  /** Their frames and times (first `maxHandshakeFrames`), and the intervals between consecutive ones (s). */
  synFrames: number[];
  synTs: number[];
  synIntervalsSec: number[];
  /** SYNs carrying an ISN different from the one before (each restarts the handshake, Zeek SYN_seq_jump). */
  synIsnChanges: number;
  synAckCount: number;
  synAckFrames: number[];
  /** SYN-ACKs whose ACK is not the SYN's ISN + 1. */
  badSynAckCount: number;
  /** Originator / responder ISN (raw), from the latest SYN / SYN-ACK; null when none seen. */
  origIsn: number | null;
  respIsn: number | null;
  /** Frame of the ACK that completed the handshake (ack = responder ISN + 1), null if none. */
  ackFrame: number | null;
  /** Last SYN → first good SYN-ACK, SYN-ACK → completing ACK, and their sum (Wireshark's iRTT). */
  synToSynAckSec: number | null;
  synAckToAckSec: number | null;
  irttSec: number | null;
  /** SYN, SYN-ACK with the right ACK, and the completing ACK all seen. */
  complete: boolean;
}

export interface CloseInfo {
  /** First terminating packet type: "rst" if any RST was seen, else "fin" if any FIN, else "none". */
  kind: "rst" | "fin" | "none";
  /** Who sent that first RST (or FIN). */
  by: Direction | null;
  frame: number | null;
  ts: number | null;
  /** Seconds from the last payload packet (either side) to that RST/FIN; null without data or close. */
  afterLastDataSec: number | null;
  /** Who sent the last payload before it. */
  lastDataBy: Direction | null;
  /** First FIN of each side and first RST of each side (frames; null when none). */
  origFinFrame: number | null;
  respFinFrame: number | null;
  origRstFrame: number | null;
  respRstFrame: number | null;
  /** The packets of the connection just before the RST (or FIN), oldest first. */
  before: PacketBrief[];
}

export interface PreviousLink {
  /** uid of the previous connection on the same 4-tuple. */
  uid: number;
  reason: ReuseReason;
  /** Seconds from that connection's last packet to this one's first. */
  gapSec: number;
  /** Its Zeek conn_state. */
  connState: ZeekConnState;
  /** This connection's first SYN carries the same ISN as the previous one's (a retried SYN); null: no SYN to compare. */
  sameIsn: boolean | null;
}

export interface IdleGap {
  sec: number;
  /** The packets before and after the silence. */
  afterFrame: number;
  beforeFrame: number;
  fromTs: number;
}

/** The columns of Zeek's conn.log, computed as Zeek does. */
export interface ZeekConnFields {
  /** null when Zeek leaves it unset (duration 0). */
  duration: number | null;
  origBytes: number | null;
  respBytes: number | null;
  connState: ZeekConnState;
  missedBytes: number;
  history: string;
  origPkts: number;
  origIpBytes: number;
  respPkts: number;
  respIpBytes: number;
}

export interface ConnectionRecord {
  /** Sequential id, 1-based, in order of first packet. */
  uid: number;
  /** Wireshark tcp.stream values seen (first `maxStreamsListed`), and how many more distinct ones. */
  wsStreams: number[];
  wsStreamsMore: number;
  ipVersion: 4 | 6;
  /** Zeek's originator: sender of the first SYN, else of the first packet, after Zeek's flip heuristics. */
  orig: Endpoint;
  resp: Endpoint;
  /** Zeek's history ended with a flip of roles ("^" present). */
  flipped: boolean;
  /** Client / server inference. */
  client: Direction;
  roleConfidence: "high" | "medium" | "low";
  roleBasis: "syn" | "synack" | "ports" | "first-data" | "first-packet";
  /** Zeek conn_state and history (exactly as conn.log would show them). */
  connState: ZeekConnState;
  history: string;
  zeek: ZeekConnFields;
  startTs: number;
  startFrame: number;
  /** Last packet of the connection (any). */
  endTs: number;
  endFrame: number;
  /** endTs − startTs. */
  durationSec: number;
  packets: number;
  origStats: DirectionStats;
  respStats: DirectionStats;
  longestIdle: IdleGap | null;
  handshake: Handshake;
  close: CloseInfo;
  ended: EndReason;
  previous: PreviousLink | null;
  /** Evidence: first events, then the most recent ones (see ConnectionOptions.maxEventsPerConnection). */
  events: ConnectionEvent[];
  /** Events not kept because of the cap. */
  eventsDropped: number;
  /** Complete per-kind counts (kept or not). */
  eventCounts: Partial<Record<ConnectionEventKind, number>>;
  /** Zeek missed_bytes (content gaps while established). */
  missedBytes: number;
}

export interface ConnectionOptions {
  /** Zeek tcp_inactivity_timeout: a connection past the handshake is expired after this much silence. */
  inactivityTimeoutSec: number;
  /** Zeek gives connections still in handshake states (both sides) udp_inactivity_timeout instead. */
  handshakeInactivityTimeoutSec: number;
  /** Zeek tcp_attempt_delay: a SYN unanswered this long ends the attempt (its retries start a new record). */
  attemptTimeoutSec: number;
  /** Zeek tcp_close_delay: how long a closed connection still collects packets. */
  closeDelaySec: number;
  /** Zeek tcp_reset_delay: the same after a RST that follows a FIN. */
  resetDelaySec: number;
  /** Zeek tcp_connection_linger: quiet time after which a half-closed/reset/one-sided connection ends. */
  lingerSec: number;
  /** Zeek tcp_SYN_timeout and tcp_session_timer: first and repeat period of the linger check. */
  synTimeoutSec: number;
  sessionTimerSec: number;
  /** Zeek likely_server_ports (TCP): used for the role flip of connections without a SYN. */
  likelyServerPorts: readonly number[];
  /** Zeek report_gaps_for_partial: count missed_bytes also outside the established state. */
  reportGapsForPartial: boolean;
  /** Verify TCP checksums (Zeek does unless -C; offloading makes local captures fail, so off by default). */
  verifyChecksums: boolean;
  /** Silence that produces an "idle" event. */
  idleEventSec: number;
  /** Evidence events kept per connection (the first ones, then a ring of the latest quarter). */
  maxEventsPerConnection: number;
  /** Connections followed at once; beyond it the least recently active one is handed out (evicted). */
  maxOpenConnections: number;
  /** Finished 4-tuples remembered to link a later connection to its predecessor. */
  maxRememberedTuples: number;
  /** Packets kept per connection to show what came before the close. */
  packetsBeforeClose: number;
  /** SYN / SYN-ACK frames listed in Handshake (counts stay exact). */
  maxHandshakeFrames: number;
  /** Distinct Wireshark streams listed per connection. */
  maxStreamsListed: number;
  /** Out-of-order data blocks remembered per direction for gap accounting. */
  maxReassemblyBlocks: number;
  /** How often (capture time) expired connections are swept out to bound memory. */
  sweepIntervalSec: number;
}

export interface TrackerStats {
  /** observe() calls, and those that reached a connection (TCP header processed). */
  packetsObserved: number;
  packetsProcessed: number;
  /** Packets ignored: not OK / quoted in ICMP / no complete header (counted, never silent). */
  packetsIgnored: number;
  /** Packets whose TCP header was cut by the snap length: they open a connection but are not processed (as Zeek). */
  truncatedHeaderPackets: number;
  badChecksumPackets: number;
  /** Packets whose time is earlier than a previous packet's (timers use the latest time seen). */
  timeWentBackwards: number;
  connections: number;
  /** Most connections open at once. */
  peakOpenConnections: number;
  /** Connections handed out, by why. */
  ended: Record<EndReason, number>;
  caps: {
    /** Connections evicted because maxOpenConnections was reached. */
    openConnectionsEvicted: number;
    /** Events not kept, total, and connections that lost some. */
    eventsDropped: number;
    connectionsWithDroppedEvents: number;
    /** Distinct Wireshark streams beyond maxStreamsListed (summed over connections). */
    wsStreamsNotListed: number;
    /** SYN / SYN-ACK frames not listed in Handshake. */
    handshakeFramesNotListed: number;
    /** Out-of-order blocks merged because maxReassemblyBlocks was reached (gap counts may be low). */
    reassemblyBlocksMerged: number;
    /** Directions whose gap tracking stopped (Zeek: above_hole_data_without_any_acks / excessive data). */
    reassemblyGivenUp: number;
    /** Remembered finished 4-tuples forgotten (a later connection on them gets no `previous`). */
    rememberedTuplesForgotten: number;
  };
}
