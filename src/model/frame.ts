/**
 * A frame as a capture reader hands it out. Readers reuse one record per capture: everything in it,
 * `data` above all, is valid only until the reader produces the next frame. Copy what must outlive it.
 */
/** What a record is. Wireshark numbers pcapng custom blocks as frames too, so we deliver them. */
export const RecordKind = {
  PACKET: 0,
  /** pcapng custom block (0xBAD / 0x40000BAD): a numbered frame without packet data or time. */
  CUSTOM_BLOCK: 1,
} as const;

export interface FrameRecord {
  /** RecordKind: only PACKET records carry packet bytes and count as packets. */
  kind: number;
  /** False when the record has no timestamp (pcapng simple packet and custom blocks). */
  hasTs: boolean;
  /** 1-based frame number, as Wireshark numbers frames across the whole file (all sections). */
  number: number;
  /** Whole seconds since the Unix epoch (may be negative for odd captures). */
  tsSec: number;
  /** Nanoseconds within the second, normally 0..999_999_999 (a broken pcap may hold any int32). */
  tsNsec: number;
  /** Bytes captured (length of `data`). */
  capLen: number;
  /** Length of the packet on the wire. */
  origLen: number;
  /** LINKTYPE_* value of the interface this frame was captured on; -1 for non-packet records. */
  linkType: number;
  /** Interface index, global across pcapng sections (0 for pcap). */
  interfaceId: number;
  /** Byte offset of the record's header in the (decompressed) capture stream. */
  fileOffset: number;
  /** The captured bytes: a view into the reader's buffer, valid only until the next frame. */
  data: Uint8Array;
  /**
   * With ReadOptions.views: the captured bytes are buf[off, off + capLen) (the reader's buffer, valid
   * until the next frame) and `data` is not updated — no view object is made per frame (readers that
   * have no such buffer give buf = data, off = 0). Without views they are not maintained.
   */
  buf: Uint8Array;
  off: number;
  /** pcapng opt_comment values joined with "\n", or undefined. */
  comment: string | undefined;
  /**
   * Text input only (src/capture/text.ts): on a SYN-ACK, the ISN of its receiver when the text's
   * relative numbering says what it was (relative 0) although the receiver's SYN is not in the text.
   * Lets the connection model judge a pasted SYN-ACK whose SYN was not pasted. Undefined otherwise.
   */
  receiverIsn?: number;
}

const EMPTY = new Uint8Array(0);

export function newFrameRecord(): FrameRecord {
  return {
    kind: RecordKind.PACKET,
    hasTs: true,
    number: 0,
    tsSec: 0,
    tsNsec: 0,
    capLen: 0,
    origLen: 0,
    linkType: 0,
    interfaceId: 0,
    fileOffset: 0,
    data: EMPTY,
    buf: EMPTY,
    off: 0,
    comment: undefined,
  };
}

/**
 * Formats a timestamp like Wireshark's frame.time_epoch: seconds with 9 decimals. Readers keep a
 * nanosecond field that a broken capture may push outside 0..999_999_999 (pcap stores it as-is);
 * Wireshark then prints the sign once and the magnitudes of both parts, and so do we.
 */
export function formatEpoch(tsSec: number, tsNsec: number): string {
  if (tsSec < 0 || tsNsec < 0) {
    return `-${Math.abs(tsSec)}.${String(Math.abs(tsNsec)).padStart(9, "0")}`;
  }
  return `${tsSec}.${String(tsNsec).padStart(9, "0")}`;
}
