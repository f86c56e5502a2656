/**
 * A two-capture ladder (compare's GOOD | BAD, correlate's OUTSIDE | INSIDE), drawn by the analysis
 * job and shown as an image, so nothing in it can run. Hidden when the analysis has none for it.
 */
import { useState } from "preact/hooks";
import { analysisUrl } from "../api.js";

export function PairLadder(props: { analysisId: string; n: number; title: string; hint: string }) {
  const [state, setState] = useState<"loading" | "ok" | "none">("loading");
  if (state === "none") return null;
  return (
    <section class="card pair-ladder">
      <h2>{props.title}</h2>
      <p class="hint">{props.hint}</p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must take focus to be scrolled with the keyboard */}
      <section class="ladder-scroll" tabIndex={0} aria-label="ladder diagram, scrollable">
        <img
          src={analysisUrl(props.analysisId, `/ladder.svg?n=${props.n}`)}
          alt={props.title}
          class="ladder"
          onLoad={() => setState("ok")}
          onError={() => setState("none")}
        />
      </section>
    </section>
  );
}
