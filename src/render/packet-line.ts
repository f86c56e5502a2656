/**
 * One packet-list line per frame, as Wireshark's packet list shows it (No., Time, Source,
 * Destination, Protocol, Length, Info), and the 13-column TSV of the oracle files.
 * Called at output time only: these build strings.
 */
import { TcpFlag } from "../model/packet.js";

/** Everything a line needs, gathered by the pipeline for one frame. */
export interface PacketLineData {
  number: number;
  epoch: string;
  /** Seconds since the first frame, as a float string with the capture's precision. */
  relTime: string;
  src: string;
  dst: string;
  protocol: string;
  length: number;
  /** TCP only (empty strings otherwise). */
  stream: string;
  srcPort: string;
  dstPort: string;
  tcpFlagsHex: string;
  seq: string;
  ack: string;
  len: string;
  windowSize: string;
  analysisFlags: string;
  /** Text format: "[TCP ...]" tags, flag names, options in wire order. */
  tags: string;
  tcpFlagBits: number;
  optionsText: string;
  /** Info for non-TCP frames. */
  info: string;
}

export const TSV_HEADER =
  "frame.number\tframe.time_epoch\ttcp.stream\tip.src/ipv6.src\tip.dst/ipv6.dst\ttcp.srcport\ttcp.dstport\ttcp.flags\ttcp.seq\ttcp.ack\ttcp.len\ttcp.window_size\tflags";

export function tsvLine(d: PacketLineData): string {
  return `${d.number}\t${d.epoch}\t${d.stream}\t${d.src}\t${d.dst}\t${d.srcPort}\t${d.dstPort}\t${d.tcpFlagsHex}\t${d.seq}\t${d.ack}\t${d.len}\t${d.windowSize}\t${d.analysisFlags}`;
}

const FLAG_TEXT: [number, string][] = [
  [TcpFlag.FIN, "FIN"],
  [TcpFlag.SYN, "SYN"],
  [TcpFlag.RST, "RST"],
  [TcpFlag.PSH, "PSH"],
  [TcpFlag.ACK, "ACK"],
  [TcpFlag.URG, "URG"],
  [TcpFlag.ECE, "ECE"],
  [TcpFlag.CWR, "CWR"],
  [TcpFlag.AE, "AE"],
];

/** "[SYN, ACK]" — flag names from the lowest bit up, as Wireshark lists them; "[<None>]" if none. */
export function tcpFlagsText(bits: number): string {
  const names = FLAG_TEXT.filter(([b]) => bits & b).map(([, n]) => n);
  return `[${names.length ? names.join(", ") : "<None>"}]`;
}

export function tcpInfo(d: PacketLineData): string {
  const parts: string[] = [];
  if (d.tags) parts.push(d.tags);
  parts.push(`${d.srcPort} → ${d.dstPort}`, tcpFlagsText(d.tcpFlagBits), `Seq=${d.seq}`);
  if (d.tcpFlagBits & TcpFlag.ACK && d.ack !== "") parts.push(`Ack=${d.ack}`);
  if (d.windowSize !== "") parts.push(`Win=${d.windowSize}`);
  parts.push(`Len=${d.len}`);
  if (d.optionsText) parts.push(d.optionsText);
  return parts.join(" ");
}

export const TEXT_HEADER =
  "    No.        Time Source                Destination           Protocol Length Info";

export function textLine(d: PacketLineData): string {
  const info = d.srcPort !== "" ? tcpInfo(d) : d.info;
  return `${String(d.number).padStart(7)} ${d.relTime.padStart(11)} ${d.src.padEnd(21)} ${d.dst.padEnd(21)} ${d.protocol.padEnd(8)} ${String(d.length).padStart(6)} ${info}`;
}
