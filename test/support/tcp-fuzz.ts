/**
 * Random TCP conversations for differential testing against tshark: two endpoints that mostly
 * behave (handshake, data, ACKs, FIN/RST) with a seeded mix of trouble — lost and duplicated
 * segments, reordering, retransmissions, zero windows and probes, keep-alives, window-scale
 * options present or absent, SACK blocks, TFO, port reuse with new or equal ISNs, sequence numbers
 * near 2^32, timestamps that step backwards. Deterministic for a seed.
 */
import type { SynthPacket } from "./tcp-synth.js";

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x / 0x100000000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

interface End {
  addr: string;
  port: number;
  seq: number;
  /** What this end has acknowledged of the peer. */
  ack: number;
  win: number;
  ws: number | undefined;
}

/** One random conversation (possibly several connections on the same 4-tuple) starting at `t0`. */
export function randomConversation(rng: Rng, t0: number, id: number, v6: boolean): SynthPacket[] {
  const out: SynthPacket[] = [];
  const ca = v6 ? `2001:db8::${(id % 250) + 1}` : `10.1.${id % 250}.${1 + rng.int(200)}`;
  const sa = v6 ? `2001:db8:1::${(id % 7) + 1}` : `10.2.0.${1 + (id % 7)}`;
  // Ports without a Wireshark dissector, so that tshark's Info column keeps the [TCP ...] tags.
  const cport = 40000 + ((id * 7919) % 9000);
  const sport = rng.pick([33333, 33334, 33335, 33336]);
  let t = t0;
  const step = (): number => {
    // mostly forward, sometimes tiny gaps (< 3 ms, < 20 ms), rarely backwards
    const r = rng.next();
    if (r < 0.03) t -= rng.next() * 0.002;
    else if (r < 0.5) t += rng.next() * 0.0005;
    else if (r < 0.9) t += rng.next() * 0.01;
    else t += rng.next() * 1.5;
    return Math.max(0, t);
  };
  const wrapBase = (): number =>
    (rng.chance(0.3) ? 0xffffffff - rng.int(5000) : rng.int(0x7fffffff) * 2) >>> 0;
  const connections = rng.chance(0.25) ? 2 + rng.int(2) : 1;
  let lastIsn = -1;
  for (let k = 0; k < connections; k++) {
    const isn = k > 0 && rng.chance(0.3) && lastIsn >= 0 ? lastIsn : wrapBase();
    lastIsn = isn;
    const c: End = {
      addr: ca,
      port: cport,
      seq: isn,
      ack: 0,
      win: 64240,
      ws: rng.chance(0.7) ? rng.pick([0, 2, 7, 14, 15]) : undefined,
    };
    const s: End = {
      addr: sa,
      port: sport,
      seq: wrapBase(),
      ack: 0,
      win: 65160,
      ws: rng.chance(0.7) ? rng.pick([0, 1, 7, 8]) : undefined,
    };
    const mss = 100 + rng.int(1400);
    const sackOk = rng.chance(0.5);
    const pkt = (
      from: End,
      to: End,
      flags: string,
      len: number,
      extra: Partial<SynthPacket> = {},
    ): SynthPacket => ({
      t: step(),
      src: from.addr,
      dst: to.addr,
      sport: from.port,
      dport: to.port,
      seq: from.seq >>> 0,
      ack: flags.includes("A") ? from.ack >>> 0 : rng.chance(0.1) ? rng.int(1000) : 0,
      flags,
      win: from.win,
      len,
      ...extra,
    });
    const midStream = k === 0 && rng.chance(0.2);
    if (!midStream) {
      const tfoData = rng.chance(0.1) ? 1 + rng.int(50) : 0;
      const synCount = rng.chance(0.15) ? 2 : 1;
      for (let i = 0; i < synCount; i++) {
        out.push(
          pkt(c, s, "S", tfoData, {
            mss,
            ws: c.ws,
            sackPerm: sackOk,
            tfo: tfoData > 0 || rng.chance(0.05) ? (tfoData > 0 ? 8 : 0) : undefined,
          }),
        );
      }
      c.seq = (c.seq + 1) >>> 0;
      if (rng.chance(0.1)) {
        // refused or answered badly
        s.ack = (c.seq + (rng.chance(0.5) ? 0 : tfoData + rng.int(20000))) >>> 0;
        out.push(pkt(s, c, rng.chance(0.5) ? "RA" : "SA", 0, { mss }));
        if (rng.chance(0.5)) out.push(pkt(c, s, "R", 0));
        continue;
      }
      const tfoAcked = tfoData > 0 && rng.chance(0.5);
      if (tfoAcked) c.seq = (c.seq + tfoData) >>> 0;
      s.ack = c.seq;
      out.push(pkt(s, c, "SA", 0, { mss, ws: s.ws, sackPerm: sackOk }));
      if (!tfoAcked && tfoData > 0) c.seq = (c.seq + tfoData) >>> 0;
      s.seq = (s.seq + 1) >>> 0;
      c.ack = s.seq;
      out.push(pkt(c, s, "A", 0));
    } else {
      c.ack = s.seq;
      s.ack = c.seq;
    }
    // data phase
    const rounds = 5 + rng.int(40);
    const unackedC: [number, number][] = [];
    const unackedS: [number, number][] = [];
    for (let r = 0; r < rounds; r++) {
      const [snd, rcv, unacked] = rng.chance(0.6) ? [s, c, unackedS] : [c, s, unackedC];
      const action = rng.next();
      if (action < 0.45) {
        // send 1..4 segments, some lost (not emitted) or duplicated
        const n = 1 + rng.int(4);
        for (let i = 0; i < n; i++) {
          const len = rng.chance(0.05) ? 1 : 1 + rng.int(mss);
          const seg: [number, number] = [snd.seq, len];
          snd.seq = (snd.seq + len) >>> 0;
          unacked.push(seg);
          if (rng.chance(0.1)) continue; // lost before capture
          const p = pkt(snd, rcv, rng.chance(0.3) ? "PA" : "A", len);
          p.seq = seg[0] >>> 0;
          out.push(p);
          if (rng.chance(0.05)) out.push({ ...p, t: step() });
        }
      } else if (action < 0.75) {
        // receiver acks (cumulative, partial, duplicate), maybe with SACK, maybe zero window
        const upto = unacked.length > 0 && rng.chance(0.8) ? unacked[rng.int(unacked.length)]! : undefined;
        if (upto) rcv.ack = (upto[0] + (rng.chance(0.8) ? upto[1] : rng.int(upto[1] + 1))) >>> 0;
        if (rng.chance(0.1)) rcv.win = 0;
        else if (rng.chance(0.2)) rcv.win = rng.int(65536);
        const sack: [number, number][] | undefined =
          sackOk && rng.chance(0.3) && unacked.length > 1
            ? [
                [
                  unacked[unacked.length - 1]![0] >>> 0,
                  (unacked[unacked.length - 1]![0] + unacked[unacked.length - 1]![1]) >>> 0,
                ],
              ]
            : undefined;
        const dups = rng.chance(0.2) ? 2 + rng.int(3) : 1;
        for (let i = 0; i < dups; i++) out.push(pkt(rcv, snd, "A", 0, sack ? { sack } : {}));
      } else if (action < 0.85 && unacked.length > 0) {
        // retransmit an old segment (fast: right after dup acks, or late)
        const seg = unacked[rng.int(unacked.length)]!;
        const p = pkt(snd, rcv, "A", seg[1]);
        p.seq = seg[0] >>> 0;
        out.push(p);
      } else if (action < 0.92) {
        // probe / keep-alive
        if (rng.chance(0.5)) {
          const p = pkt(snd, rcv, "A", 1);
          out.push(p);
        } else {
          const p = pkt(snd, rcv, "A", rng.chance(0.5) ? 0 : 1);
          p.seq = (snd.seq - 1) >>> 0;
          out.push(p);
        }
      } else {
        // window change only
        snd.win = rng.chance(0.3) ? 0 : 1 + rng.int(65535);
        out.push(pkt(snd, rcv, "A", 0));
      }
    }
    // close
    const close = rng.next();
    if (close < 0.4) {
      out.push(pkt(c, s, "FA", 0));
      c.seq = (c.seq + 1) >>> 0;
      s.ack = c.seq;
      out.push(pkt(s, c, "FA", 0));
      s.seq = (s.seq + 1) >>> 0;
      c.ack = s.seq;
      out.push(pkt(c, s, "A", 0));
    } else if (close < 0.7) {
      out.push(pkt(rng.chance(0.5) ? c : s, rng.chance(0.5) ? s : c, rng.chance(0.5) ? "RA" : "R", 0));
    }
  }
  return out;
}

