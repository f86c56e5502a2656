/**
 * The tables of an analysis's data.duckdb, written by the analysis job and read by the server.
 * Rows keep capture order; `i` (row index) and `si` (index within the TCP stream) make a page of the
 * packet list a range filter (`i BETWEEN ...`), which DuckDB answers from its min/max zone maps
 * without reading the rest of the table.
 */

/**
 * Beside the tables, in the analysis directory: the first pass's stream creation frames
 * (AnalyzeResult.streamFrames) as raw float64 values, which let a ladder of a stream no finding
 * names be drawn from a pass that looks closely at that connection's frames only.
 */
export const STREAM_FRAMES_FILE = "stream-frames.f64";

/** One row per frame: Wireshark's packet-list columns (PacketRow of docs/web-api.md). */
export const PACKETS_TABLE = `CREATE TABLE packets (
  i UINTEGER NOT NULL, no UINTEGER NOT NULL, t DOUBLE, src VARCHAR, dst VARCHAR, proto VARCHAR,
  len UINTEGER, info VARCHAR, stream INTEGER NOT NULL, si INTEGER NOT NULL,
  sport UINTEGER, dport UINTEGER, flags UINTEGER, seq UINTEGER, ack UINTEGER, tcpLen UINTEGER,
  win DOUBLE, analysis VARCHAR, color VARCHAR)`;

/** One row per TCP connection (ConnRow of docs/web-api.md) with its `flows --json` record. */
export const CONNECTIONS_TABLE = `CREATE TABLE connections (
  stream INTEGER NOT NULL, uid INTEGER NOT NULL, client VARCHAR, server VARCHAR, state VARCHAR,
  history VARCHAR, start DOUBLE, duration DOUBLE, packets DOUBLE, bytes DOUBLE,
  retransmissions DOUBLE, zeroWindowSec DOUBLE, reset BOOLEAN, findings VARCHAR,
  firstFrame INTEGER, lastFrame INTEGER, close VARCHAR, streams VARCHAR, record VARCHAR)`;

/** Analysis flags Wireshark's "Bad TCP" colouring rule leaves out. */
const BENIGN = new Set(["window_update", "keep_alive", "keep_alive_ack"]);

const RST = 0x04;
const SYN_FIN = 0x03;

/** Wireshark's colouring rule for the row: "bad" (RST or a bad analysis flag), "syn" (SYN/FIN), "tcp", "other". */
export function colorOf(isTcp: boolean, flags: number, analysis: string): "bad" | "syn" | "tcp" | "other" {
  if (!isTcp) return "other";
  if (flags & RST) return "bad";
  if (analysis !== "" && analysis.split(",").some((f) => !BENIGN.has(f))) return "bad";
  if (flags & SYN_FIN) return "syn";
  return "tcp";
}
