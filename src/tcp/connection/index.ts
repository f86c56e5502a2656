/** Our connection model (Zeek-style connections with evidence): see tracker.ts. */
export { ConnectionTracker, TrackerClock, trackerAccepts } from "./tracker.js";
export { DEFAULT_CONNECTION_OPTIONS, resolveConnectionOptions, ZEEK_LIKELY_SERVER_PORTS } from "./options.js";
export { flagLetters, wsFlagNames } from "./record.js";
export * from "./types.js";
