/**
 * Connection records as JSON text made by a worker before the merge knows their final numbers: the
 * worker writes the record with uid 0, no Wireshark streams and previous.uid 0, keeps those values
 * aside, and the merge puts the global ones in — so the text is exactly JSON.stringify of the merged
 * record, and the stringifying (the larger part of writing `flows --json`) is done in parallel.
 */
import type { ConnectionRecord } from "../tcp/connection/types.js";

export interface RecordText {
  /** The worker's uid, first frame, Wireshark streams and previous uid (0: none). */
  uid: number;
  startFrame: number;
  streams: number[];
  prevUid: number;
  /** JSON.stringify of the record with uid 0, wsStreams [] and previous.uid 0. */
  text: string;
}

const HEAD = '{"uid":0,"wsStreams":[],';
const PREVIOUS = '"previous":{"uid":0,';

/** The record as RecordText (the record itself is changed: uid 0, wsStreams [], previous.uid 0). */
export function toRecordText(rec: ConnectionRecord): RecordText {
  const r: RecordText = { uid: rec.uid, startFrame: rec.startFrame, streams: rec.wsStreams, prevUid: 0, text: "" };
  rec.uid = 0;
  rec.wsStreams = [];
  if (rec.previous) {
    r.prevUid = rec.previous.uid;
    rec.previous.uid = 0;
  }
  r.text = JSON.stringify(rec);
  return r;
}

/** JSON.stringify of the record with its final uid, streams and previous uid. */
export function finalText(r: RecordText, uid: number, streams: number[], prevUid: number): string {
  const k = r.prevUid !== 0 ? r.text.indexOf(PREVIOUS) : 0;
  if (!r.text.startsWith(HEAD) || k < 0) {
    // Not the shape this was written for: do it the long way.
    const rec = JSON.parse(r.text) as ConnectionRecord;
    rec.uid = uid;
    rec.wsStreams = streams;
    if (rec.previous) rec.previous.uid = prevUid;
    return JSON.stringify(rec);
  }
  let text = `{"uid":${uid},"wsStreams":[${streams.join(",")}],${r.text.slice(HEAD.length)}`;
  if (r.prevUid !== 0) {
    const at = k - HEAD.length + (text.length - (r.text.length - HEAD.length));
    text = `${text.slice(0, at)}"previous":{"uid":${prevUid},${text.slice(at + PREVIOUS.length)}`;
  }
  return text;
}
