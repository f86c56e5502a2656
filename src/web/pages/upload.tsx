/**
 * Where a capture comes in: drop or pick one or two files. One file is diagnosed on its own; for two
 * the page asks what they are (a good and a bad run to compare, or both sides of a firewall to
 * correlate) before anything is sent, then uploads each with a progress bar and opens the result.
 */
import { useRef, useState } from "preact/hooks";
import { type AnalysisKind, postJson, uploadCapture } from "../api.js";
import { navigate } from "../router.js";
import { formatBytes } from "../words.js";

type Mode = "compare" | "correlate";

interface Sending {
  names: string[];
  sizes: number[];
  fractions: number[];
  step: string;
}

/** Guess from the file names which one worked / which one is outside, so the usual case is one click. */
function guessFirstIsA(files: File[], mode: Mode): boolean {
  const [x, y] = files.map((f) => f.name.toLowerCase()) as [string, string];
  const a = mode === "compare" ? /(good|success|ok|works|working|before)/ : /(outside|external|wan|client)/;
  const b = mode === "compare" ? /(bad|fail|broken|error|after)/ : /(inside|internal|lan|server)/;
  if (a.test(y) && !a.test(x)) return false;
  if (b.test(x) && !b.test(y)) return false;
  return true;
}

export function Upload() {
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>("compare");
  const [firstIsA, setFirstIsA] = useState(true);
  const [sending, setSending] = useState<Sending | null>(null);

  const choose = (list: FileList | null) => {
    setError(null);
    const chosen = list ? Array.from(list) : [];
    if (chosen.length === 0) return;
    if (chosen.length > 2) {
      setError(`You chose ${chosen.length} files. Choose one capture, or two to compare them.`);
      return;
    }
    setFiles(chosen);
    if (chosen.length === 1) void send(chosen, "compare", true);
    else setFirstIsA(guessFirstIsA(chosen, mode));
  };

  const send = async (list: File[], m: Mode, aFirst: boolean) => {
    const names = list.map((f) => f.name);
    const fractions = list.map(() => 0);
    const sizes = list.map((f) => f.size);
    const update = (step: string) => setSending({ names, sizes, fractions: [...fractions], step });
    let current = "";
    try {
      const ids: string[] = [];
      for (const [i, f] of list.entries()) {
        current = f.name;
        update(`Uploading ${f.name}`);
        const { id } = await uploadCapture(f, (x) => {
          fractions[i] = x;
          update(`Uploading ${f.name}`);
        });
        fractions[i] = 1;
        ids.push(id);
      }
      if (ids.length === 1) {
        navigate(`/a/${encodeURIComponent(ids[0]!)}`);
        return;
      }
      current = "";
      update("Starting the comparison");
      const [first, second] = ids as [string, string];
      const [a, b] = aFirst ? [first, second] : [second, first];
      const res = await postJson<{ id: string; kind: AnalysisKind }>("/api/comparisons", { mode: m, a, b });
      navigate(`/a/${encodeURIComponent(res.id)}`);
    } catch (e) {
      setSending(null);
      setFiles([]);
      setError(current ? `Could not use ${current}: ${(e as Error).message}` : (e as Error).message);
    }
  };

  if (sending) {
    return (
      <section class="card upload" aria-live="polite">
        <h2>{sending.step} …</h2>
        {sending.names.map((n, i) => (
          <div class="progress-row" key={`${i}-${n}`}>
            <span class="mono name">{n}</span>
            <progress max={1} value={sending.fractions[i] ?? 0} aria-label={`upload of ${n}`} />
            <span class="num">
              {Math.round((sending.fractions[i] ?? 0) * 100)} % of {formatBytes(sending.sizes[i])}
            </span>
          </div>
        ))}
        <p class="hint">The file goes only to this tcpsleuth server; nothing leaves your network.</p>
      </section>
    );
  }

  if (files.length === 2) {
    const [x, y] = files as [File, File];
    const [a, b] = firstIsA ? [x, y] : [y, x];
    const label = (f: File, which: number) =>
      `${which === 0 ? "1st" : "2nd"} file: ${f.name} (${formatBytes(f.size)})`;
    return (
      <section class="card upload two">
        <h2>You chose two captures. What are they?</h2>
        <fieldset>
          <legend>These two captures are …</legend>
          <label class="choice">
            <input
              type="radio"
              name="mode"
              value="compare"
              checked={mode === "compare"}
              onChange={() => {
                setMode("compare");
                setFirstIsA(guessFirstIsA(files, "compare"));
              }}
            />
            <span>
              <strong>the same job, once when it worked and once when it failed</strong>
              <span class="hint">tcpsleuth lists what differs, the most telling difference first</span>
            </span>
          </label>
          <label class="choice">
            <input
              type="radio"
              name="mode"
              value="correlate"
              checked={mode === "correlate"}
              onChange={() => {
                setMode("correlate");
                setFirstIsA(guessFirstIsA(files, "correlate"));
              }}
            />
            <span>
              <strong>taken at the same time on both sides of a firewall, NAT or router</strong>
              <span class="hint">
                tcpsleuth matches every packet across the two and shows what the box dropped, added or cut
              </span>
            </span>
          </label>
        </fieldset>
        <fieldset>
          <legend>
            {mode === "compare"
              ? "Which one worked (GOOD)?"
              : "Which one was taken OUTSIDE (the side the connections come from)?"}
          </legend>
          {[x, y].map((f, i) => (
            <label class="choice" key={`${i}-${f.name}`}>
              <input
                type="radio"
                name="which"
                value={String(i)}
                checked={firstIsA === (i === 0)}
                onChange={() => setFirstIsA(i === 0)}
              />
              <span class="mono">{label(f, i)}</span>
            </label>
          ))}
          <p class="assignment">
            {mode === "compare" ? "GOOD" : "OUTSIDE"}: <span class="mono">{a.name}</span> ·{" "}
            {mode === "compare" ? "BAD" : "INSIDE"}: <span class="mono">{b.name}</span>
          </p>
        </fieldset>
        <div class="actions">
          <button type="button" class="primary" onClick={() => void send(files, mode, firstIsA)}>
            {mode === "compare" ? "Compare the two captures" : "Match the two captures"}
          </button>
          <button type="button" onClick={() => setFiles([])}>
            Choose other files
          </button>
        </div>
        {error && (
          <p class="error-text" role="alert">
            {error}
          </p>
        )}
      </section>
    );
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping files is the mouse shortcut; the button below is the keyboard way
    <section
      class={`card dropzone${over ? " over" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        choose(e.dataTransfer?.files ?? null);
      }}
    >
      <h2>Find out what went wrong</h2>
      <p class="lead">
        Drop a capture file here — or two: one where things worked and one where they failed.
      </p>
      <p>
        <button type="button" class="primary big" onClick={() => input.current?.click()}>
          Choose capture files…
        </button>
      </p>
      <input
        ref={input}
        class="visually-hidden"
        type="file"
        multiple
        aria-label="Capture files"
        accept=".pcap,.pcapng,.cap,.gz,.zst,.txt,.dmp,.trc,application/vnd.tcpdump.pcap,application/octet-stream"
        onChange={(e) => {
          choose((e.currentTarget as HTMLInputElement).files);
          (e.currentTarget as HTMLInputElement).value = "";
        }}
      />
      <p class="hint">
        Wireshark or tcpdump files (.pcap, .pcapng, also gzip- or zstd-compressed), or text copied from
        Wireshark's packet list. Saved in Wireshark with File → Save As.
      </p>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
