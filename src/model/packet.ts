/**
 * The headers of one frame, decoded in place. A decoder fills one reused DecodedPacket per frame;
 * offsets point into `data` (the frame's bytes), which is only valid until the next frame.
 * Nothing here allocates per packet except where noted.
 */

/** Why a frame carries no usable TCP header (0 = it does). */
export const DecodeStatus = {
  OK: 0,
  /** Link type we do not decode. */
  UNSUPPORTED_LINK: 1,
  /** Not IP, or IP but not TCP (ARP, UDP, ICMP that quotes no TCP, ...). */
  NOT_TCP: 2,
  /** A header (link, IP or TCP) ends beyond the captured bytes. */
  TRUNCATED: 3,
  /** A header is present but inconsistent (bad IP version, TCP data offset < 5, ...). */
  MALFORMED: 4,
  /**
   * IP fragment whose TCP header Wireshark does not show in this frame: a later fragment, or one it
   * reassembles (every fragment fully captured; the reassembled segment appears in the last one).
   */
  FRAGMENT: 5,
} as const;
export type DecodeStatusCode = (typeof DecodeStatus)[keyof typeof DecodeStatus];

export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  /** AE (accurate ECN), formerly NS. */
  AE: 0x100,
} as const;

/**
 * Which TCP fields Wireshark shows for the frame (bits of DecodedPacket.tcpFields). A TCP header that is
 * cut short or inconsistent still shows some fields in tshark; printing exactly these keeps the columns equal.
 */
export const TcpField = {
  /** tcp.srcport / tcp.dstport (at least 4 TCP bytes captured). */
  PORTS: 0x1,
  /** seq, ack, offset, flags and window were read (16 bytes): Wireshark assigns a tcp.stream. */
  HEADER: 0x2,
  /** tcp.flags is shown (data offset >= 5). */
  FLAGS: 0x4,
  /** tcp.len is shown (header fits the IP payload; not an IP fragment; not quoted in an ICMP error). */
  LEN: 0x8,
} as const;

/** Maximum SACK blocks a TCP header can carry (40 option bytes). */
export const MAX_SACK_BLOCKS = 4;

export class DecodedPacket {
  /**
   * DecodeStatus of the frame's TCP header. OK = a consistent header (data offset >= 5, fits the IP
   * payload, at least 16 bytes captured). Skip OK headers with `inIcmpError` in analysis. A TRUNCATED or
   * MALFORMED header may still show some fields (see `tcpFields`): Wireshark gives it a tcp.stream when
   * TcpField.HEADER is set.
   */
  status: DecodeStatusCode = DecodeStatus.NOT_TCP;
  /** Human-readable reason when status is not OK (a constant string, no allocation). */
  reason = "";

  /** End of the frame in the bytes the offsets below index (data.length for decodeFrame). */
  frameLen = 0;

  // ---- network layer: the IP header the dissector reports as network source/destination ----
  /** 0 = no IP, 4 or 6. */
  ipVersion = 0;
  /**
   * Offsets of the source/destination addresses inside `data`; length 4 or 16 by ipVersion. Outermost
   * header for an ICMP quote. When the first IP header is cut after its source (status TRUNCATED), the
   * destination may lie past the captured bytes: formatAddress then gives "" as tshark shows.
   */
  srcAddrOff = 0;
  dstAddrOff = 0;
  /** Offset of the innermost IP header carrying TCP, its total length field and TTL / hop limit. */
  ipOff = 0;
  /** IPv4 header with options; IPv6 fixed header plus the extension headers before TCP. */
  ipHeaderLen = 0;
  /** IPv4 total length (the reported length when it says 0, TSO); IPv6 payload length + 40. */
  ipTotalLen = 0;
  ttl = 0;
  /** IPv4 identification (0 for IPv6). */
  ipId = 0;
  /** VLAN IDs seen on the way (outermost first, up to 2), 0 = none. */
  vlanOuter = 0;
  vlanInner = 0;
  /** Number of IP headers traversed (2+ means a tunnel). */
  ipDepth = 0;
  /** True when the TCP header is one quoted inside an ICMP/ICMPv6 error (no analysis on it). */
  inIcmpError = false;
  /** True when an IP header on the way is a fragment (Wireshark shows no tcp.len for a first fragment). */
  fragmented = false;

