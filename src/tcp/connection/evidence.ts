/**
 * Evidence storage: the packet being processed (one reused scratch object), bounded per-connection
 * event lists in typed arrays, and the ring of latest packets. No allocation per packet; an event list
 * grows by doubling up to its cap.
 */
import { type Conn, EV_W, PK_W } from "./state.js";

/** The packet being processed (reused). Raw numbers; `t` in tracker ns. */
export class Pkt {
  frame = 0;
  t = 0;
  side = 0;
  flags = 0;
  seq = 0;
  ack = 0;
  len = 0;
  win = 0;
  wsFlags = 0;
  ipLen = 0;
  /** seq + segment length (SYN and FIN count one), mod 2^32: set by the engine. */
  seqEnd = 0;

  constructor() {
    // These hold uint32 / ns values: give them V8's double layout now, not mid-run (state.ts primeLayouts).
    this.t = 0.5;
    this.seq = 0.5;
    this.ack = 0.5;
    this.seqEnd = 0.5;
    this.t = 0;
    this.seq = 0;
    this.ack = 0;
    this.seqEnd = 0;
  }
}

const ACK = 0x010;

/**
 * Records event `kind` for packet `p` (value NaN = none). Keeps the first `head` events and a ring of
 * the latest `cap − head`; counts every event per kind.
 */
export function addEvent(c: Conn, cap: number, p: Pkt, kind: number, value: number, aux = Number.NaN): void {
  c.evCounts[kind]!++;
  const total = c.evTotal++;
  if (cap === 0) return;
  const tail = cap >= 8 ? cap >> 2 : 0;
  const head = cap - tail;
  let slot: number;
  if (total < head) slot = total;
  else if (tail > 0) slot = head + ((total - head) % tail);
  else return;
  let ev = c.events;
  const need = (slot + 1) * EV_W;
  if (ev === null || ev.length < need) {
    let n = ev === null ? 4 : ev.length / EV_W;
    while (n * EV_W < need) n *= 2;
    if (n > cap) n = cap;
    const grown = new Float64Array(n * EV_W);
    if (ev !== null) grown.set(ev);
    c.events = ev = grown;
  }
  const o = slot * EV_W;
  const ep = c.ep(p.side);
  ev[o] = kind;
  ev[o + 1] = p.frame;
  ev[o + 2] = p.t;
  ev[o + 3] = p.side;
  ev[o + 4] = p.flags;
  ev[o + 5] = (p.seq - ep.startSeq) | 0;
  ev[o + 6] = (p.flags & ACK) !== 0 ? (p.ack - ep.peer.startSeq) | 0 : 0;
  ev[o + 7] = p.len;
  ev[o + 8] = p.win;
  ev[o + 9] = p.wsFlags;
  ev[o + 10] = value;
  ev[o + 11] = aux;
}

/** Slots of the kept events in chronological order. */
export function keptEventSlots(total: number, cap: number): number[] {
  const tail = cap >= 8 ? cap >> 2 : 0;
  const head = cap - tail;
  const out: number[] = [];
  for (let i = 0; i < Math.min(total, head); i++) out.push(i);
  if (total > head && tail > 0) {
    const inTail = Math.min(total - head, tail);
    const start = total - head <= tail ? 0 : (total - head) % tail;
    for (let i = 0; i < inTail; i++) out.push(head + ((start + i) % tail));
  }
  return out;
}

/** Remembers packet `p` in the connection's ring of latest packets. */
export function ringPush(c: Conn, p: Pkt): void {
  const r = c.ring;
  if (r === null) return;
  const o = c.ringPos * PK_W;
  r[o] = p.frame;
  r[o + 1] = p.t;
  r[o + 2] = p.side;
  r[o + 3] = p.flags;
  r[o + 4] = p.seq;
  r[o + 5] = p.ack;
  r[o + 6] = p.len;
  r[o + 7] = p.win;
  const n = r.length / PK_W;
  c.ringPos = c.ringPos + 1 === n ? 0 : c.ringPos + 1;
  if (c.ringCount < n) c.ringCount++;
}

/**
 * Copies the ring (oldest first) into a plain array snapshot, PK_W numbers per packet with seq/ack
 * already made relative to the bases at this moment. Allocates; called at most twice per connection.
 */
export function snapshotRing(c: Conn): number[] {
  const r = c.ring;
  const out: number[] = [];
  if (r === null) return out;
  const n = r.length / PK_W;
  const start = c.ringCount < n ? 0 : c.ringPos;
  for (let i = 0; i < c.ringCount; i++) {
    const o = ((start + i) % n) * PK_W;
    const side = r[o + 2]!;
    const ep = c.ep(side);
    const flags = r[o + 3]!;
    out.push(
      r[o]!,
      r[o + 1]!,
      side,
      flags,
      (r[o + 4]! - ep.startSeq) | 0,
      (flags & ACK) !== 0 ? (r[o + 5]! - ep.peer.startSeq) | 0 : 0,
      r[o + 6]!,
      r[o + 7]!,
    );
  }
  return out;
}
