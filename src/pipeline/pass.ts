/**
 * The per-frame loop of the analysis pass (read → decode → Wireshark analysis → connection tracker →
 * TTL watch), for the whole capture or for one shard of its flows.
 *
 * Sharded (shards > 1, one worker thread each, see parallel.ts): every shard reads the whole capture
 * but decodes and analyses only the frames of its flows — flowBucketV1 over the conversation key —
 * so each Wireshark conversation and each connection lives in exactly one shard, its packets in file
 * order. The few things that depend on every flow are kept so that merging gives the one-thread result:
 *  - the tracker's shared clock: frames of other shards the tracker would take still tick it
 *    (tracker.tick), found cheaply by lightTcpKey (decode/light.ts) or, when that declines, by a full
 *    decode (lightDecodeFrame then decodes an owned common frame);
 *  - the frame that created each Wireshark stream, the opens and ends of connections, the RSTs the TTL
 *    watch saw, and the first frame of each skip reason: the merge orders by them.
 * Frames that belong to no flow (not TCP, custom blocks) are accounted for by shard 0.
 */
import { readCapture, type CaptureInput, type ReadOptions } from "../capture/index.js";
import type { CaptureSummary } from "../capture/types.js";
import { decodeFrameAt, decodeFrameFast } from "../decode/index.js";
import { LightKey, lightDecodeFrame, lightTcpKey } from "../decode/light.js";
import { RecordKind } from "../model/frame.js";
import { DecodedPacket, DecodeStatus, TcpField } from "../model/packet.js";
import { ALL_FLAGS, type AnalysisOptions, TcpAnalyzer } from "../tcp/index.js";
import {
  ConnectionTracker,
  type ConnectionOptions,
  type ConnectionRecord,
  type TrackerStats,
  trackerAccepts,
} from "../tcp/connection/index.js";
import { type SuspiciousPacket, TtlWatch } from "../tcp/ttl-watch.js";
import { flowBucketV1 } from "../util/flow-hash.js";
import type { FeedWriter } from "./tracker-feed.js";

/** TtlWatch's default number of RSTs kept. */
export const MAX_RESETS = 10_000;

export interface PassOptions extends ReadOptions {
  analysis?: Partial<AnalysisOptions>;
  connections?: Partial<ConnectionOptions>;
  maxConversations?: number;
  /**
   * Watch the IP TTL of every packet for RSTs a middlebox made (TtlWatch, PassResult.suspicious);
   * default true. Only the diagnosis uses it: a listing of the connections can skip that work.
   */
  ttlWatch?: boolean;
}

/** What one pass (or one shard's pass) found. Streams and uids are the shard's own. */
export interface PassResult {
  summary: CaptureSummary;
  tracker: TrackerStats;
  tcpFrames: number;
  /** Frames not analysed, by reason, in order of first occurrence (frame decoding only). */
  skipped: Map<string, number>;
  /** First frame of each reason in `skipped`. */
  skippedFirst: Map<string, number>;
  streams: number;
  unackedCapHits: number;
  suspicious: SuspiciousPacket[];
  /** Frame that created each stream, in stream order (ascending). */
  streamFrames: Float64Array;
  // ---- for merging shards (empty for one thread) ----
  /** Pairs (frame, +1 | −1): connections opening and ending, in the order they happened. */
  openLog: Float64Array;
  /** Finished 4-tuples the tracker remembered (Tombs made). */
  tombsMade: number;
  /** Address/port pairs the analysis saw, and forgot (maxConversations). */
  conversationKeys: number;
  conversationsForgotten: number;
  /** Frames of the RSTs the TTL watch saw (its first MAX_RESETS), ascending. */
  rstFrames: Float64Array;
}

class Growable {
  a = new Float64Array(256);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
  take(): Float64Array {
    return this.a.slice(0, this.n);
  }
}

const RST = 0x004;

/**
 * Runs the pass over `input`, for shard `shard` of `shards` (0 of 1: everything). Finished
 * connections go to `onConnection` as they end — or, with `feed`, the packets go to the connection
 * tracker on another thread (pipelined.ts) and `onConnection` is not called.
 */
