/** Naming what a non-capture input looks like, for the one-line error a user sees. */

export function describeUnknown(head: Uint8Array): string {
  if (head.length === 0) return "the input is empty";
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58) {
    return "looks like an xz-compressed file (decompress it first: xz -d)";
  }
  if (head[0] === 0x50 && head[1] === 0x4b) return "looks like a zip archive (extract it first)";
  let printable = 0;
  for (const b of head) {
    if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc0) printable++;
  }
  if (printable / head.length > 0.95) {
    const text = new TextDecoder().decode(head).trimStart();
    if (/^<(!doctype|html)/i.test(text)) return "looks like an HTML page";
    return "looks like text";
  }
  const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `unknown format (first bytes ${hex}); tcpsleuth reads pcap and pcapng, optionally gzip- or zstd-compressed`;
}
