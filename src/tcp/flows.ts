/**
 * Per-direction TCP state, one "flow" per direction of a conversation. Flow index = conversation
 * index * 2 + direction, direction 0 being Wireshark's `flow1` (the sender whose address compares
 * higher). All fields of a flow sit together in one Float64Array record of FLOW_STRIDE slots
 * (uint32 values, times in ns and small integers are all exact in a double), so a packet touches
 * two short records instead of a dozen arrays.
 *
 * Field meanings follow Wireshark's tcp_flow_t / tcp_analyze_seq_flow_info_t (packet-tcp.c, 4.0).
 */

// ---- slots of a flow record ----
/** Relative-number base: SYN's seq, or seq − 1 of the first packet, or ack − 1 seen from the peer. */
export const BASE = 0;
/** static_flags (BASE_SEQ_SET, SAW_SYN, SAW_SYNACK). */
export const STATIC = 1;
/** Highest seq + len (+1 for SYN/FIN) sent; 0 = unknown. */
export const NEXT_SEQ = 2;
export const NEXT_SEQ_FRAME = 3;
export const NEXT_SEQ_TIME = 4;
/** Highest contiguous end seen: the next ack the peer should send; 0 = unknown. */
export const MAX_SEQ_TO_BE_ACKED = 5;
/** Ack field of the last packet this direction sent (raw, whatever the ACK bit). */
export const LAST_ACK = 6;
export const LAST_ACK_TIME = 7;
/** Raw window of the last packet this direction sent; WINDOW_NONE before the first. */
export const WINDOW = 8;
/** Window shift: 0..14, WSCALE_UNKNOWN or WSCALE_NONE. */
export const WIN_SCALE = 9;
/** 1 from this direction's SYN until its first pure ACK: its window is still unscaled. */
export const IS_FIRST_ACK = 10;
/** Analysis flags of the last packet this direction sent. */
export const LAST_SEGMENT_FLAGS = 11;
/** Duplicate-ACK counter (−1: an ACKed-unseen was just reported; unsigned in Wireshark). */
export const DUP_ACK_NUM = 12;
/** Frame of the last ACK that changed the ack number. */
export const LAST_NON_DUP_ACK = 13;
/** 1 while bytes in flight are meaningful (cleared by a gap, set again by an ACK from the peer). */
export const VALID_BIF = 14;
/** Sum of the sizes of the first three SACK blocks of this direction's last packet. */
export const SACK_DELIVERED = 15;
export const FLOW_STRIDE = 16;

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
  /** Flow records, FLOW_STRIDE slots each. Replaced when the table grows. */
  d = new Float64Array(0);

  ensure(n: number): void {
    if (n <= this.capacity) return;
    let cap = Math.max(64, this.capacity * 2);
    while (cap < n) cap *= 2;
    const d = new Float64Array(cap * FLOW_STRIDE);
    d.set(this.d);
    for (let f = this.capacity; f < cap; f++) {
      const b = f * FLOW_STRIDE;
      // Fresh flows: everything zero except the fields Wireshark initialises otherwise.
      d[b + WINDOW] = WINDOW_NONE;
      d[b + WIN_SCALE] = WSCALE_UNKNOWN;
      d[b + VALID_BIF] = 1;
    }
    this.d = d;
    this.capacity = cap;
  }

  /** Makes flow `f` fresh again (its conversation slot is being reused). */
  resetFlow(f: number): void {
    const d = this.d;
    const b = f * FLOW_STRIDE;
    d.fill(0, b, b + FLOW_STRIDE);
    d[b + WINDOW] = WINDOW_NONE;
    d[b + WIN_SCALE] = WSCALE_UNKNOWN;
    d[b + VALID_BIF] = 1;
  }

  get(f: number, slot: number): number {
    return this.d[f * FLOW_STRIDE + slot]!;
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
