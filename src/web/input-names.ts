/**
 * The names the user gave the two captures of a comparison. The server stores uploads as
 * `<id>.capture`, and some two-capture texts (correlate's findings) still say that stored name; the
 * pages show the user's file name instead, by replacing exactly that stored name.
 */
import { useEffect, useState } from "preact/hooks";
import { getJson, type Summary } from "./api.js";

export function useInputNames(ids: readonly (string | null)[]): (string | null)[] {
  const [names, setNames] = useState<(string | null)[]>(ids.map(() => null));
  const key = ids.join(",");
  useEffect(() => {
    let stopped = false;
    getJson<{ analyses: Summary[] }>("/api/analyses")
      .then((r) => {
        if (!stopped) setNames(ids.map((id) => r.analyses.find((a) => a.id === id)?.name ?? null));
      })
      .catch(() => {
        // The stored names stay: the page is still usable.
      });
    return () => {
      stopped = true;
    };
  }, [key]);
  return names;
}

/** A function that puts the user's names in place of the stored `<id>.capture` names. */
export function renamer(
  ids: readonly (string | null)[],
  names: readonly (string | null)[],
): (s: string) => string {
  const pairs = ids.flatMap((id, i) => (id && names[i] ? [[`${id}.capture`, names[i]!] as const] : []));
  return (s) => pairs.reduce((acc, [from, to]) => acc.split(from).join(to), s);
}
