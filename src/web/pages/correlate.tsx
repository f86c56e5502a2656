/**
 * Both sides of a firewall, NAT or router: what the box dropped, invented or cut, each finding with
 * its evidence in both captures, the estimated clock offset between them, and which connection in one
 * capture is which in the other.
 */
import { Fragment } from "preact";
import type { Analysis, Finding } from "../api.js";
import { PairLadder } from "../components/pair-ladder.js";
import { type EvidenceGroup, FindingCard } from "../components/finding-card.js";
import { Link, streamHref } from "../router.js";
import { fileFrames, formatDuration, plural, rankFindings, verdictWords } from "../words.js";
import { renamer, useInputNames } from "../input-names.js";
import { Downloads } from "./analysis.js";
import { CaptureLink } from "./compare.js";

type CorrelateAnalysis = Extract<Analysis, { kind: "correlate" }>;

export function CorrelateView({ analysis }: { analysis: CorrelateAnalysis }) {
  const [outsideId, insideId] = analysis.inputs ?? [null, null];
  const files = analysis.files ?? [];
  const names = useInputNames([outsideId, insideId]);
  const rename = renamer([outsideId, insideId], names);
  const fileName = (i: number) => names[i] ?? files[i]?.file ?? "?";
  const reported: Finding[] = analysis.findings ?? [];
  const findings = rankFindings(reported).map((f) => ({
    ...f,
    /** Its index in the report: the job names each finding's ladder after it. */
    reportIndex: reported.indexOf(f),
    summary: rename(f.summary),
    explanation: rename(f.explanation),
    next: rename(f.next),
    facts: Object.fromEntries(
      Object.entries(f.facts).map(([k, v]) => [k, typeof v === "string" ? rename(v) : v]),
    ),
  }));
  const mapping = analysis.mapping ?? [];
  const v = verdictWords(analysis.verdict);
  const streamB = (a: number | null) =>
    a === null ? null : (mapping.find((m) => m.streamA === a)?.streamB ?? null);

  const groupsOf = (f: Finding): EvidenceGroup[] => {
    const per = fileFrames(f);
    const sides: [string, string | null, number | null][] = [
      ["OUTSIDE", outsideId, f.stream],
      ["INSIDE", insideId, streamB(f.stream)],
    ];
    return sides.flatMap(([label, id, stream], i) =>
      id
        ? [
            {
              label: `${label} (${fileName(i)})`,
              frames: per[i]?.frames ?? [],
              analysisId: id,
              stream,
              emptyNote: "none: these packets are not in this capture",
            },
          ]
        : [],
    );
  };

  return (
    <>
      <section class={`card verdict tone-${v.tone}`}>
        <span class="label">
          {v.symbol} {v.label}
        </span>
        <h1>{rename(analysis.headline ?? "")}</h1>
        <p class="meta">
          OUTSIDE: <CaptureLink id={outsideId} name={fileName(0)} /> · INSIDE:{" "}
          <CaptureLink id={insideId} name={fileName(1)} /> · {plural(mapping.length, "connection")} matched
          across the two
        </p>
        <ClockOffset analysis={analysis} />
        <p class="downloads-line">
          <Downloads id={analysis.id} />
        </p>
      </section>
      {findings.map((f, i) => (
        <Fragment key={`${f.id}-${i}`}>
          <FindingCard
            finding={f}
            index={i}
            count={findings.length}
            analysisId={outsideId ?? analysis.id}
            groups={groupsOf(f)}
          />
          {(analysis.details ?? []).some((d) => d.finding === f.reportIndex) && (
            <PairLadder
              analysisId={analysis.id}
              n={f.reportIndex}
            title="The connection at both capture points"
              hint="OUTSIDE on the left, INSIDE on the right, one row per packet in time order (INSIDE's times moved onto OUTSIDE's clock). A dashed, crossed-out arrow is a packet the other capture has and this one does not."
            />
          )}
        </Fragment>
      ))}
      {mapping.length > 0 && (
        <section class="card">
          <h2>The same connections on both sides</h2>
          <p class="hint">
            The box may change addresses, ports and sequence numbers (NAT); these pairs were matched packet by
            packet.
          </p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>OUTSIDE connection</th>
                  <th>INSIDE connection</th>
                  <th class="num">packets outside</th>
                  <th class="num">packets inside</th>
                  <th class="num">only outside</th>
                  <th class="num">only inside</th>
                </tr>
              </thead>
              <tbody>
                {mapping.map((m) => (
                  <tr key={`${m.streamA}-${m.streamB}`} class={m.onlyA + m.onlyB > 0 ? "has-findings" : ""}>
                    <td class="mono">
                      {outsideId ? (
                        <Link href={streamHref(outsideId, m.streamA)}>#{m.streamA}</Link>
                      ) : (
                        `#${m.streamA}`
                      )}{" "}
                      {m.clientA} → {m.serverA}
                    </td>
                    <td class="mono">
                      {insideId ? (
                        <Link href={streamHref(insideId, m.streamB)}>#{m.streamB}</Link>
                      ) : (
                        `#${m.streamB}`
                      )}{" "}
                      {m.clientB} → {m.serverB}
                    </td>
                    <td class="num">{m.packetsA}</td>
                    <td class="num">{m.packetsB}</td>
                    <td class="num">{m.onlyA || "–"}</td>
                    <td class="num">{m.onlyB || "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

function ClockOffset({ analysis }: { analysis: CorrelateAnalysis }) {
  const off = analysis.clockOffsetSec;
  if (off === null || off === undefined)
    return <p class="meta">The clock offset between the two captures could not be estimated.</p>;
  const samples = analysis.clockOffset?.samples;
  const gap = Math.abs(off) < 1e-6 ? "less than 1 µs" : formatDuration(Math.abs(off));
  return (
    <p class="meta clock">
      Clock offset: the INSIDE capture's timestamps are {gap} {off >= 0 ? "later" : "earlier"} than OUTSIDE's
      for the same packet
      {samples ? ` (estimated from ${samples.toLocaleString("en-US")} matched packets)` : ""}; all times are
      corrected for it.
    </p>
  );
}
