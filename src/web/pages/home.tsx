/**
 * The start page: the upload box, then every analysis made so far, newest first, each with its
 * result in one line and a delete button (asking once before it deletes).
 */
import { useEffect, useState } from "preact/hooks";
import { deleteAnalysis, getJson, type Summary } from "../api.js";
import { Link } from "../router.js";
import { renamer } from "../input-names.js";
import { forgetAnalysis } from "../use-analysis.js";
import { formatBytes, formatCount, formatWhen, verdictWords } from "../words.js";
import { Upload } from "./upload.js";

const KIND_WORDS: Record<string, string> = {
  capture: "one capture",
  compare: "worked vs failed",
  correlate: "both sides of a box",
};

export function HomePage() {
  const [list, setList] = useState<Summary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const load = async () => {
      try {
        const r = await getJson<{ analyses: Summary[] }>("/api/analyses");
        if (stopped) return;
        setList(r.analyses);
        setError(null);
        // While something is still being analysed, keep the list current.
        if (r.analyses.some((a) => a.status === "queued" || a.status === "analysing"))
          timer = window.setTimeout(load, 1500);
      } catch (e) {
        if (!stopped) setError(`Could not load the list: ${(e as Error).message}`);
      }
    };
    void load();
    return () => {
      stopped = true;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [tick]);

  const remove = async (id: string) => {
    try {
      await deleteAnalysis(id);
      forgetAnalysis(id);
      setConfirming(null);
      setTick((t) => t + 1);
    } catch (e) {
      setError(`Could not delete it: ${(e as Error).message}`);
    }
  };

  return (
    <>
      <Upload />
      <section class="card" aria-labelledby="analyses-title">
        <h2 id="analyses-title">Earlier analyses</h2>
        {error && (
          <p class="error-text" role="alert">
            {error}
          </p>
        )}
        {list === null && !error && <p class="hint">Loading…</p>}
        {list?.length === 0 && <p class="hint">None yet. Drop a capture above to start.</p>}
        {list && list.length > 0 && (
          <div class="table-wrap">
            <table class="analyses">
              <thead>
                <tr>
                  <th>file</th>
                  <th>what</th>
                  <th>result</th>
                  <th class="num">packets</th>
                  <th class="num">size</th>
                  <th>when</th>
                  <th>
                    <span class="visually-hidden">actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => {
                  const v = verdictWords(a.status === "done" ? a.verdict : undefined);
                  const ids = a.inputs ?? [];
                  const rename = renamer(
                    ids,
                    ids.map((i) => list.find((x) => x.id === i)?.name ?? null),
                  );
                  return (
                    <tr key={a.id} data-id={a.id}>
                      <td class="name">
                        <Link href={`/a/${encodeURIComponent(a.id)}`} class="mono" title={a.name}>
                          {a.name}
                        </Link>
                      </td>
                      <td>{KIND_WORDS[a.kind] ?? a.kind}</td>
                      <td class={`result tone-${v.tone}`}>
                        {a.status === "done" ? (
                          <>
                            <span class="badge">
                              {v.label === "PROBLEM FOUND" ? "PROBLEM" : v.label.split(" (")[0]}
                            </span>{" "}
                            <span class="headline">{rename(a.headline ?? "")}</span>
                          </>
                        ) : a.status === "failed" ? (
                          <span class="error-text">could not be analysed</span>
                        ) : (
                          <span class="hint">{a.status === "queued" ? "waiting…" : "analysing…"}</span>
                        )}
                      </td>
                      <td class="num">{formatCount(a.packets)}</td>
                      <td class="num">{a.kind === "capture" ? formatBytes(a.size) : "–"}</td>
                      <td class="when" title={a.created}>
                        {formatWhen(a.created)}
                      </td>
                      <td class="row-actions">
                        {confirming === a.id ? (
                          <span class="confirm">
                            Delete for good?{" "}
                            <button type="button" class="danger" onClick={() => void remove(a.id)}>
                              Yes, delete
                            </button>{" "}
                            <button type="button" onClick={() => setConfirming(null)}>
                              Keep
                            </button>
                          </span>
                        ) : (
                          <button
                            type="button"
                            class="quiet"
                            aria-label={`Delete ${a.name}`}
                            onClick={() => setConfirming(a.id)}
                          >
                            Delete
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
