/**
 * The TCP header. What Wireshark 4.0 shows for a short or inconsistent header was measured with tshark
 * on hand-built frames; `out.tcpFields` records it so that printed columns match field for field.
 */
import { DecodeStatus, type DecodedPacket, TcpField } from "../model/packet.js";
import { type Cursor, u16, u32 } from "./cursor.js";
import { parseTcpOptions } from "./tcp-options.js";

const TCP_MIN_HEADER = 20;
/** Bytes Wireshark reads before it can show flags: ports, seq, ack, offset+flags, window. */
const TCP_FIXED_FIELDS = 16;

// TCP
// - TCP bytes available = captured bytes, bounded by the IP payload length (repEnd): a header that
//   runs past the IP payload is cut there, as Wireshark's tvb is.
// - Nothing reported after the IP header (empty payload): no TCP at all.
// - Fewer than 4 bytes: TCP without fields. Fewer than 16: ports only (status TRUNCATED).
// - Data offset < 5: ports and a tcp.len of (payload - offset*4), no flags (MALFORMED).
// - Header longer than the IP payload: flags but no tcp.len (MALFORMED).
// - tcp.len = IP payload length - header length (so Ethernet padding never counts, and a TSO frame
//   counts what the frame reports). Wireshark omits it for IP fragments and ICMP quotes.
// - Options are parsed only when the whole header was captured: Wireshark stops at a cut header.
export function tcp(d: Uint8Array, cur: Cursor, out: DecodedPacket): void {
  const off = cur.off;
  const reported = cur.repEnd - off;
  if (reported <= 0) {
    out.status = DecodeStatus.NOT_TCP;
    out.reason = "no TCP bytes after the IP header";
    return;
  }
  out.tcpCount++;
  out.tcpOff = off;
  const captured = cur.capEnd - off;
  if (captured < 4) {
    out.status = DecodeStatus.TRUNCATED;
    out.reason = "TCP header truncated before the ports";
    return;
  }
  out.srcPort = u16(d, off);
  out.dstPort = u16(d, off + 2);
  out.tcpFields = TcpField.PORTS;
  if (captured < TCP_FIXED_FIELDS) {
    out.status = DecodeStatus.TRUNCATED;
    out.reason = "TCP header truncated";
    return;
  }
  out.seq = u32(d, off + 4);
  out.ack = u32(d, off + 8);
  const hlen = (d[off + 12]! >> 4) << 2;
  out.tcpHeaderLen = hlen;
  out.flags = u16(d, off + 12) & 0x0fff;
  out.windowRaw = u16(d, off + 14);
  if (captured >= TCP_MIN_HEADER) {
    out.checksum = u16(d, off + 16);
    out.urgentPtr = u16(d, off + 18);
  }
  const lenShown = out.fragmented || out.inIcmpError ? 0 : TcpField.LEN;
  if (hlen < TCP_MIN_HEADER) {
    out.tcpFields = TcpField.PORTS | TcpField.HEADER | lenShown;
    out.payloadLen = reported - hlen;
    out.status = DecodeStatus.MALFORMED;
    out.reason = "TCP data offset < 5";
    return;
  }
  if (hlen > reported) {
    out.tcpFields = TcpField.PORTS | TcpField.HEADER | TcpField.FLAGS;
    out.status = DecodeStatus.MALFORMED;
    out.reason = "TCP header longer than the IP payload";
    return;
  }
  out.tcpFields = TcpField.PORTS | TcpField.HEADER | TcpField.FLAGS | lenShown;
  out.payloadLen = reported - hlen;
  out.payloadCapturedLen = captured > hlen ? captured - hlen : 0;
  out.status = DecodeStatus.OK;
  out.reason = "";
  if (captured < hlen) {
    out.tcpHeaderTruncated = true;
  } else if (hlen > TCP_MIN_HEADER) {
    parseTcpOptions(d, off + TCP_MIN_HEADER, off + hlen, out);
  }
}
