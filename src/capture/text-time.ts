/**
 * Capture time from printed times. What a column means is only clear from the whole column: a bare
 * number of seconds is "since the first packet" when it never decreases and a delta otherwise;
 * tcpdump's HH:MM:SS is a time of day, unless the first one is 00:00:00.000000, which is how
 * `-ttt` (delta) and `-ttttt` (since the first packet) begin.
 */
import type { TextTime } from "./text-model.js";

export interface TimeResult {
  /** Per packet: seconds and nanoseconds since 1970 (or since the capture's start when only relative). */
  times: ([number, number] | undefined)[];
  /** Words for the report: how the times were read. */
  note: string | undefined;
  digits: number;
}

const DAY = 86400;

/** Compares as (seconds, nanoseconds): epoch times in nanoseconds would not fit a double exactly. */
function cmp(a: TextTime, b: TextTime): number {
  return a.sec - b.sec || a.nsec - b.nsec;
}

export function normaliseTimes(times: (TextTime | undefined)[]): TimeResult {
  const shown = times.filter((t): t is TextTime => t !== undefined);
  const digits = shown.reduce((m, t) => Math.max(m, t.digits), 0);
  if (shown.length === 0) {
    return { times: times.map(() => undefined), note: "the text shows no times: timing checks are not possible", digits: 6 };
  }
  const kinds = new Set(shown.map((t) => t.kind));
  const monotonic = shown.every((t, i) => i === 0 || cmp(t, shown[i - 1]!) >= 0);
  let mode: "absolute" | "tod" | "since-first" | "delta" = "absolute";
  let note: string | undefined;
  if (kinds.has("seconds")) {
    mode = monotonic ? "since-first" : "delta";
    note = monotonic
      ? "times are seconds since the capture began (no date): shown as if the capture began on 1970-01-01"
      : "times are deltas between packets (no date): added up, starting on 1970-01-01";
  } else if (kinds.has("hms")) {
    const first = shown[0]!;
    if (first.sec === 0 && first.nsec === 0) {
      mode = monotonic ? "since-first" : "delta";
      note = `times are tcpdump ${monotonic ? "-ttttt (since the first packet)" : "-ttt (deltas)"}: no date, shown from 1970-01-01`;
    } else {
      mode = "tod";
    }
  } else if (kinds.has("tod")) {
    mode = "tod";
  }
  if (mode === "tod") note = "times are times of day without a date (taken as UTC, on 1970-01-01)";
  if (mode === "absolute" && kinds.has("datetime"))
    note = "the text does not say which time zone its times are in: taken as UTC";
  const out: ([number, number] | undefined)[] = [];
  let sumSec = 0;
  let sumNsec = 0;
  let dayShift = 0;
  let prevSec: number | undefined;
  for (const t of times) {
    if (t === undefined) {
      out.push(undefined);
      continue;
    }
    if (mode === "delta") {
      sumSec += t.sec;
      sumNsec += t.nsec;
      if (sumNsec >= 1e9) {
        sumSec++;
        sumNsec -= 1e9;
      }
      out.push([sumSec, sumNsec]);
      continue;
    }
    let sec = t.sec;
    if (mode === "tod") {
      // A time of day that jumps back by more than half a day has passed midnight.
      sec += dayShift;
      if (prevSec !== undefined && sec < prevSec - DAY / 2) {
        dayShift += DAY;
        sec += DAY;
      }
      prevSec = sec;
    }
    out.push([sec, t.nsec]);
  }
  return { times: out, note, digits: digits || 6 };
}
