/**
 * Per-direction TCP state, one "flow" per direction of a conversation, stored as parallel typed
 * arrays (no object per flow). Flow index = conversation index * 2 + direction, direction 0 being
 * Wireshark's `flow1` (the sender whose address compares higher).
 *
 * Field meanings follow Wireshark's tcp_flow_t / tcp_analyze_seq_flow_info_t (packet-tcp.c, 4.0).
 */

/** static_flags: base_seq has been set. */
export const BASE_SEQ_SET = 0x01;
/** static_flags: base_seq came from a SYN. */
export const SAW_SYN = 0x02;
/** static_flags: base_seq came from a SYN-ACK. */
export const SAW_SYNACK = 0x04;

/** win_scale: unknown (no handshake seen). */
export const WSCALE_UNKNOWN = -1;
/** win_scale: handshake seen, no scaling in use. */
export const WSCALE_NONE = -2;

/** Raw window value meaning "no packet seen yet" (Wireshark initialises window to G_MAXUINT32). */
export const WINDOW_NONE = 0xffffffff;

export class FlowTable {
  capacity = 0;
  /** Relative-number base: SYN's seq, or seq − 1 of the first packet, or ack − 1 seen from the peer. */
  baseSeq = new Uint32Array(0);
  staticFlags = new Uint8Array(0);
  /** Highest seq + len (+1 for SYN/FIN) sent; 0 = unknown. */
  nextSeq = new Uint32Array(0);
  nextSeqFrame = new Int32Array(0);
  nextSeqTime = new Float64Array(0);
  /** Highest contiguous end seen: the next ack the peer should send; 0 = unknown. */
  maxSeqToBeAcked = new Uint32Array(0);
  /** Ack field of the last packet this direction sent (raw, whatever the ACK bit). */
  lastAck = new Uint32Array(0);
  lastAckTime = new Float64Array(0);
  /** Raw window of the last packet this direction sent; WINDOW_NONE before the first. */
  window = new Uint32Array(0);
  /** Window shift: 0..14, WSCALE_UNKNOWN or WSCALE_NONE. */
  winScale = new Int8Array(0);
  /** True from this direction's SYN until its first pure ACK: its window is still unscaled. */
  isFirstAck = new Uint8Array(0);
  /** Analysis flags of the last packet this direction sent. */
  lastSegmentFlags = new Uint32Array(0);
  /** Duplicate-ACK counter (−1: an ACKed-unseen was just reported, see ack-lost-segment rule). */
  dupAckNum = new Int32Array(0);
  /** Frame of the last ACK that changed the ack number. */
  lastNonDupAck = new Int32Array(0);
  /** Bytes-in-flight is meaningful (cleared by a gap, set again by an ACK from the peer). */
  validBif = new Uint8Array(0);
  /** Sum of the sizes of the first three SACK blocks of this direction's last packet. */
  sackDelivered = new Uint32Array(0);

  ensure(n: number): void {
    if (n <= this.capacity) return;
    let cap = Math.max(64, this.capacity * 2);
    while (cap < n) cap *= 2;
    const old = this.capacity;
    this.baseSeq = grow(this.baseSeq, cap, Uint32Array);
    this.staticFlags = grow(this.staticFlags, cap, Uint8Array);
    this.nextSeq = grow(this.nextSeq, cap, Uint32Array);
    this.nextSeqFrame = grow(this.nextSeqFrame, cap, Int32Array);
    this.nextSeqTime = grow(this.nextSeqTime, cap, Float64Array);
    this.maxSeqToBeAcked = grow(this.maxSeqToBeAcked, cap, Uint32Array);
    this.lastAck = grow(this.lastAck, cap, Uint32Array);
    this.lastAckTime = grow(this.lastAckTime, cap, Float64Array);
    this.window = grow(this.window, cap, Uint32Array);
    this.winScale = grow(this.winScale, cap, Int8Array);
    this.isFirstAck = grow(this.isFirstAck, cap, Uint8Array);
    this.lastSegmentFlags = grow(this.lastSegmentFlags, cap, Uint32Array);
    this.dupAckNum = grow(this.dupAckNum, cap, Int32Array);
    this.lastNonDupAck = grow(this.lastNonDupAck, cap, Int32Array);
    this.validBif = grow(this.validBif, cap, Uint8Array);
    this.sackDelivered = grow(this.sackDelivered, cap, Uint32Array);
    this.capacity = cap;
    // Fresh flows: everything zero except the fields Wireshark initialises otherwise.
    this.window.fill(WINDOW_NONE, old, cap);
    this.winScale.fill(WSCALE_UNKNOWN, old, cap);
    this.validBif.fill(1, old, cap);
  }
}

type TypedCtor<T> = new (n: number) => T;
export function grow<T extends { length: number; set(a: ArrayLike<number>): void }>(
  a: T,
  n: number,
  ctor: TypedCtor<T>,
): T {
  const b = new ctor(n);
  b.set(a as unknown as ArrayLike<number>);
  return b;
}
