/**
 * TCP options as Wireshark's Info column lists them, in wire order: "MSS=1460 SACK_PERM TSval=1
 * TSecr=0 WS=128", SACK blocks as "SLE=x SRE=y" relative to `sackBase` (the acknowledged side's
 * base sequence number), "TFO=R" for a cookie request and "TFO=C" for a cookie.
 */
function u16(d: Uint8Array, i: number): number {
  return (d[i]! << 8) | d[i + 1]!;
}
function u32(d: Uint8Array, i: number): number {
  return ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
}

export function tcpOptionsText(d: Uint8Array, start: number, end: number, sackBase: number): string {
  const out: string[] = [];
  let p = start;
  end = Math.min(end, d.length);
  while (p < end) {
    const kind = d[p]!;
    if (kind === 0) break;
    if (kind === 1) {
      p++;
      continue;
    }
    if (p + 1 >= end) break;
    const len = d[p + 1]!;
    if (len < 2 || p + len > end) break;
    switch (kind) {
      case 2:
        if (len === 4) out.push(`MSS=${u16(d, p + 2)}`);
        break;
      case 3:
        if (len === 3) out.push(`WS=${2 ** Math.min(d[p + 2]!, 14)}`);
        break;
      case 4:
        out.push("SACK_PERM");
        break;
      case 5:
        for (let q = p + 2; q + 8 <= p + len; q += 8) {
          out.push(`SLE=${(u32(d, q) - sackBase) >>> 0} SRE=${(u32(d, q + 4) - sackBase) >>> 0}`);
        }
        break;
      case 8:
        if (len === 10) out.push(`TSval=${u32(d, p + 2)} TSecr=${u32(d, p + 6)}`);
        break;
      case 34:
        out.push(len === 2 ? "TFO=R" : "TFO=C");
        break;
      case 254:
        if (len >= 4 && u16(d, p + 2) === 0xf989) out.push(len === 4 ? "TFO=R" : "TFO=C");
        break;
    }
    p += len;
  }
  return out.join(" ");
}
