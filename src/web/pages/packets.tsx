/**
 * Every packet of the capture, as in Wireshark's packet list, opened at a frame when asked
 * (`?frame=N&mark=…`), for evidence that is not tied to one connection.
 */
import type { Analysis } from "../api.js";
import { PacketList } from "../components/packet-list.js";
import { markedFrames } from "../router.js";

export function PacketsPage({ analysis, params }: { analysis: Analysis; params: URLSearchParams }) {
  const frameParam = Number(params.get("frame") ?? "");
  const frame = Number.isInteger(frameParam) && frameParam > 0 ? frameParam : null;
  const marks = markedFrames(params);
  return (
    <section class="card">
      <h2>All packets</h2>
      <p class="hint">
        The same list Wireshark shows, coloured the same way. Scroll, use the arrow and Page keys, or type a
        frame number. Click a packet to have it explained below the list.
      </p>
      <PacketList
        analysisId={analysis.id}
        marks={marks}
        frame={frame ?? marks[0] ?? null}
        height="calc(100vh - 330px)"
      />
    </section>
  );
}
