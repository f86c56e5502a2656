/**
 * A scrolling list of fixed-height rows that the server hands out in pages (offset/limit), for lists
 * of any length: only the rows in view exist in the page, and only the pages around them are held.
 *
 * Browsers cap an element's height (Chromium near 33.5 million px, Firefox near 17.9 million), and a
 * million 22 px rows are already past some caps. Above MAX_SCROLL_PX the scroll box is kept at that
 * height and a scroll position maps to a row index through a scale factor, so the last pixel of the
 * scrollbar is the last row. The rows themselves are always drawn at their real height.
 *
 * Windowing is plain arithmetic here rather than @tanstack/virtual-core: with one fixed row height
 * nothing needs measuring, and virtual-core keeps a position per item (16+ bytes each, rebuilt when
 * the count changes), which for an 8-million-packet capture is hundreds of MB in the tab.
 */
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";

export const MAX_SCROLL_PX = 8_000_000;
/** Pages kept in memory at most (oldest use dropped first). */
const MAX_PAGES = 40;
const MAX_PARALLEL_FETCHES = 3;
const OVERSCAN_ROWS = 6;

export interface Page<T> {
  total: number;
  rows: T[];
}

export interface PagedListProps<T> {
  /** Changes when the list itself changes (other filter, other stream): drops every page held. */
  listKey: string;
  fetchPage: (offset: number, limit: number, signal: AbortSignal) => Promise<Page<T>>;
  rowHeight: number;
  /** Rows asked for at once (the server's limit may be lower than its default). */
  pageRows?: number;
  header: ComponentChildren;
  renderRow: (row: T | undefined, index: number, selected: boolean) => ComponentChildren;
  /** Scroll to this row (and select it) whenever `focus.nonce` changes. */
  focus?: { index: number; nonce: number } | null;
  selected?: number | null;
  onSelect?: (index: number, row: T | undefined) => void;
  onActivate?: (index: number, row: T | undefined) => void;
  /** A click opens the row (connections), instead of only selecting it (packets). */
  activateOnClick?: boolean;
  onTotal?: (total: number) => void;
  label: string;
  className?: string;
  emptyText?: string;
}

/** Scroll geometry for `total` rows in a viewport of `viewPx`: physical height and virtual/physical scale. */
export function scrollGeometry(
  total: number,
  rowHeight: number,
  viewPx: number,
): { heightPx: number; scale: number } {
  const virtualPx = total * rowHeight;
  if (virtualPx <= MAX_SCROLL_PX) return { heightPx: virtualPx, scale: 1 };
  const scale = (virtualPx - viewPx) / Math.max(1, MAX_SCROLL_PX - viewPx);
  return { heightPx: MAX_SCROLL_PX, scale };
}

