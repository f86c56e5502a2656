/**
 * Worked vs failed: the differences between the two captures, the most telling first, each with its
 * evidence in both files (links open each capture's own connection view at those frames).
 */
import { Fragment } from "preact";
import type { Analysis, Difference } from "../api.js";
import { PairLadder } from "../components/pair-ladder.js";
import { EvidenceFrames } from "../components/finding-card.js";
import { Link } from "../router.js";
import { DIFFERENCE_TITLES, plural } from "../words.js";
import { renamer, useInputNames } from "../input-names.js";
import { Downloads } from "./analysis.js";

type CompareAnalysis = Extract<Analysis, { kind: "compare" }>;

export function CompareView({ analysis }: { analysis: CompareAnalysis }) {
  const [goodId, badId] = analysis.inputs ?? [null, null];
  const names = useInputNames([goodId, badId]);
  const rename = renamer([goodId, badId], names);
  const diffs = [...(analysis.differences ?? [])]
    .sort((x, y) => y.score - x.score)
    .map((d) => ({ ...d, summary: rename(d.summary) }));
  const top = diffs[0];
  const tone = top ? (top.score >= 50 ? "error" : "warning") : "ok";
  return (
    <>
      <section class={`card verdict tone-${tone}`}>
        <span class="label">{top ? "✖ WHAT DIFFERS WHEN IT FAILS" : "✔ NO TELLING DIFFERENCE"}</span>
        <h1>
          {top
            ? top.summary
            : "The two captures do the same things the same way: the failure is not visible in TCP."}
        </h1>
        <p class="meta">
          Worked (GOOD): <CaptureLink id={goodId} name={names[0] ?? analysis.good} /> · Failed (BAD):{" "}
          <CaptureLink id={badId} name={names[1] ?? analysis.bad} /> ·{" "}
          {plural(analysis.pairs?.length ?? 0, "connection pair")} · {plural(diffs.length, "difference")}
        </p>
        {top && (
          <p class="hint">
            Start with #1 below: it is the difference most likely to explain the failure. Click a frame number
            to see that packet in its own capture.
          </p>
        )}
        <p class="downloads-line">
          <Downloads id={analysis.id} />
        </p>
      </section>
      {diffs.map((d, i) => (
        <Fragment key={`${d.kind}-${i}`}>
          <DifferenceCard d={d} rank={i + 1} count={diffs.length} goodId={goodId} badId={badId} />
          {i === 0 && (d.goodStream !== null || d.badStream !== null) && (
            <PairLadder
              analysisId={analysis.id}
              n={0}
              title="The connection of #1 in GOOD and in BAD"
              hint="Left the capture where it worked, right the one where it failed; time runs downwards, each arrow is a packet, highlighted arrows are the evidence."
            />
          )}
        </Fragment>
      ))}
      {diffs.length > 0 && (
        <p class="hint center">
          Differences are ranked by how well they explain a failure: how a connection ended comes first, a
          finding present only when it failed next; small differences (PSH flags, sizes) last.
        </p>
      )}
    </>
  );
}

/** A link to one uploaded capture's own analysis (plain text when it is gone). */
export function CaptureLink({ id, name }: { id: string | null; name: string | undefined }) {
  if (!id) return <span class="mono">{name ?? "?"}</span>;
  return (
    <Link href={`/a/${encodeURIComponent(id)}`} class="mono">
      {name ?? id}
    </Link>
  );
}

function DifferenceCard(props: {
  d: Difference;
  rank: number;
  count: number;
  goodId: string | null;
  badId: string | null;
}) {
  const { d, rank } = props;
  const tone = d.score >= 50 ? "error" : d.score >= 25 ? "warning" : "info";
  const sides: {
    label: string;
    id: string | null;
    stream: number | null;
    facts: Record<string, unknown>;
    frames: number[];
  }[] = [
    {
      label: "When it worked (GOOD)",
      id: props.goodId,
      stream: d.goodStream,
      facts: d.good,
      frames: d.frames[0]?.frames ?? [],
    },
    {
      label: "When it failed (BAD)",
      id: props.badId,
      stream: d.badStream,
      facts: d.bad,
      frames: d.frames[1]?.frames ?? [],
    },
  ];
  return (
    <section class={`card finding difference tone-${tone}`} id={`difference-${rank}`}>
      <header>
        <span class="badge">#{rank}</span>
        <h2>{DIFFERENCE_TITLES[d.kind] ?? d.kind}</h2>
        {d.service && <code class="id">{d.service}</code>}
        <span class="count" title="how well this difference explains the failure, out of 100">
          how telling:{" "}
          <span class="score-bar" aria-hidden="true">
            <span style={{ width: `${Math.max(0, Math.min(100, d.score))}%` }} />
          </span>{" "}
          {d.score} / 100
        </span>
      </header>
      <p class="summary">{d.summary}</p>
      <div class="sides">
        {sides.map((s) => (
          <section key={s.label} class="side">
            <h3>{s.label}</h3>
            <p>
              <span class="hint">Evidence (frames): </span>
              {s.id ? (
                <EvidenceFrames
                  group={{
                    frames: s.frames,
                    analysisId: s.id,
                    stream: s.stream,
                    emptyNote: "none in this capture",
                  }}
                />
              ) : (
                s.frames.join(", ") || "none"
              )}
            </p>
            <details>
              <summary>The numbers</summary>
              <FactList facts={s.facts} />
            </details>
          </section>
        ))}
      </div>
    </section>
  );
}

function FactList({ facts }: { facts: Record<string, unknown> }) {
  const entries = Object.entries(facts).filter(
    ([, v]) => v !== null && v !== undefined && typeof v !== "object",
  );
  const lists = Object.entries(facts).filter(([, v]) => Array.isArray(v));
  if (entries.length + lists.length === 0) return null;
  return (
    <dl class="facts small">
      {[...entries, ...lists].map(([k, v]) => [
        <dt key={`${k}-k`}>{k}</dt>,
        <dd key={`${k}-v`} class="mono">
          {Array.isArray(v) ? v.join(", ") || "–" : String(v)}
        </dd>,
      ])}
    </dl>
  );
}
