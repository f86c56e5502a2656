/** Wireshark-compatible per-packet TCP analysis (tshark 4.0.17, two-pass, default preferences). */
export { type AnalyzerStorage, DEFAULT_MAX_CONVERSATIONS, TcpAnalyzer } from "./analyzer.js";
export { type AnalysisOptions, DEFAULT_ANALYSIS_OPTIONS, resolveOptions } from "./options.js";
export {
  ALL_FLAGS,
  Flag,
  FLAG_NAMES,
  FrameBit,
  flagNames,
  isPlainRetransmission,
  parseFlagNames,
} from "./flags.js";
export { frameInfoTags, infoTags } from "./info.js";
export { type TcpFieldStrings, tcpFieldStrings } from "./fields.js";
export { WSCALE_NONE, WSCALE_UNKNOWN } from "./flows.js";
