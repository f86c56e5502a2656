/**
 * One packet as a cell of a side-by-side text ladder (compare's GOOD | BAD, correlate's A | B):
 * frame, time, direction and Wireshark's Info wording, cut to the column with "…".
 */
export interface LadderCellPacket {
  frame: number;
  rel: number;
  /** Sent by the client (left lifeline). */
  toServer: boolean;
  flags: string;
  seq: number;
  ack: number;
  len: number;
  /** The advertised window, when known (a zero window is often the story). */
  win?: number;
}

/** "#36 12.000376 → [ACK] Seq=20001 Ack=1 Len=1448", with " Win=0" before Len when the window is known. */
export function ladderCellText(p: LadderCellPacket, width: number): string {
  const arrow = p.toServer ? "→" : "←";
  const ack = /ACK/.test(p.flags) ? ` Ack=${p.ack}` : "";
  const win = p.win !== undefined ? ` Win=${p.win}` : "";
  const text = `#${p.frame} ${p.rel.toFixed(6)} ${arrow} [${p.flags}] Seq=${p.seq}${ack}${win} Len=${p.len}`;
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
