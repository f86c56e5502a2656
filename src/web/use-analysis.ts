/**
 * Loads one analysis and keeps asking while the server is still working on it, so a page opened
 * right after an upload shows the progress and then the result without a reload. The last answer
 * per id is kept, so moving between the tabs of one analysis does not fetch the report again.
 */
import { useEffect, useState } from "preact/hooks";
import { type Analysis, analysisUrl, getJson } from "./api.js";

const POLL_MS = 600;
const cache = new Map<string, Analysis>();

export interface AnalysisState {
  analysis: Analysis | null;
  error: string | null;
}

export function useAnalysis(id: string): AnalysisState {
  const [state, setState] = useState<AnalysisState>(() => ({ analysis: cache.get(id) ?? null, error: null }));
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const cached = cache.get(id);
    setState({ analysis: cached ?? null, error: null });
    if (cached && (cached.status === "done" || cached.status === "failed")) return;
    const controller = new AbortController();
    const poll = async () => {
      try {
        const a = await getJson<Analysis>(analysisUrl(id), controller.signal);
        if (stopped) return;
        cache.set(id, a);
        setState({ analysis: a, error: null });
        if (a.status !== "done" && a.status !== "failed") timer = window.setTimeout(poll, POLL_MS);
      } catch (e) {
        if (stopped) return;
        setState((s) => ({ analysis: s.analysis, error: (e as Error).message }));
      }
    };
    void poll();
    return () => {
      stopped = true;
      controller.abort();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [id]);
  return state;
}

export function forgetAnalysis(id: string): void {
  cache.delete(id);
}
