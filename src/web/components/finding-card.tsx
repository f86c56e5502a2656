/**
 * One finding as a card, in the HTML report's tone: who is at fault, what went wrong in plain words,
 * the next step, and the evidence frames as links into the connection view (packets highlighted).
 * Every string is JSX text: nothing from a capture is ever markup.
 */
import type { ConnRow, Finding } from "../api.js";
import type { ConnectionRow } from "../../model/report.js";
import { Link, packetsHref, streamHref } from "../router.js";
import { culpritLabel, findingTitle, flatFrames, SEVERITY_WORD } from "../words.js";

/** Evidence in one capture, and where its frames open. */
export interface EvidenceGroup {
  /** e.g. "OUTSIDE (outside.pcapng)"; absent for a single capture. */
  label?: string;
  frames: number[];
  analysisId: string;
  stream: number | null;
  /** Said instead of frames when the list is empty (e.g. "absent there: dropped by the box"). */
  emptyNote?: string;
}

const CONFIDENCE_WORDS: Record<string, string> = {
  high: "high — the packets prove it",
  medium: "medium — very likely, but check",
  low: "low — a hint worth checking",
};

const MAX_CHIPS = 24;

export function evidenceHref(g: EvidenceGroup, frames: number[]): string {
  return g.stream !== null ? streamHref(g.analysisId, g.stream, frames) : packetsHref(g.analysisId, frames);
}

export function EvidenceFrames({ group }: { group: EvidenceGroup }) {
  const { frames } = group;
  if (frames.length === 0) return <span class="hint">{group.emptyNote ?? "no frames"}</span>;
  return (
    <span class="chips">
      {frames.slice(0, MAX_CHIPS).map((n) => (
        <Link
          key={n}
          class="chip"
          href={evidenceHref(group, [n, ...frames.filter((x) => x !== n)])}
          aria-label={`open frame ${n}`}
          title={`Open frame ${n} in the packet list`}
        >
          {n}
        </Link>
      ))}
      {frames.length > MAX_CHIPS && <span class="hint"> and {frames.length - MAX_CHIPS} more</span>}
    </span>
  );
}

export function FindingCard(props: {
  finding: Finding;
  index: number;
  count: number;
  analysisId: string;
  connection?: ConnectionRow | ConnRow;
  /** Two-capture evidence; default: the finding's frames in `analysisId`. */
  groups?: EvidenceGroup[];
}) {
  const { finding: f, index, count } = props;
  const groups: EvidenceGroup[] = props.groups ?? [
    { frames: flatFrames(f), analysisId: props.analysisId, stream: f.stream },
  ];
  const c = props.connection;
  const facts = Object.entries(f.facts);
  const wireshark = wiresharkFilter(f, groups.length === 1 ? groups[0]!.frames : []);
  const first = groups.find((g) => g.frames.length > 0);
  return (
    <section
      class={`card finding tone-${f.severity}`}
      id={`finding-${index + 1}`}
      tabIndex={-1}
      aria-labelledby={`finding-${index + 1}-title`}
    >
      <header>
        <span class="badge">{SEVERITY_WORD[f.severity]}</span>
        <h2 id={`finding-${index + 1}-title`}>{findingTitle(f.id)}</h2>
        <span class="count">
          {index + 1} of {count}
        </span>
      </header>
      <p class="summary">{f.summary}</p>
      <dl class="facts">
        <dt>{culpritLabel(f)}</dt>
        <dd>
          {f.culprit ? (
            <span class={f.severity === "info" ? "mono" : "culprit"}>{f.culprit}</span>
          ) : (
            <span class="hint">cannot be told from this capture</span>
          )}
        </dd>
        {f.stream !== null && (
          <>
            <dt>Connection</dt>
            <dd>
              <Link href={streamHref(props.analysisId, f.stream)}>
                #{f.stream}
                {c ? (
                  <>
                    : <span class="mono">{c.client}</span> → <span class="mono">{c.server}</span>
                  </>
                ) : null}
              </Link>
            </dd>
          </>
        )}
        <dt>Evidence (frames)</dt>
        <dd>
          {groups.map((g, i) => (
            <div class="evidence-group" key={`${i}-${g.label ?? ""}`}>
              {g.label && <span class="group-label">{g.label}: </span>}
              <EvidenceFrames group={g} />
            </div>
          ))}
        </dd>
        <dt>Confidence</dt>
        <dd>{CONFIDENCE_WORDS[f.confidence] ?? f.confidence}</dd>
      </dl>
      <div class="explain">
        <section class="meaning">
          <h3>What went wrong</h3>
          <p>{f.explanation}</p>
        </section>
        <section class="next">
          <h3>Next step</h3>
          <p>{f.next}</p>
        </section>
      </div>
      {first && (
        <p class="open-evidence">
          <Link class="button primary" href={evidenceHref(first, first.frames)}>
            See these packets →
          </Link>
          <span class="hint">
            opens the {first.stream !== null ? "connection" : "packet list"}
            {first.label ? ` in ${first.label}` : ""} with the evidence highlighted
          </span>
        </p>
      )}
      {wireshark && (
        <p class="hint">
          In Wireshark, paste into the display filter bar: <code>{wireshark}</code>
        </p>
      )}
      {facts.length > 0 && (
        <details>
          <summary>The numbers behind this finding</summary>
          <table class="facts-table">
            <tbody>
              {facts.map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td class="mono">{Array.isArray(v) ? v.join(", ") : String(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}

function wiresharkFilter(f: Finding, frames: number[]): string | null {
  if (frames.length > 0 && frames.length <= 40) return `frame.number in {${frames.join(" ")}}`;
  if (f.stream !== null) return `tcp.stream eq ${f.stream}`;
  return null;
}