  // ---- TCP ----
  /** TCP headers in the frame: 0 or 1 (the decoder stops at the first, and reads no application data). */
  tcpCount = 0;
  /** TcpField bits: which TCP fields Wireshark would display (0 = none, e.g. fewer than 4 bytes). */
  tcpFields = 0;
  tcpOff = 0;
  srcPort = 0;
  dstPort = 0;
  /** Raw (absolute) sequence and acknowledgement numbers, unsigned 32-bit. */
  seq = 0;
  ack = 0;
  /** TCP header length in bytes (data offset × 4). */
  tcpHeaderLen = 0;
  /** 12 flag bits (0x0fff), as tcp.flags. */
  flags = 0;
  /** Raw 16-bit window field, never scaled. */
  windowRaw = 0;
  urgentPtr = 0;
  checksum = 0;
  /** TCP payload length as Wireshark's tcp.len: from the IP length fields, not the captured bytes. */
  payloadLen = 0;
  /** Payload bytes actually captured (less than payloadLen when cut by a snaplen; never padding). */
  payloadCapturedLen = 0;

  // ---- TCP options (absent values: -1 / false / 0) ----
  mss = -1;
  /** Window scale shift as sent (may be > 14: Wireshark then uses 14). */
  wscale = -1;
  sackPermitted = false;
  sackCount = 0;
  /** SACK blocks as left,right pairs: [l0, r0, l1, r1, ...], raw sequence numbers. */
  readonly sackBlocks = new Float64Array(MAX_SACK_BLOCKS * 2);
  hasTimestamps = false;
  tsVal = 0;
  tsEcr = 0;
  /** TCP Fast Open option (kind 34, or experimental 254/0xF989) present; cookie length (0 = cookie request). */
  hasTfo = false;
  tfoCookieLen = 0;
  /** Multipath TCP option present. */
  hasMptcp = false;
  /** An option was cut short or had an impossible length. */
  optionsMalformed = false;
  /** The TCP header (its options) extends past the captured bytes: options were not parsed, as in Wireshark. */
  tcpHeaderTruncated = false;

  reset(): void {
    this.status = DecodeStatus.NOT_TCP;
    this.reason = "";
    this.frameLen = 0;
    this.ipVersion = 0;
    this.srcAddrOff = 0;
    this.dstAddrOff = 0;
    this.ipOff = 0;
    this.ipHeaderLen = 0;
    this.ipTotalLen = 0;
    this.ttl = 0;
    this.ipId = 0;
    this.vlanOuter = 0;
    this.vlanInner = 0;
    this.ipDepth = 0;
    this.inIcmpError = false;
    this.fragmented = false;
    this.tcpCount = 0;
    this.tcpFields = 0;
    this.tcpOff = 0;
    this.srcPort = 0;
    this.dstPort = 0;
    this.seq = 0;
    this.ack = 0;
    this.tcpHeaderLen = 0;
    this.flags = 0;
    this.windowRaw = 0;
    this.urgentPtr = 0;
    this.checksum = 0;
    this.payloadLen = 0;
    this.payloadCapturedLen = 0;
    this.resetOptions();
    this.tcpHeaderTruncated = false;
  }

  /** The TCP options' fields as for a header without options (the decoders set those they find). */
  resetOptions(): void {
    this.mss = -1;
    this.wscale = -1;
    this.sackPermitted = false;
    this.sackCount = 0;
    this.hasTimestamps = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    this.hasTfo = false;
    this.tfoCookieLen = 0;
    this.hasMptcp = false;
    this.optionsMalformed = false;
  }
}