/** Rare header-level damage: snaplen cuts, empty SACK options, bogus data offsets, ICMP quotes. */
function damage(rng: Rng, p: SynthPacket): SynthPacket {
  const r = rng.next();
  if (r < 0.02) return { ...p, snap: 20 + 16 + rng.int(30) };
  if (r < 0.03) return { ...p, rawOptions: [1, 1, 5, 2] };
  if (r < 0.035) return { ...p, doff: rng.int(5) };
  if (r < 0.04 && !p.src.includes(":")) return { ...p, icmpFrom: "10.9.9.9" };
  return p;
}

/** Several random conversations merged into one capture, in time order per conversation. */
export function randomCapture(seed: number, conversations: number): SynthPacket[] {
  const rng = new Rng(seed);
  const convs: SynthPacket[][] = [];
  for (let i = 0; i < conversations; i++)
    convs.push(randomConversation(rng, 1_700_000_000 + i * 0.01, i, rng.chance(0.2)));
  // interleave: repeatedly take the next packet of a random unfinished conversation
  const out: SynthPacket[] = [];
  const idx = convs.map(() => 0);
  let left = convs.reduce((a, c) => a + c.length, 0);
  while (left > 0) {
    const i = rng.int(convs.length);
    if (idx[i]! >= convs[i]!.length) continue;
    out.push(damage(rng, convs[i]![idx[i]!++]!));
    left--;
  }
  return out;
}