export async function runPass(
  input: CaptureInput,
  options: PassOptions,
  shard: number,
  shards: number,
  onConnection: (c: ConnectionRecord) => void,
  feed?: FeedWriter,
): Promise<PassResult> {
  const sharded = shards > 1;
  const watchTtl = options.ttlWatch !== false;
  const analyzer = new TcpAnalyzer({
    ...options.analysis,
    keepFrameColumns: false,
    maxConversations: options.maxConversations,
  });
  const tracker = new ConnectionTracker(options.connections ?? {});
  tracker.onConnection = onConnection;
  // The packets for the connection model: this thread's tracker, or the feed to the tracker's thread
  // (pipelined.ts; the tracker here then sees nothing and its counters are not the result's).
  const sink: ConnectionTracker | FeedWriter = feed ?? tracker;
  const pkt = new DecodedPacket();
  const light = new LightKey();
  const skipped = new Map<string, number>();
  const skippedFirst = new Map<string, number>();
  const ttl = new TtlWatch(MAX_RESETS);
  const streamFrames = new Growable();
  const openLog = new Growable();
  const rstFrames = new Growable();
  if (sharded) {
    tracker.onOpenChange = (frame, delta) => {
      openLog.push(frame);
      openLog.push(delta);
    };
  }
  let streams = 0;
  let tcpFrames = 0;
  const skip = (reason: string, frame: number): void => {
    const n = skipped.get(reason);
    if (n === undefined) {
      skipped.set(reason, 1);
      skippedFirst.set(reason, frame);
    } else {
      skipped.set(reason, n + 1);
    }
  };

  const summary = await readCapture(
    input,
    (f) => {
      if (f.kind !== RecordKind.PACKET) {
        if (shard === 0) skip("pcapng custom block (no packet)", f.number);
        return;
      }
      // The frame's bytes are d[off, off + capLen) (views: no per-frame view object); every offset
      // the decoder fills indexes d, so the analysis, the tracker and the TTL watch all read d.
      const d = f.buf;
      const off = f.off;
      f.data = d;
      // The common frame (Ethernet, IP, a consistent TCP header) is recognised and decoded in one go;
      // anything else goes through the full decoder. (A shard looks at the key before decoding.)
      if (!sharded) {
        decodeFrameFast(f.linkType, d, off, f.capLen, f.origLen, pkt);
      } else if (lightTcpKey(f.linkType, d, off, f.capLen, f.origLen, light, true)) {
        // Whose frame is it? Others' frames only keep the shared clock.
        if ((light.hash >>> 0) % shards !== shard) {
          tracker.tick(f);
          return;
        }
        // (It accepts what lightTcpKey accepted.)
        lightDecodeFrame(f.linkType, d, off, f.capLen, f.origLen, pkt);
      } else {
        decodeFrameAt(f.linkType, d, off, f.capLen, f.origLen, pkt);
        if (ownerOf(d, pkt, shards) !== shard) {
          if (pkt.status === DecodeStatus.OK && !pkt.inIcmpError && trackerAccepts(pkt)) tracker.tick(f);
          return;
        }
      }
      analyzer.analyze(f, pkt);
      // (Also one thread: the frames that created the streams number them for diagnose's details pass.)
      for (const n = analyzer.streamCount; streams < n; streams++) streamFrames.push(f.number);
      if (pkt.status !== DecodeStatus.OK) {
        skip(pkt.reason || "not TCP", f.number);
        return;
      }
      if (pkt.inIcmpError) {
        skip("TCP header quoted in an ICMP error", f.number);
        return;
      }
      tcpFrames++;
      // Everything the analysis found (also what tshark would not print on this frame).
      const stream = analyzer.lastStream;
      sink.observe(
        f,
        pkt,
        stream,
        analyzer.lastBits & ALL_FLAGS,
        analyzer.lastTuple,
        analyzer.lastTupleGen,
        analyzer.lastDir,
      );
      if (!watchTtl) return;
      if (
        sharded &&
        stream >= 0 &&
        pkt.ipVersion !== 0 &&
        (pkt.flags & RST) !== 0 &&
        rstFrames.n < MAX_RESETS
      )
        rstFrames.push(f.number);
      ttl.observe(f.number, d, pkt, stream);
    },
    { ...options, views: true },
  );
  const stats = tracker.finish();
  return {
    summary,
    tracker: stats,
    tcpFrames,
    skipped,
    skippedFirst,
    streams: analyzer.streamCount,
    unackedCapHits: analyzer.unackedCapHits,
    suspicious: ttl.suspicious(),
    streamFrames: streamFrames.take(),
    openLog: openLog.take(),
    tombsMade: tracker.tombsMade,
    conversationKeys: analyzer.conversationKeys,
    conversationsForgotten: analyzer.conversationsForgotten,
    rstFrames: rstFrames.take(),
  };
}

/** Shard of a decoded frame: by its conversation key when it has a TCP header, else shard 0. */
function ownerOf(d: Uint8Array, pkt: DecodedPacket, shards: number): number {
  if ((pkt.tcpFields & TcpField.HEADER) === 0) return 0;
  let v = pkt.ipVersion;
  let src = pkt.srcAddrOff;
  let dst = pkt.dstAddrOff;
  if (pkt.inIcmpError) {
    // The analysis keys a quoted header by the quoted addresses (analyzer.ts).
    v = d[pkt.ipOff]! >> 4;
    src = pkt.ipOff + (v === 6 ? 8 : 12);
    dst = src + (v === 6 ? 16 : 4);
  }
  return flowBucketV1(d, v, src, dst, pkt.srcPort, pkt.dstPort, shards);
}
