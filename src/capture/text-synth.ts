/**
 * Real IPv4/IPv6 + TCP bytes (raw-IP link type) for a segment rebuilt from text, so decode, TCP
 * analysis, the connection model and the diagnosis run on text exactly as on a capture. The payload
 * is zeros (text never shows it); checksums are correct; IP IDs and TTLs are what tcpdump -v showed,
 * else 0 and 64. Options follow the text's order, padded with NOPs the way stacks align them.
 */
import type { TextOption } from "./text-model.js";
import type { SynthPacket } from "./text-rebuild.js";

const MAX_OPTIONS = 40;

function optionBytes(list: TextOption[]): number[] {
  const explicitPadding = list.some((o) => o.kind === "nop" || o.kind === "eol");
  const out: number[] = [];
  // Without NOPs in the text (Wireshark lists no padding), align as Linux and Windows do: MSS on 4,
  // window scale after one NOP, timestamps and SACK blocks after two.
  const align = (want: number): void => {
    if (explicitPadding) return;
    while (out.length % 4 !== want) out.push(1);
  };
  for (const [i, o] of list.entries()) {
    switch (o.kind) {
      case "nop":
        out.push(1);
        break;
      case "eol":
        out.push(0);
        break;
      case "mss":
        align(0);
        out.push(2, 4, o.value >> 8, o.value & 0xff);
        break;
      case "ws":
        align(1);
        out.push(3, 3, o.shift);
        break;
      case "sackPerm":
        if (list[i + 1]?.kind !== "ts") align(2);
        out.push(4, 2);
        break;
      case "ts":
        align(2);
        out.push(8, 10, ...u32(o.val), ...u32(o.ecr));
        break;
      case "sack": {
        align(2);
        const room = Math.floor((MAX_OPTIONS - out.length - 2) / 8);
        const n = Math.max(0, Math.min(o.blocks.length / 2, room));
        if (n === 0) break;
        out.push(5, 2 + 8 * n);
        for (const v of o.blocks.slice(0, 2 * n)) out.push(...u32(v));
        break;
      }
    }
  }
  while (out.length % 4 !== 0) out.push(explicitPadding ? 0 : 1);
  return out.length > MAX_OPTIONS ? out.slice(0, MAX_OPTIONS) : out;
}

function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

function sum16(b: Uint8Array, start: number, end: number, acc: number): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  return s;
}

function fold(s: number): number {
  let x = s;
  while (x > 0xffff) x = (x & 0xffff) + Math.floor(x / 65536);
  return ~x & 0xffff;
}

export class Synthesizer {
  private readonly buf = new Uint8Array(65536 + 128);

  /** The packet's bytes: a view into a reused buffer, valid until the next call. */
  build(p: SynthPacket): Uint8Array {
    const v6 = p.src.length === 16;
    const ipLen = v6 ? 40 : 20;
    const opts = optionBytes(p.options);
    const tcpLen = 20 + opts.length;
    const len = Math.min(p.len, 65535 - ipLen - tcpLen);
    const total = ipLen + tcpLen + len;
    const b = this.buf;
    b.fill(0, 0, total);
    if (v6) {
      b[0] = 0x60;
      b[4] = (tcpLen + len) >> 8;
      b[5] = (tcpLen + len) & 0xff;
      b[6] = 6;
      b[7] = p.ttl ?? 64;
      b.set(p.src, 8);
      b.set(p.dst, 24);
    } else {
      b[0] = 0x45;
      b[2] = total >> 8;
      b[3] = total & 0xff;
      b[4] = ((p.ipId ?? 0) >> 8) & 0xff;
      b[5] = (p.ipId ?? 0) & 0xff;
      b[6] = 0x40; // DF, as modern stacks send
      b[8] = p.ttl ?? 64;
      b[9] = 6;
      b.set(p.src, 12);
      b.set(p.dst, 16);
      const c = fold(sum16(b, 0, 20, 0));
      b[10] = c >> 8;
      b[11] = c & 0xff;
    }
    const t = ipLen;
    b[t] = p.sport >> 8;
    b[t + 1] = p.sport & 0xff;
    b[t + 2] = p.dport >> 8;
    b[t + 3] = p.dport & 0xff;
    b.set(u32(p.seq >>> 0), t + 4);
    b.set(u32(p.ack >>> 0), t + 8);
    b[t + 12] = ((tcpLen / 4) << 4) | ((p.flags >> 8) & 1);
    b[t + 13] = p.flags & 0xff;
    b[t + 14] = (p.win >> 8) & 0xff;
    b[t + 15] = p.win & 0xff;
    b.set(opts, t + 20);
    // TCP checksum over the pseudo-header and the segment; the zero payload adds nothing but its length.
    const seg = tcpLen + len;
    let s = sum16(b, v6 ? 8 : 12, v6 ? 40 : 20, 0);
    s += 6 + (seg & 0xffff) + (seg >>> 16);
    const c = fold(sum16(b, t, t + tcpLen, s));
    b[t + 16] = c >> 8;
    b[t + 17] = c & 0xff;
    return b.subarray(0, total);
  }
}