export function PagedList<T>(props: PagedListProps<T>) {
  const { rowHeight, listKey } = props;
  const PAGE_ROWS = props.pageRows ?? 500;
  const scroller = useRef<HTMLDivElement>(null);
  const pages = useRef(new Map<number, T[]>());
  const inFlight = useRef(new Map<number, AbortController>());
  const wanted = useRef<number[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  /**
   * Where the view is: `virtual` px into the full list (rows × height), and the scroll box's own
   * scrollTop (`physical`). They differ by the scale factor only for lists past MAX_SCROLL_PX.
   */
  const [pos, setPos] = useState({ virtual: 0, physical: 0 });
  /** The scrollTop this component set last, so its own scroll events are not taken for the user's. */
  const ownScrollTop = useRef(-1);
  const [viewPx, setViewPx] = useState(400);
  const propsRef = useRef(props);
  propsRef.current = props;

  const bump = useCallback(() => setVersion((v) => v + 1), []);

  const pump = useCallback(() => {
    for (const page of wanted.current) {
      if (inFlight.current.size >= MAX_PARALLEL_FETCHES) break;
      if (pages.current.has(page) || inFlight.current.has(page)) continue;
      const controller = new AbortController();
      inFlight.current.set(page, controller);
      const key = listKey;
      propsRef.current
        .fetchPage(page * PAGE_ROWS, PAGE_ROWS, controller.signal)
        .then((res) => {
          if (propsRef.current.listKey !== key) return;
          pages.current.set(page, res.rows);
          // Least recently used pages go first; the ones in view are re-inserted below.
          while (pages.current.size > MAX_PAGES) {
            const oldest = pages.current.keys().next().value as number;
            if (wanted.current.includes(oldest)) break;
            pages.current.delete(oldest);
          }
          setTotal((t) => (t === res.total ? t : res.total));
          setError(null);
          bump();
        })
        .catch((e: Error) => {
          if (e.name !== "AbortError" && propsRef.current.listKey === key) setError(e.message);
        })
        .finally(() => {
          if (inFlight.current.get(page) === controller) inFlight.current.delete(page);
          if (propsRef.current.listKey === key) pump();
        });
    }
  }, [listKey, bump, PAGE_ROWS]);

  // A new list: forget everything and ask for the first page (which also tells the total).
  useEffect(() => {
    for (const c of inFlight.current.values()) c.abort();
    inFlight.current.clear();
    pages.current.clear();
    setTotal(null);
    setError(null);
    wanted.current = [0];
    if (scroller.current) scroller.current.scrollTop = 0;
    ownScrollTop.current = 0;
    setPos({ virtual: 0, physical: 0 });
    pump();
  }, [listKey, pump]);

  useEffect(() => {
    if (total !== null) propsRef.current.onTotal?.(total);
  }, [total]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewPx(el.clientHeight);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const n = total ?? 0;
  const { heightPx, scale } = scrollGeometry(n, rowHeight, viewPx);
  const maxVirtual = Math.max(0, n * rowHeight - viewPx);
  const virtualTop = Math.min(pos.virtual, maxVirtual);
  const first = Math.max(0, Math.floor(virtualTop / rowHeight) - OVERSCAN_ROWS);
  const last = Math.min(n - 1, Math.ceil((virtualTop + viewPx) / rowHeight) + OVERSCAN_ROWS);

  // The pages the rows in view come from, nearest first; anything else waiting is not fetched.
  useEffect(() => {
    if (total === null) return;
    const need: number[] = [];
    for (let p = Math.floor(first / PAGE_ROWS); p <= Math.floor(Math.max(first, last) / PAGE_ROWS); p++)
      need.push(p);
    wanted.current = need;
    for (const p of need) {
      const rows = pages.current.get(p);
      if (rows) {
        pages.current.delete(p);
        pages.current.set(p, rows);
      }
    }
    pump();
  }, [first, last, total, pump, PAGE_ROWS]);

  /** Moves the view to `virtual` px into the list (scroll box follows at 1/scale). */
  const moveTo = useCallback(
    (virtual: number) => {
      const el = scroller.current;
      if (!el || total === null) return;
      const g = scrollGeometry(total, rowHeight, el.clientHeight);
      const v = Math.max(0, Math.min(virtual, total * rowHeight - el.clientHeight));
      el.scrollTop = v / g.scale;
      ownScrollTop.current = el.scrollTop;
      setPos({ virtual: v, physical: el.scrollTop });
    },
    [total, rowHeight],
  );

  const scrollToIndex = useCallback(
    (index: number, align: "center" | "nearest") => {
      const el = scroller.current;
      if (!el || total === null) return;
      const rowTop = index * rowHeight;
      let target: number;
      if (align === "center") target = rowTop - el.clientHeight / 2 + rowHeight / 2;
      else {
        const vt = virtualTop;
        if (rowTop < vt) target = rowTop;
        else if (rowTop + rowHeight > vt + el.clientHeight) target = rowTop + rowHeight - el.clientHeight;
        else return;
      }
      moveTo(target);
    },
    [total, rowHeight, moveTo, virtualTop],
  );

  const focusNonce = props.focus?.nonce;
  useEffect(() => {
    if (!props.focus || total === null) return;
    scrollToIndex(props.focus.index, "center");
  }, [focusNonce, total === null]);

  const rowAt = (i: number): T | undefined => pages.current.get(Math.floor(i / PAGE_ROWS))?.[i % PAGE_ROWS];

  const select = (i: number) => {
    if (total === null || total === 0) return;
    const idx = Math.max(0, Math.min(total - 1, i));
    props.onSelect?.(idx, rowAt(idx));
    scrollToIndex(idx, "nearest");
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const sel = props.selected ?? Math.floor(virtualTop / rowHeight);
    const pageRows = Math.max(1, Math.floor(viewPx / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: sel + 1,
      ArrowUp: sel - 1,
      PageDown: sel + pageRows,
      PageUp: sel - pageRows,
      Home: 0,
      End: n - 1,
    };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      select(props.selected == null && e.key.startsWith("Arrow") ? sel : to);
    } else if (e.key === "Enter" && props.selected != null) {
      e.preventDefault();
      props.onActivate?.(props.selected, rowAt(props.selected));
    }
  };

  const rows: ComponentChildren[] = [];
  for (let i = first; i <= last; i++) {
    const top = pos.physical + (i * rowHeight - virtualTop);
    rows.push(
      // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keys (arrows, Page, Home/End, Enter) for all its options
      <div
        key={i}
        class="vrow"
        role="option"
        tabIndex={-1}
        aria-selected={props.selected === i}
        style={{ top: `${top}px`, height: `${rowHeight}px` }}
        onClick={() => {
          select(i);
          if (props.activateOnClick) props.onActivate?.(i, rowAt(i));
        }}
        onDblClick={() => props.onActivate?.(i, rowAt(i))}
      >
        {props.renderRow(rowAt(i), i, props.selected === i)}
      </div>,
    );
  }

  return (
    <div class={`paged-list ${props.className ?? ""}`}>
      <div class="vhead">{props.header}</div>
      <div
        ref={scroller}
        class="vscroll"
        tabIndex={0}
        role="listbox"
        aria-label={props.label}
        aria-busy={total === null}
        data-total={total ?? ""}
        data-scale={scale.toFixed(4)}
        onScroll={(e) => {
          // The user dragged the scrollbar (or the browser scrolled): take the position from it.
          const st = (e.currentTarget as HTMLDivElement).scrollTop;
          if (Math.abs(st - ownScrollTop.current) < 0.5) return;
          ownScrollTop.current = st;
          setPos({ virtual: st * scale, physical: st });
        }}
        onWheel={(e) => {
          // Scaled lists: the wheel moves the rows by real pixels, not by scale × pixels.
          if (scale <= 1 || e.ctrlKey) return;
          e.preventDefault();
          const unit = e.deltaMode === 1 ? rowHeight : e.deltaMode === 2 ? viewPx : 1;
          moveTo(virtualTop + e.deltaY * unit);
        }}
        onKeyDown={onKeyDown}
      >
        <div class="vspace" style={{ height: `${heightPx}px` }}>
          {rows}
        </div>
        {total === 0 && <p class="hint empty">{props.emptyText ?? "Nothing to show."}</p>}
      </div>
      {error && (
        <p class="error-text" role="alert">
          Could not load rows: {error}
        </p>
      )}
    </div>
  );
}
