/**
 * Colours shared by the SVG diagrams and the HTML report, so a zero window is the same purple in the
 * ladder, the time-sequence graph and the legend. Chosen to stay distinguishable in print (greyscale)
 * by pairing each with a distinct marker shape in the graphs.
 */
import type { PacketKind } from "./report-common.js";

export const INK = "#1f2937";
export const MUTED = "#6b7280";
export const FAINT = "#d1d5db";
export const MONO =
  "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
export const SANS =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";

export const KIND_COLOR: Record<PacketKind, string> = {
  rst: "#c62828",
  zerowin: "#7b1fa2",
  retrans: "#e65100",
  dupack: "#b7791f",
  anomaly: "#0e7490",
  winupdate: "#15803d",
  syn: "#1d4ed8",
  fin: "#047857",
  data: "#1f2937",
  ack: "#1f2937",
};

export const KIND_NAME: Record<PacketKind, string> = {
  rst: "reset (RST)",
  zerowin: "zero window / probe",
  retrans: "retransmission",
  dupack: "duplicate ACK",
  anomaly: "ACKed unseen / out of order",
  winupdate: "window update (room again)",
  syn: "connection setup (SYN)",
  fin: "close (FIN)",
  data: "data",
  ack: "acknowledgement",
};

export const SEVERITY_COLOR = {
  error: "#b42318",
  warning: "#b54708",
  info: "#175cd3",
  ok: "#067647",
} as const;
