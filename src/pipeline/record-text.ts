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

/**
 * Connection texts as UTF-8 bytes, gathered a batch at a time where they are made (the tracker's
 * thread of the pipeline): the thread that writes the listing then only copies bytes, with no
 * string to join or encode (which cost it a tenth of `flows --json` on a large capture).
 */
export class JsonBytesBatch {
  private bytes: Uint8Array;
  private at = 0;
  private uids: number[] = [];
  private lengths: number[] = [];
  private static readonly encoder = new TextEncoder();

  /** `initialBytes`: the buffer's first size (it doubles as needed). */
  constructor(initialBytes = 1 << 20) {
    this.bytes = new Uint8Array(initialBytes);
  }

  get count(): number {
    return this.uids.length;
  }

  push(uid: number, text: string): void {
    let left = text;
    const start = this.at;
    for (;;) {
      // (Room for at least the ASCII case in one go; a text with wider characters may need more.)
      if (this.bytes.length - this.at < left.length) this.grow(left.length);
      const r = JsonBytesBatch.encoder.encodeInto(left, this.bytes.subarray(this.at));
      this.at += r.written;
      if (r.read === left.length) break;
      left = left.slice(r.read);
      this.grow(left.length * 3);
    }
    this.uids.push(uid);
    this.lengths.push(this.at - start);
  }

  /** The batch so far (its bytes' buffer may be transferred), and a fresh start. */
  take(): JsonBytes {
    const out: JsonBytes = {
      uids: Int32Array.from(this.uids),
      lengths: Int32Array.from(this.lengths),
      bytes: this.bytes.slice(0, this.at),
    };
    this.at = 0;
    this.uids = [];
    this.lengths = [];
    return out;
  }

  private grow(need: number): void {
    let n = Math.max(64, this.bytes.length * 2);
    while (n - this.at < need) n *= 2;
    const b = new Uint8Array(n);
    b.set(this.bytes.subarray(0, this.at));
    this.bytes = b;
  }
}

/** A batch of connection texts as UTF-8: record k is `lengths[k]` bytes, in order, uid `uids[k]`. */
export interface JsonBytes {
  uids: Int32Array;
  lengths: Int32Array;
  bytes: Uint8Array;
}

/** The records of some batches, one view each, in uid order. */
export function piecesInUidOrder(batches: readonly JsonBytes[]): Uint8Array[] {
  const all: { uid: number; piece: Uint8Array }[] = [];
  for (const b of batches) {
    let at = 0;
    for (let k = 0; k < b.uids.length; k++) {
      const n = b.lengths[k]!;
      all.push({ uid: b.uids[k]!, piece: b.bytes.subarray(at, at + n) });
      at += n;
    }
  }
  all.sort((a, b) => a.uid - b.uid);
  return all.map((x) => x.piece);
}
