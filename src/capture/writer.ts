/**
 * Minimal capture writers (pcap and pcapng), used to write anonymised or filtered captures and to
 * build test fixtures byte by byte.
 */

export interface WritePacket {
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  /** Original length (defaults to data.length). */
  origLen?: number;
  /** pcapng only: interface index and comment. */
  interfaceId?: number;
  comment?: string;
}

export interface PcapWriteOptions {
  linkType: number;
  nanoseconds?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
}

class Bytes {
  private chunks: Uint8Array[] = [];
  constructor(private readonly little: boolean) {}
  u8(v: number): this {
    this.chunks.push(Uint8Array.of(v & 0xff));
    return this;
  }
  u16(v: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, this.little);
    this.chunks.push(b);
    return this;
  }
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, this.little);
    this.chunks.push(b);
    return this;
  }
  i64(v: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, v, this.little);
    this.chunks.push(b);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.chunks.push(b);
    return this;
  }
  pad4(len: number): this {
    const p = (4 - (len % 4)) % 4;
    if (p) this.chunks.push(new Uint8Array(p));
    return this;
  }
  concat(): Uint8Array {
    const n = this.chunks.reduce((a, c) => a + c.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

export function writePcap(packets: WritePacket[], o: PcapWriteOptions): Uint8Array {
  const w = new Bytes(!o.bigEndian);
  w.u32(o.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(2)
    .u16(4)
    .u32(0)
    .u32(0)
    .u32(o.snaplen ?? 262144)
    .u32(o.linkType);
  for (const p of packets) {
    w.u32(p.tsSec)
      .u32(o.nanoseconds ? p.tsNsec : Math.floor(p.tsNsec / 1000))
      .u32(p.data.length)
      .u32(p.origLen ?? p.data.length)
      .bytes(p.data);
  }
  return w.concat();
}

export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  /** if_tsresol byte (default 6 = µs; 0x80|n = 2^-n). */
  tsresol?: number;
  tsoffsetSec?: number;
  name?: string;
}

export interface PcapngSection {
  bigEndian?: boolean;
  comment?: string;
  interfaces: PcapngInterface[];
  packets: WritePacket[];
  /** Raw extra blocks (type, body) inserted before the packets. */
  extraBlocks?: { type: number; body: Uint8Array }[];
}

const enc = new TextEncoder();

function block(little: boolean, type: number, body: Uint8Array): Uint8Array {
  const len = 12 + body.length;
  return new Bytes(little).u32(type).u32(len).bytes(body).u32(len).concat();
}

function options(little: boolean, opts: [number, Uint8Array][]): Uint8Array {
  if (opts.length === 0) return new Uint8Array(0);
  const w = new Bytes(little);
  for (const [code, v] of opts) w.u16(code).u16(v.length).bytes(v).pad4(v.length);
  w.u16(0).u16(0);
  return w.concat();
}

function ticksOf(p: WritePacket, tsresol: number): bigint {
  const ns = BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec);
  if (tsresol & 0x80) return (ns * (1n << BigInt(tsresol & 0x7f))) / 1_000_000_000n;
  const n = tsresol;
  return n >= 9 ? ns * 10n ** BigInt(n - 9) : ns / 10n ** BigInt(9 - n);
}

export function writePcapng(sections: PcapngSection[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of sections) {
    const le = !s.bigEndian;
    const shbOpts: [number, Uint8Array][] = s.comment ? [[1, enc.encode(s.comment)]] : [];
    const shb = new Bytes(le).u32(0x1a2b3c4d).u16(1).u16(0).i64(-1n).bytes(options(le, shbOpts)).concat();
    parts.push(block(le, 0x0a0d0d0a, shb));
    for (const i of s.interfaces) {
      const opts: [number, Uint8Array][] = [];
      if (i.name) opts.push([2, enc.encode(i.name)]);
      if (i.tsresol !== undefined) opts.push([9, Uint8Array.of(i.tsresol)]);
      if (i.tsoffsetSec !== undefined) opts.push([14, new Bytes(le).i64(BigInt(i.tsoffsetSec)).concat()]);
      parts.push(
        block(
          le,
          1,
          new Bytes(le)
            .u16(i.linkType)
            .u16(0)
            .u32(i.snaplen ?? 0)
            .bytes(options(le, opts))
            .concat(),
        ),
      );
    }
    for (const b of s.extraBlocks ?? []) parts.push(block(le, b.type, b.body));
    for (const p of s.packets) {
      const iface = s.interfaces[p.interfaceId ?? 0];
      const res = iface?.tsresol ?? 6;
      const off = BigInt(iface?.tsoffsetSec ?? 0);
      const t = ticksOf({ ...p, tsSec: Number(BigInt(p.tsSec) - off) }, res);
      const opts: [number, Uint8Array][] = p.comment ? [[1, enc.encode(p.comment)]] : [];
      const body = new Bytes(le)
        .u32(p.interfaceId ?? 0)
        .u32(Number(t >> 32n))
        .u32(Number(t & 0xffffffffn))
        .u32(p.data.length)
        .u32(p.origLen ?? p.data.length)
        .bytes(p.data)
        .pad4(p.data.length)
        .bytes(options(le, opts))
        .concat();
      parts.push(block(le, 6, body));
    }
  }
  const n = parts.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of parts) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
