/** Time helpers: timestamps are carried as (seconds, nanoseconds) pairs to keep full precision. */

function pad(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

/** "2019-07-25 20:19:00.628353" in UTC with `digits` fractional digits (capinfos style). */
export function formatUtc(sec: number, nsec: number, digits: number): string {
  const d = new Date(sec * 1000);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(
    d.getUTCHours(),
    2,
  )}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (digits <= 0) return base;
  const frac = pad(Math.abs(nsec), 9).slice(0, Math.min(digits, 9));
  return `${base}.${frac}`;
}

/** Difference b - a in seconds as a float (for display and rates, not for exact comparisons). */
export function diffSeconds(a: readonly [number, number], b: readonly [number, number]): number {
  return b[0] - a[0] + (b[1] - a[1]) / 1e9;
}
