/** `tcpsleuth info`: what capinfos tells, plus what tcpsleuth skipped and why. */
import type { CaptureSummary } from "../capture/types.js";
import { linkTypeLongName, linkTypeShortName } from "../model/linktype.js";
import { diffSeconds, formatUtc } from "../util/time.js";

export interface InfoReport {
  file: string;
  format: string;
  compression: string;
  byteOrder: string | null;
  version: string | null;
  encapsulation: string;
  encapsulations: { linkType: number; name: string; packets: number }[];
  precisionDigits: number;
  snaplen: number | null;
  packets: number;
  records: number;
  firstPacketTime: string | null;
  lastPacketTime: string | null;
  firstEpoch: string | null;
  lastEpoch: string | null;
  durationSeconds: number | null;
  fileBytes: number | null;
  dataBytes: number;
  wireBytes: number;
  strictTimeOrder: boolean;
  sections: {
    byteOrder: string;
    hardware: string | null;
    os: string | null;
    application: string | null;
    comments: string[];
  }[];
  interfaces: {
    id: number;
    name: string | null;
    description: string | null;
    linkType: number;
    encapsulation: string;
    snaplen: number;
    precisionDigits: number;
    ticksPerSecond: number;
    tsOffsetSeconds: number;
    packets: number;
  }[];
  commentedPackets: number;
  skipped: { reason: string; count: number }[];
  problems: { offset: number; message: string; fatal: boolean }[];
}

function epoch(t: [number, number] | undefined): string | null {
  return t ? `${t[0]}.${String(t[1]).padStart(9, "0")}` : null;
}

export function buildInfoReport(s: CaptureSummary, extraSkips: Map<string, number> = new Map()): InfoReport {
  const byLink = new Map<number, number>();
  for (const i of s.interfaces) byLink.set(i.linkType, (byLink.get(i.linkType) ?? 0) + i.packets);
  const used = [...byLink.entries()].filter(([, n]) => n > 0);
  const kinds = used.length > 0 ? used : [...byLink.entries()];
  const precision = Math.max(0, ...s.interfaces.map((i) => i.precisionDigits));
  const skipped = new Map(s.skipped);
  for (const [k, v] of extraSkips) skipped.set(k, (skipped.get(k) ?? 0) + v);
  return {
    file: s.name,
    format: s.format,
    compression: s.compression,
    byteOrder: s.byteOrder ?? null,
    version: s.format === "unknown" ? null : `${s.versionMajor}.${s.versionMinor}`,
    encapsulation:
      kinds.length === 1 ? linkTypeShortName(kinds[0]![0]) : kinds.length === 0 ? "none" : "per-packet",
    encapsulations: kinds.map(([lt, n]) => ({ linkType: lt, name: linkTypeLongName(lt), packets: n })),
    precisionDigits: precision,
    snaplen: s.format === "pcapng" ? null : s.snaplen,
    packets: s.frames,
    records: s.records,
    firstPacketTime: s.firstTs ? formatUtc(s.firstTs[0], s.firstTs[1], precision) : null,
    lastPacketTime: s.lastTs ? formatUtc(s.lastTs[0], s.lastTs[1], precision) : null,
    firstEpoch: epoch(s.firstTs),
    lastEpoch: epoch(s.lastTs),
    durationSeconds: s.firstTs && s.lastTs ? diffSeconds(s.firstTs, s.lastTs) : null,
    fileBytes: s.rawSize >= 0 ? s.rawSize : null,
    dataBytes: s.capturedBytes,
    wireBytes: s.originalBytes,
    strictTimeOrder: s.strictTimeOrder,
    sections: s.sections.map((x) => ({
      byteOrder: x.byteOrder,
      hardware: x.hardware ?? null,
      os: x.os ?? null,
      application: x.application ?? null,
      comments: x.comments,
    })),
    interfaces: s.interfaces.map((i, id) => ({
      id,
      name: i.name ?? null,
      description: i.description ?? null,
      linkType: i.linkType,
      encapsulation: `${linkTypeLongName(i.linkType)} (${i.linkType} - ${linkTypeShortName(i.linkType)})`,
      snaplen: i.snaplen,
      precisionDigits: i.precisionDigits,
      ticksPerSecond: i.ticksPerSecond,
      tsOffsetSeconds: i.tsOffsetSec,
      packets: i.packets,
    })),
    commentedPackets: s.commentedFrames,
    skipped: [...skipped.entries()].map(([reason, count]) => ({ reason, count })),
    problems: s.problems,
  };
}

function line(label: string, value: string | number): string {
  return `${`${label}:`.padEnd(27)}${value}`;
}

export function renderInfoText(r: InfoReport): string {
  const out: string[] = [];
  const fmt = r.compression === "none" ? r.format : `${r.format} (${r.compression}-compressed)`;
  out.push(line("File name", r.file));
  out.push(line("File type", fmt));
  if (r.byteOrder) out.push(line("Byte order", `${r.byteOrder}-endian, version ${r.version}`));
  out.push(line("File encapsulation", r.encapsulation));
  if (r.encapsulations.length > 1) {
    for (const e of r.encapsulations) out.push(line("  packets", `${e.name} (${e.packets})`));
  }
  out.push(line("Timestamp precision", `${r.precisionDigits} digits`));
  if (r.snaplen !== null) out.push(line("Packet size limit", `${r.snaplen} bytes`));
  out.push(line("Number of packets", r.packets));
  if (r.records !== r.packets) out.push(line("Other numbered records", r.records - r.packets));
  if (r.fileBytes !== null) out.push(line("File size", `${r.fileBytes} bytes`));
  out.push(line("Data size", `${r.dataBytes} bytes (${r.wireBytes} on the wire)`));
  if (r.durationSeconds !== null)
    out.push(line("Capture duration", `${r.durationSeconds.toFixed(r.precisionDigits)} seconds`));
  if (r.firstPacketTime) out.push(line("First packet time", `${r.firstPacketTime} UTC (${r.firstEpoch})`));
  if (r.lastPacketTime) out.push(line("Last packet time", `${r.lastPacketTime} UTC (${r.lastEpoch})`));
  out.push(line("Strict time order", r.strictTimeOrder ? "yes" : "no"));
  r.sections.forEach((s, i) => {
    if (r.sections.length > 1) out.push(`Section ${i}:`);
    if (s.hardware) out.push(line("Capture hardware", s.hardware));
    if (s.os) out.push(line("Capture OS", s.os));
    if (s.application) out.push(line("Capture application", s.application));
    for (const c of s.comments) out.push(line("Capture comment", c));
  });
  out.push(line("Interfaces", r.interfaces.length));
  for (const i of r.interfaces) {
    const name = i.name ? ` ${i.name}` : "";
    out.push(
      `  #${i.id}${name}: ${i.encapsulation}, snaplen ${i.snaplen}, ${i.precisionDigits}-digit timestamps${
        i.tsOffsetSeconds ? `, offset ${i.tsOffsetSeconds} s` : ""
      }, ${i.packets} packets`,
    );
  }
  if (r.commentedPackets > 0) out.push(line("Packets with comments", r.commentedPackets));
  if (r.skipped.length === 0) out.push(line("Frames not analysed", "0 (every frame carries TCP)"));
  for (const s of r.skipped) out.push(line("Frames not analysed", `${s.count}: ${s.reason}`));
  for (const p of r.problems)
    out.push(line(p.fatal ? "Reading stopped" : "Problem", `byte ${p.offset}: ${p.message}`));
  return `${out.join("\n")}\n`;
}
