/**
 * Client-side routing over the History API: the server answers every non-/api path with index.html
 * (docs/web-api.md "Static app"), so links are ordinary hrefs that also work when opened in a new tab.
 */
import { signal } from "@preact/signals";
import type { AnchorHTMLAttributes, ComponentChildren } from "preact";

export interface Location {
  path: string;
  params: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname, params: new URLSearchParams(window.location.search) };
}

export const location = signal<Location>(current());

window.addEventListener("popstate", () => {
  location.value = current();
});

export function navigate(href: string, replace = false): void {
  if (replace) window.history.replaceState(null, "", href);
  else window.history.pushState(null, "", href);
  location.value = current();
  if (!replace) window.scrollTo(0, 0);
}

/** A plain link whose ordinary click stays in the app (modifier clicks open a tab as usual). */
export function Link(
  props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren },
) {
  const { href, onClick, ...rest } = props;
  return (
    <a
      href={href}
      onClick={(e) => {
        if (typeof onClick === "function") onClick(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
}

export type Route =
  | { page: "home" }
  | { page: "analysis"; id: string }
  | { page: "connections"; id: string }
  | { page: "packets"; id: string }
  | { page: "stream"; id: string; stream: number }
  | { page: "missing" };

export function matchRoute(path: string): Route {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "home" };
  if (parts[0] !== "a" || !parts[1]) return { page: "missing" };
  const id = parts[1];
  if (parts.length === 2) return { page: "analysis", id };
  if (parts[2] === "connections" && parts.length === 3) return { page: "connections", id };
  if (parts[2] === "packets" && parts.length === 3) return { page: "packets", id };
  if (parts[2] === "streams" && parts.length === 4 && /^\d+$/.test(parts[3] ?? ""))
    return { page: "stream", id, stream: Number(parts[3]) };
  return { page: "missing" };
}

/** `/a/ID/streams/3?frame=4&mark=4,5,6`: the connection view opened at evidence frames. */
export function streamHref(id: string, stream: number, frames: readonly number[] = []): string {
  const base = `/a/${encodeURIComponent(id)}/streams/${stream}`;
  if (frames.length === 0) return base;
  return `${base}?frame=${frames[0]}&mark=${frames.slice(0, 200).join(",")}`;
}

export function packetsHref(id: string, frames: readonly number[] = []): string {
  const base = `/a/${encodeURIComponent(id)}/packets`;
  if (frames.length === 0) return base;
  return `${base}?frame=${frames[0]}&mark=${frames.slice(0, 200).join(",")}`;
}

export function markedFrames(params: URLSearchParams): number[] {
  return (params.get("mark") ?? "")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}
