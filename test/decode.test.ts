/**
 * Decoder tests on hand-built frames. Every expectation about what Wireshark shows (which fields, which
 * addresses, which tcp.len) was checked with tshark 4.0.17 on the same bytes written to a pcap.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decodeFrame, formatAddress, netDst, netSrc } from "../src/decode/index.js";
import { DecodedPacket, DecodeStatus, TcpField } from "../src/model/packet.js";

// ---------------------------------------------------------------- frame builders

type Bytes = number[];
const be16 = (v: number): Bytes => [(v >> 8) & 0xff, v & 0xff];
const be32 = (v: number): Bytes => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const le16 = (v: number): Bytes => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): Bytes => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const zeros = (n: number): Bytes => new Array<number>(n).fill(0);
const text = (s: string): Bytes => [...s].map((c) => c.charCodeAt(0));

const A4 = [10, 0, 0, 1];
const B4 = [10, 0, 0, 2];
const A6 = [0x20, 0x01, 0x0d, 0xb8, ...zeros(11), 1];
const B6 = [0x20, 0x01, 0x0d, 0xb8, ...zeros(11), 2];

interface TcpOpts {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  win?: number;
  options?: Bytes;
  data?: Bytes;
  /** Data offset in 32-bit words (default: from the options). */
  off?: number;
}
function tcp(o: TcpOpts = {}): Bytes {
  // options padded with zeros (EOL) to a multiple of 4 bytes
  const options = [...(o.options ?? []), ...zeros((4 - ((o.options?.length ?? 0) % 4)) % 4)];
  const off = o.off ?? (20 + options.length) / 4;
  return [
    ...be16(o.sport ?? 1234),
    ...be16(o.dport ?? 80),
    ...be32(o.seq ?? 1000),
    ...be32(o.ack ?? 2000),
    ...be16((off << 12) | (o.flags ?? 0x10)),
    ...be16(o.win ?? 1000),
    0x12,
    0x34, // checksum
    0,
    0, // urgent pointer
    ...options,
    ...(o.data ?? []),
  ];
}
interface Ip4Opts {
  src?: Bytes;
  dst?: Bytes;
  proto?: number;
  totalLen?: number;
  hl?: number;
  options?: Bytes;
  frag?: number;
}
function ip4(payload: Bytes, o: Ip4Opts = {}): Bytes {
  const options = o.options ?? [];
  const hl = o.hl ?? (20 + options.length) / 4;
  const total = o.totalLen ?? 20 + options.length + payload.length;
  return [
    0x40 | hl,
    0,
    ...be16(total),
    ...be16(7),
    ...be16(o.frag ?? 0),
    64,
    o.proto ?? 6,
    0,
    0,
    ...(o.src ?? A4),
    ...(o.dst ?? B4),
    ...options,
    ...payload,
  ];
}
function ip6(payload: Bytes, nh = 6, o: { src?: Bytes; dst?: Bytes; plen?: number } = {}): Bytes {
  return [
    0x60,
    0,
    0,
    0,
    ...be16(o.plen ?? payload.length),
    nh,
    64,
    ...(o.src ?? A6),
    ...(o.dst ?? B6),
    ...payload,
  ];
}
const MAC = [0, 1, 2, 3, 4, 5, 0, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e];
const eth = (type: number, payload: Bytes): Bytes => [...MAC, ...be16(type), ...payload];
const vlan = (vid: number, type: number): Bytes => [...be16(vid), ...be16(type)];

/** Standard test payloads: IPv4 and IPv6 carrying TCP 1234 -> 80, ACK, 10 bytes of data. */
const P4 = ip4(tcp({ data: text("0123456789") }));
const P6 = ip6(tcp({ data: text("0123456789") }));

const out = new DecodedPacket();
function decode(linkType: number, bytes: Bytes, origLen = bytes.length): DecodedPacket {
  decodeFrame(linkType, Uint8Array.from(bytes), origLen, out);
  return out;
}
/** The six oracle columns as tcpsleuth prints them. */
function cols(linkType: number, bytes: Bytes, origLen = bytes.length): string[] {
  const data = Uint8Array.from(bytes);
  decodeFrame(linkType, data, origLen, out);
  const f = out.tcpFields;
  return [
    netSrc(out, data),
    netDst(out, data),
    f & TcpField.PORTS ? String(out.srcPort) : "",
    f & TcpField.PORTS ? String(out.dstPort) : "",
    f & TcpField.FLAGS ? `0x${out.flags.toString(16).padStart(4, "0")}` : "",
    f & TcpField.LEN ? String(out.payloadLen) : "",
  ];
}
const OK4 = ["10.0.0.1", "10.0.0.2", "1234", "80", "0x0010", "10"];
const OK6 = ["2001:db8::1", "2001:db8::2", "1234", "80", "0x0010", "10"];
const NONE = ["", "", "", "", "", ""];

// ---------------------------------------------------------------- link layers

describe("Ethernet", () => {
  it("decodes IPv4/TCP with every fixed field", () => {
    const p = decode(
      1,
      eth(0x0800, ip4(tcp({ seq: 0xfffffff0, ack: 0x80000001, flags: 0x18, win: 65535, data: [1, 2, 3] }))),
    );
    assert.equal(p.status, DecodeStatus.OK);
    assert.equal(p.ipVersion, 4);
    assert.equal(p.srcAddrOff, 26);
    assert.equal(p.dstAddrOff, 30);
    assert.equal(p.ipOff, 14);
    assert.equal(p.ipHeaderLen, 20);
    assert.equal(p.ipTotalLen, 43);
    assert.equal(p.ttl, 64);
    assert.equal(p.ipId, 7);
    assert.equal(p.ipDepth, 1);
    assert.equal(p.tcpCount, 1);
    assert.equal(p.tcpOff, 34);
    assert.equal(p.srcPort, 1234);
    assert.equal(p.dstPort, 80);
    assert.equal(p.seq, 0xfffffff0);
    assert.equal(p.ack, 0x80000001);
    assert.equal(p.tcpHeaderLen, 20);
    assert.equal(p.flags, 0x18);
    assert.equal(p.windowRaw, 65535);
    assert.equal(p.checksum, 0x1234);
    assert.equal(p.payloadLen, 3);
    assert.equal(p.payloadCapturedLen, 3);
    assert.equal(p.tcpFields, TcpField.PORTS | TcpField.HEADER | TcpField.FLAGS | TcpField.LEN);
    assert.equal(p.inIcmpError, false);
  });
  it("decodes IPv6/TCP", () => assert.deepEqual(cols(1, eth(0x86dd, P6)), OK6));
  it("does not count Ethernet padding or trailers as payload", () => {
    const f = eth(0x0800, ip4(tcp({ data: [1, 2] })));
    assert.deepEqual(cols(1, [...f, ...zeros(60 - f.length)]).slice(5), ["2"]);
    assert.deepEqual(cols(1, [...eth(0x0800, P4), 0xde, 0xad, 0xbe, 0xef]), OK4);
  });
  it("shows all 12 flag bits", () => {
    assert.equal(cols(1, eth(0x0800, ip4(tcp({ flags: 0xfff }))))[4], "0x0fff");
  });
  it("reads VLAN tags: 802.1Q, 802.1ad + 802.1Q, old QinQ 0x9100", () => {
    let p = decode(1, eth(0x8100, [...vlan(0xe005, 0x0800), ...P4]));
    assert.equal(p.status, DecodeStatus.OK);
    assert.equal(p.vlanOuter, 5);
    assert.equal(p.vlanInner, 0);
    p = decode(1, eth(0x88a8, [...vlan(100, 0x8100), ...vlan(200, 0x0800), ...P4]));
    assert.deepEqual([p.status, p.vlanOuter, p.vlanInner], [DecodeStatus.OK, 100, 200]);
    assert.deepEqual(cols(1, eth(0x9100, [...vlan(5, 0x8100), ...vlan(7, 0x86dd), ...P6])), OK6);
    // 0x9200 is not a VLAN EtherType for Wireshark
    assert.equal(decode(1, eth(0x9200, [...vlan(5, 0x0800), ...P4])).status, DecodeStatus.NOT_TCP);
  });
  it("follows 802.3 + LLC SNAP (OUI 0) and the IP SAP, nothing else", () => {
    const snap = [0xaa, 0xaa, 0x03, 0, 0, 0, ...be16(0x0800), ...P4];
    assert.deepEqual(cols(1, eth(snap.length, snap)), OK4);
    const sap = [0x06, 0x06, 0x03, ...P4];
    assert.deepEqual(cols(1, eth(sap.length, sap)), OK4);
    assert.deepEqual(cols(1, eth(0x8100, [...vlan(5, snap.length), ...snap])), OK4);
    const stp = [0x42, 0x42, 0x03, ...zeros(35)];
    assert.equal(decode(1, eth(stp.length, stp)).status, DecodeStatus.NOT_TCP);
    const vendor = [0xaa, 0xaa, 0x03, 0, 0, 0x0c, ...be16(0x2000), ...zeros(20)];
    assert.equal(decode(1, eth(vendor.length, vendor)).status, DecodeStatus.NOT_TCP);
  });
  it("bounds an 802.3 frame by its length field", () => {
    const snap = [0xaa, 0xaa, 0x03, 0, 0, 0, ...be16(0x0800), ...P4];
    // length says 4 bytes fewer than the LLC payload: tcp.len shrinks accordingly
    assert.equal(cols(1, eth(snap.length - 4, snap))[5], "6");
  });
  it("reads PPPoE session frames", () => {
    assert.deepEqual(
      cols(1, eth(0x8864, [0x11, 0, ...be16(0x1234), ...be16(P4.length + 2), ...be16(0x21), ...P4])),
      OK4,
    );
    assert.deepEqual(
      cols(1, eth(0x8864, [0x11, 0, ...be16(0x1234), ...be16(P6.length + 2), ...be16(0x57), ...P6])),
      OK6,
    );
  });
  it("reads MPLS label stacks", () => {
    assert.deepEqual(cols(1, eth(0x8847, [...be32((100 << 12) | (1 << 8) | 64), ...P4])), OK4);
    assert.deepEqual(
      cols(1, eth(0x8848, [...be32((100 << 12) | 64), ...be32((200 << 12) | (1 << 8) | 64), ...P6])),
      OK6,
    );
  });
  it("reports non-IP EtherTypes as not TCP", () => {
    assert.equal(decode(1, eth(0x0806, zeros(28))).status, DecodeStatus.NOT_TCP);
  });
});

describe("Linux cooked capture", () => {
  const sll = (proto: number, payload: Bytes, hatype = 1): Bytes => [
    ...be16(0),
    ...be16(hatype),
    ...be16(6),
    ...[1, 1, 1, 1, 1, 1, 0, 0],
    ...be16(proto),
    ...payload,
  ];
  const sll2 = (proto: number, payload: Bytes, hatype = 1): Bytes => [
    ...be16(proto),
    0,
    0,
    ...be32(3),
    ...be16(hatype),
    0,
    6,
    ...[1, 1, 1, 1, 1, 1, 0, 0],
    ...payload,
  ];
  it("SLL v1 (113)", () => {
    assert.deepEqual(cols(113, sll(0x0800, P4)), OK4);
    assert.deepEqual(cols(113, sll(0x86dd, P6)), OK6);
    assert.deepEqual(cols(113, sll(0x8100, [...vlan(5, 0x0800), ...P4])), OK4);
    assert.deepEqual(cols(113, sll(0x0004, [0x06, 0x06, 0x03, ...P4])), OK4);
    assert.deepEqual(cols(113, sll(0x0800, P4, 778)), OK4); // IP over GRE device
    assert.deepEqual(cols(113, sll(0x0800, P4, 824)), NONE); // netlink
    assert.equal(decode(113, sll(0x0800, P4).slice(0, 15)).status, DecodeStatus.TRUNCATED);
  });
  it("SLL v2 (276)", () => {
    assert.deepEqual(cols(276, sll2(0x0800, P4)), OK4);
    assert.deepEqual(cols(276, sll2(0x86dd, P6)), OK6);
    assert.deepEqual(cols(276, sll2(0x8100, [...vlan(5, 0x0800), ...P4])), OK4);
    assert.deepEqual(cols(276, sll2(0x0800, P4, 824)), NONE);
  });
});

describe("loopback and raw IP", () => {
  it("BSD null (0): family in either byte order, three AF_INET6 values, EtherTypes", () => {
    assert.deepEqual(cols(0, [...le32(2), ...P4]), OK4);
    assert.deepEqual(cols(0, [...be32(2), ...P4]), OK4);
    for (const af of [24, 28, 30]) {
      assert.deepEqual(cols(0, [...le32(af), ...P6]), OK6);
      assert.deepEqual(cols(0, [...be32(af), ...P6]), OK6);
    }
    assert.deepEqual(cols(0, [...le32(10), ...P6]), NONE); // Linux AF_INET6 is not a BSD value
    assert.deepEqual(cols(0, [...le32(0x0800), ...P4]), OK4);
    assert.deepEqual(cols(0, [...be32(0x86dd), ...P6]), OK6);
    assert.deepEqual(cols(0, [...le32(7), ...P4]), NONE);
  });
  it("OpenBSD loop (108): big-endian family only", () => {
    assert.deepEqual(cols(108, [...be32(2), ...P4]), OK4);
    assert.deepEqual(cols(108, [...le32(2), ...P4]), NONE);
    assert.deepEqual(cols(108, [...be32(24), ...P6]), OK6);
    assert.deepEqual(cols(108, [...be32(10), ...P6]), NONE);
    assert.deepEqual(cols(108, [...be32(0x0800), ...P4]), NONE);
  });
  it("raw IP (101, 12, 14): the version nibble decides", () => {
    for (const lt of [101, 12, 14]) {
      assert.deepEqual(cols(lt, P4), OK4);
      assert.deepEqual(cols(lt, P6), OK6);
      assert.equal(decode(lt, [0x55, 0, 0, 0]).status, DecodeStatus.NOT_TCP);
    }
  });
  it("IPv4 (228) also takes IPv6; IPv6 (229) takes only IPv6", () => {
    assert.deepEqual(cols(228, P4), OK4);
    assert.deepEqual(cols(228, P6), OK6);
    assert.deepEqual(cols(229, P6), OK6);
    assert.deepEqual(cols(229, P4), NONE);
  });
  it("reports unknown link types", () => {
    assert.equal(decode(147, P4).status, DecodeStatus.UNSUPPORTED_LINK);
  });
});

describe("Wi-Fi: radiotap (127), 802.11 (105), PPI (192)", () => {
  const snap4 = [0xaa, 0xaa, 0x03, 0, 0, 0, ...be16(0x0800), ...P4];
  /** An 802.11 data frame header: to-DS, optional QoS / fourth address / HT control. */
  const wlan = (
    o: { qos?: boolean; a4?: boolean; order?: boolean; flags?: number; subtype?: number } = {},
  ): Bytes => {
    const fc0 = (2 << 2) | (((o.subtype ?? 0) | (o.qos ? 8 : 0)) << 4);
    const fc1 = (o.flags ?? 0x01) | (o.order ? 0x80 : 0) | (o.a4 ? 0x03 : 0);
    return [
      fc0,
      fc1,
      0,
      0,
      ...new Array<number>(18).fill(1),
      0x10,
      0,
      ...(o.a4 ? zeros(6) : []),
      ...(o.qos ? [0, 0] : []),
      ...(o.qos && o.order ? zeros(4) : []),
    ];
  };
  /** Radiotap with TSFT (8-aligned) and Flags when given. */
  const rtap = (flags?: number, tsft = false): Bytes => {
    const present = (tsft ? 1 : 0) | (flags !== undefined ? 2 : 0);
    const fields = [...(tsft ? zeros(8) : []), ...(flags !== undefined ? [flags] : [])];
    return [0, 0, ...le16(8 + fields.length), ...le32(present), ...fields];
  };
  it("data frames through LLC/SNAP to IP", () => {
    assert.deepEqual(cols(127, [...rtap(), ...wlan(), ...snap4]), OK4);
    assert.deepEqual(cols(127, [...rtap(0, true), ...wlan({ qos: true, order: true }), ...snap4]), OK4);
    assert.deepEqual(cols(127, [...rtap(), ...wlan({ a4: true }), ...snap4]), OK4);
    assert.deepEqual(cols(105, [...wlan({ qos: true }), ...snap4]), OK4);
  });
  it("honours the radiotap data-pad and FCS flags", () => {
    assert.deepEqual(cols(127, [...rtap(0x20), ...wlan({ qos: true }), 0, 0, ...snap4]), OK4);
    assert.deepEqual(cols(127, [...rtap(0x10, true), ...wlan(), ...snap4, 0xde, 0xad, 0xbe, 0xef]), OK4);
  });
  it("skips protected, null-data and management frames", () => {
    assert.equal(decode(127, [...rtap(), ...wlan({ flags: 0x41 }), ...snap4]).status, DecodeStatus.NOT_TCP);
    assert.equal(decode(127, [...rtap(), ...wlan({ subtype: 4 })]).status, DecodeStatus.NOT_TCP);
    assert.equal(decode(127, [...rtap(), 0x80, 0, ...zeros(34)]).status, DecodeStatus.NOT_TCP);
  });
  it("PPI in front of 802.11 or Ethernet", () => {
    assert.deepEqual(cols(192, [0, 0, ...le16(8), ...le32(105), ...wlan(), ...snap4]), OK4);
    assert.deepEqual(cols(192, [0, 0, ...le16(8), ...le32(1), ...eth(0x0800, P4)]), OK4);
  });
});

describe("OpenBSD pflog (117), Cisco HDLC (104), PPPoE without Ethernet (51)", () => {
  const pflog = (af: number, payload: Bytes): Bytes => [61, af, ...zeros(62), ...payload];
  it("pflog: header length padded to 4, BSD address families", () => {
    assert.deepEqual(cols(117, pflog(2, P4)), OK4);
    for (const af of [24, 28, 30]) assert.deepEqual(cols(117, pflog(af, P6)), OK6);
    assert.deepEqual(cols(117, pflog(10, P6)), NONE);
  });
  it("Cisco HDLC: an EtherType after address and control", () => {
    assert.deepEqual(cols(104, [0x0f, 0, ...be16(0x0800), ...P4]), OK4);
    assert.deepEqual(cols(104, [0x8f, 0, ...be16(0x86dd), ...P6]), OK6);
    assert.equal(decode(104, [0x0f, 0, ...be16(0x8035), ...zeros(20)]).status, DecodeStatus.NOT_TCP);
  });
  it("PPP_ETHER: a PPPoE session header", () => {
    assert.deepEqual(cols(51, [0x11, 0, ...be16(1), ...be16(P4.length + 2), 0, 0x21, ...P4]), OK4);
  });
});

describe("PPP", () => {
  const variants: [string, Bytes, string[]][] = [
    ["ff03 + 0x0021", [0xff, 0x03, 0x00, 0x21, ...P4], OK4],
    ["0x0021 (no address/control)", [0x00, 0x21, ...P4], OK4],
    ["0x21 (protocol field compression)", [0x21, ...P4], OK4],
    ["ff03 + 0x21", [0xff, 0x03, 0x21, ...P4], OK4],
    ["ff03 + 0x0057", [0xff, 0x03, 0x00, 0x57, ...P6], OK6],
    ["0x0057", [0x00, 0x57, ...P6], OK6],
    ["Cisco HDLC 0x0f", [0x0f, 0x00, ...be16(0x0800), ...P4], OK4],
    ["Cisco HDLC 0x8f", [0x8f, 0x00, ...be16(0x0800), ...P4], OK4],
    [
      "VJ uncompressed TCP 0x002f",
      [0xff, 0x03, 0x00, 0x2f, ...ip4(tcp({ data: text("0123456789") }), { proto: 3 })],
      OK4,
    ],
    ["VJ compressed TCP 0x002d", [0xff, 0x03, 0x00, 0x2d, 0x0f, 0x00, 0x12, 0x34], NONE],
    ["LCP", [0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4], NONE],
  ];
  for (const [name, frame, want] of variants) {
    it(name, () => {
      assert.deepEqual(cols(9, frame), want);
      assert.deepEqual(cols(50, frame), want);
      assert.deepEqual(cols(204, [0x00, ...frame]), want);
      assert.deepEqual(cols(204, [0x01, ...frame]), want);
    });
  }
  it("PPP in GRE (PPTP)", () => {
    const ppp = [0xff, 0x03, 0x00, 0x21, ...P4];
    const gre = [
      ...be16(0x3081),
      ...be16(0x880b),
      ...be16(ppp.length),
      ...be16(7),
      ...be32(1),
      ...be32(2),
      ...ppp,
    ];
    assert.deepEqual(
      cols(1, eth(0x0800, ip4(gre, { proto: 47, src: [1, 1, 1, 1], dst: [2, 2, 2, 2] }))),
      OK4,
    );
    const ackOnly = [...be16(0x2081), ...be16(0x880b), ...be16(0), ...be16(7), ...be32(1)];
    const p = decode(1, eth(0x0800, ip4(ackOnly, { proto: 47, src: [1, 1, 1, 1], dst: [2, 2, 2, 2] })));
    assert.equal(p.status, DecodeStatus.NOT_TCP);
    assert.equal(
      netSrc(p, Uint8Array.from(eth(0x0800, ip4(ackOnly, { proto: 47, src: [1, 1, 1, 1] })))),
      "1.1.1.1",
    );
  });
});

describe("NFLOG (239)", () => {
  const tlv = (type: number, value: Bytes): Bytes => {
    const len = 4 + value.length;
    return [...le16(len), ...le16(type), ...value, ...zeros((4 - (len % 4)) % 4)];
  };
  const nflog = (family: number, payload: Bytes): Bytes => [
    family,
    0,
    0,
    0,
    ...tlv(1, [...be16(0x0800), 3, 0]),
    ...tlv(10, text("abc\0")),
    ...tlv(9, payload),
  ];
  it("takes the payload TLV; the version nibble decides, not the family", () => {
    assert.deepEqual(cols(239, nflog(2, P4)), OK4);
    assert.deepEqual(cols(239, nflog(10, P6)), OK6);
    assert.deepEqual(cols(239, nflog(2, P6)), OK6);
    assert.deepEqual(cols(239, nflog(0, P4)), OK4);
  });
  it("a TLV cut by the snaplen hides the packet, as Wireshark walks every TLV first", () => {
    const f = nflog(2, ip4(tcp({ data: zeros(100) })));
    assert.equal(cols(239, f)[5], "100");
    for (const n of [20, 40, 60, f.length - 1])
      assert.deepEqual(cols(239, f.slice(0, n), f.length), NONE, `n=${n}`);
    // payload last and unpadded, ending exactly where the capture ends: the next TLV is read and fails
    const last = [2, 0, 0, 0, ...tlv(9, P4.slice(0, 44))];
    assert.equal(decode(239, last, last.length + 100).status, DecodeStatus.TRUNCATED);
    // ... but padding that runs past the capture ends the walk quietly
    const padded = [2, 0, 0, 0, ...tlv(9, P4)]; // 4 + 50 bytes, then 2 bytes of padding
    assert.deepEqual(cols(239, padded.slice(0, padded.length - 2), padded.length + 100), OK4);
  });
  it("needs host (little-endian) TLV lengths and a payload", () => {
    assert.deepEqual(
      cols(239, [2, 0, 0, 0, ...be16(8), ...be16(1), 8, 0, 3, 0, ...be16(4 + P4.length), ...be16(9), ...P4]),
      NONE,
    );
    assert.equal(decode(239, [2, 0, 0, 0, ...tlv(1, [8, 0, 3, 0])]).status, DecodeStatus.NOT_TCP);
    assert.equal(decode(239, [2, 0, 0, 0, 2, 0, 9, 0]).status, DecodeStatus.MALFORMED);
  });
});

// ---------------------------------------------------------------- IP layers

describe("IPv4", () => {
  it("skips options", () => {
    const p = decode(1, eth(0x0800, ip4(tcp({ data: text("0123456789") }), { options: [1, 1, 1, 0] })));
    assert.equal(p.status, DecodeStatus.OK);
    assert.equal(p.ipHeaderLen, 24);
    assert.equal(p.payloadLen, 10);
  });
  it("TSO: total length 0 means the frame's reported length", () => {
    const f = eth(0x0800, ip4(tcp({ data: zeros(8) }), { totalLen: 0 }));
    assert.equal(cols(1, f, 300)[5], "246");
    assert.equal(cols(1, f)[5], "8");
  });
  it("a total length beyond the frame is bounded by the reported frame length", () => {
    const f = eth(0x0800, ip4(tcp({ data: zeros(8) }), { totalLen: 1000 }));
    assert.equal(cols(1, f)[5], "8");
    assert.equal(cols(1, f, 500)[5], "446");
  });
  it("a bogus header or total length shows no addresses", () => {
    assert.deepEqual(cols(1, eth(0x0800, ip4(tcp(), { totalLen: 16 }))), NONE);
    assert.deepEqual(cols(1, eth(0x0800, ip4(tcp(), { hl: 4 }))), NONE);
    assert.equal(decode(1, eth(0x0800, ip4(tcp(), { hl: 4 }))).status, DecodeStatus.MALFORMED);
  });
  it("version 6 behind EtherType 0x0800 is IPv6; version 4 behind 0x86dd is not decoded", () => {
    assert.deepEqual(cols(1, eth(0x0800, P6)), OK6);
    assert.equal(decode(1, eth(0x86dd, P4)).status, DecodeStatus.MALFORMED);
  });
  it("skips AH", () => {
    const ah = [6, 4, 0, 0, ...zeros(20)];
    assert.deepEqual(
      cols(1, eth(0x0800, ip4([...ah, ...tcp({ data: text("0123456789") })], { proto: 51 }))),
      OK4,
    );
  });
  it("reports UDP and ESP as not TCP, with addresses", () => {
    const p = decode(1, eth(0x0800, ip4(zeros(8), { proto: 17 })));
    assert.equal(p.status, DecodeStatus.NOT_TCP);
    assert.equal(p.ipVersion, 4);
    assert.equal(decode(1, eth(0x0800, ip4(zeros(8), { proto: 50 }))).reason, "ESP (encrypted)");
  });
  it("an IP header without payload carries no TCP", () => {
    const p = decode(1, eth(0x0800, ip4([])));
    assert.equal(p.status, DecodeStatus.NOT_TCP);
    assert.equal(p.tcpCount, 0);
  });
});

describe("IPv4 fragments", () => {
  const seg = tcp({ flags: 0x18, data: zeros(40) });
  it("a wholly captured fragment is left to reassembly: no TCP", () => {
    assert.equal(
      decode(1, eth(0x0800, ip4(seg.slice(0, 32), { frag: 0x2000 }))).status,
      DecodeStatus.FRAGMENT,
    );
    assert.equal(decode(1, eth(0x0800, ip4(seg.slice(32), { frag: 4 }))).status, DecodeStatus.FRAGMENT);
    assert.equal(
      decode(1, eth(0x0800, ip4(seg.slice(0, 8), { frag: 0x2000 }))).status,
      DecodeStatus.FRAGMENT,
    );
  });
  it("a first fragment cut by the snaplen is dissected, without tcp.len", () => {
    const f = eth(0x0800, ip4(seg.slice(0, 56), { frag: 0x2000 }));
    assert.deepEqual(cols(1, f.slice(0, 60), f.length), ["10.0.0.1", "10.0.0.2", "1234", "80", "0x0018", ""]);
    assert.equal(out.fragmented, true);
    assert.equal(out.status, DecodeStatus.OK);
    assert.equal(
      decode(1, eth(0x0800, ip4(seg.slice(0, 56), { frag: 3 })).slice(0, 60), f.length).status,
      DecodeStatus.FRAGMENT,
    );
  });
  it("DF alone is not a fragment", () => {
    assert.deepEqual(cols(1, eth(0x0800, ip4(tcp({ data: text("0123456789") }), { frag: 0x4000 }))), OK4);
  });
});

describe("IPv6", () => {
  const tcp10 = tcp({ data: text("0123456789") });
  it("skips hop-by-hop, destination options, routing and an atomic fragment header", () => {
    const hbh = [60, 0, 1, 4, 0, 0, 0, 0];
    const dst = [43, 1, 1, 12, ...zeros(12)];
    const rt = [44, 2, 0, 0, ...zeros(4), ...A6];
    const frag = [6, 0, 0, 0, 0, 0, 0, 5];
    const p = decode(1, eth(0x86dd, ip6([...hbh, ...dst, ...rt, ...frag, ...tcp10], 0)));
    assert.equal(p.status, DecodeStatus.OK);
    assert.equal(p.ipHeaderLen, 40 + 8 + 16 + 24 + 8);
    assert.deepEqual(cols(1, eth(0x86dd, ip6([...hbh, ...dst, ...rt, ...frag, ...tcp10], 0))), OK6);
  });
  it("keeps the header's destination when a routing header has segments left", () => {
    const rt = [6, 2, 0, 1, ...zeros(4), 0x20, 0x01, 0x0d, 0xb8, ...zeros(11), 0x99];
    assert.deepEqual(cols(1, eth(0x86dd, ip6([...rt, ...tcp10], 43))), OK6);
  });
  it("skips AH", () => {
    assert.deepEqual(cols(1, eth(0x86dd, ip6([6, 4, 0, 0, ...zeros(20), ...tcp10], 51))), OK6);
  });
  it("stops at a segment routing header too short for its segments", () => {
    assert.deepEqual(cols(1, eth(0x86dd, ip6([6, 2, 4, 0, 0, 0, 0, 0, ...A6, ...tcp10], 43))), OK6);
    assert.equal(
      decode(1, eth(0x86dd, ip6([6, 0, 4, 0, 0, 0, 0, 0, ...tcp10], 43))).status,
      DecodeStatus.MALFORMED,
    );
  });
  it("a real fragment carries no TCP (even when cut by the snaplen)", () => {
    const seg = tcp({ data: zeros(200) });
    const f = eth(0x86dd, ip6([6, 0, 0, 1, 0, 0, 0, 6, ...seg], 44));
    assert.equal(decode(1, f).status, DecodeStatus.FRAGMENT);
    assert.equal(decode(1, f.slice(0, 100), f.length).status, DecodeStatus.FRAGMENT);
    assert.equal(out.fragmented, true);
  });
  it("ESP and no-next-header are not TCP", () => {
    assert.equal(decode(1, eth(0x86dd, ip6(zeros(30), 50))).status, DecodeStatus.NOT_TCP);
    assert.equal(decode(1, eth(0x86dd, ip6([], 59))).status, DecodeStatus.NOT_TCP);
  });
  it("a payload length beyond the frame is bounded by the frame", () => {
    assert.equal(cols(1, eth(0x86dd, ip6(tcp10, 6, { plen: 500 })))[5], "10");
  });
  it("payload length 0 leaves no TCP bytes", () => {
    assert.deepEqual(cols(1, eth(0x86dd, ip6(tcp10, 6, { plen: 0 }))).slice(2), ["", "", "", ""]);
  });
});

describe("tunnels: the innermost IP header carrying TCP gives the addresses", () => {
  const tcp10 = tcp({ data: text("0123456789") });
  it("IPv4 in IPv6, IPv6 in IPv4, IP in IP in IP", () => {
    assert.deepEqual(cols(1, eth(0x86dd, ip6(ip4(tcp10), 4))), OK4);
    assert.deepEqual(cols(1, eth(0x0800, ip4(ip6(tcp10), { proto: 41 }))), OK6);
    const nested = ip4(ip4(ip4(tcp10), { proto: 4, src: [3, 3, 3, 3] }), { proto: 4, src: [4, 4, 4, 4] });
    assert.deepEqual(cols(228, nested), OK4);
    assert.equal(out.ipDepth, 3);
  });
  it("GRE: plain, key+sequence with Ethernet, checksum with IPv6", () => {
    const outer = (g: Bytes): Bytes =>
      eth(0x0800, ip4(g, { proto: 47, src: [1, 1, 1, 1], dst: [2, 2, 2, 2] }));
    assert.deepEqual(cols(1, outer([0, 0, ...be16(0x0800), ...ip4(tcp10)])), OK4);
    assert.deepEqual(
      cols(1, outer([...be16(0x3000), ...be16(0x6558), ...be32(5), ...be32(6), ...eth(0x0800, ip4(tcp10))])),
      OK4,
    );
    assert.deepEqual(cols(1, outer([...be16(0x8000), ...be16(0x86dd), 0, 0, 0, 0, ...ip6(tcp10)])), OK6);
  });
});

describe("UDP tunnels on their ports", () => {
  const udp = (sport: number, dport: number, payload: Bytes): Bytes =>
    eth(
      0x0800,
      ip4([...be16(sport), ...be16(dport), ...be16(8 + payload.length), 0, 0, ...payload], {
        proto: 17,
        src: [1, 1, 1, 1],
      }),
    );
  const vxlan = [0x08, 0, 0, 0, 0, 0, 100, 0, ...eth(0x0800, P4)];
  it("VXLAN (4789) either way; the lower port wins", () => {
    assert.deepEqual(cols(1, udp(50000, 4789, vxlan)), OK4);
    assert.deepEqual(cols(1, udp(4789, 50000, vxlan)), OK4);
    assert.equal(decode(1, udp(53, 4789, vxlan)).status, DecodeStatus.NOT_TCP);
    assert.equal(decode(1, udp(3544, 4789, vxlan)).status, DecodeStatus.NOT_TCP); // Teredo's port is lower
  });
  it("Geneve (6081) with Ethernet or IP payload", () => {
    assert.deepEqual(
      cols(1, udp(50000, 6081, [0, 0, ...be16(0x6558), 0, 0, 100, 0, ...eth(0x86dd, P6)])),
      OK6,
    );
    assert.deepEqual(
      cols(1, udp(50000, 6081, [2, 0, ...be16(0x0800), 0, 0, 100, 0, ...zeros(8), ...P4])),
      OK4,
    );
  });
  it("Teredo (3544), with origin indication and authentication headers", () => {
    assert.deepEqual(cols(1, udp(50000, 3544, P6)), OK6);
    assert.deepEqual(cols(1, udp(3544, 50000, [0, 0, 0x12, 0x34, 1, 2, 3, 4, ...P6])), OK6);
    assert.deepEqual(cols(1, udp(50000, 3544, [0, 1, 0, 0, ...zeros(9), ...P6])), OK6);
  });
  it("GTP-U (2152) T-PDUs, with optional fields", () => {
    assert.deepEqual(cols(1, udp(2152, 2152, [0x30, 0xff, ...be16(P4.length), ...be32(0x1234), ...P4])), OK4);
    assert.deepEqual(
      cols(1, udp(50000, 2152, [0x32, 0xff, ...be16(P4.length + 4), ...be32(0x1234), 0, 1, 0, 0, ...P4])),
      OK4,
    );
    const ext = [0x34, 0xff, ...be16(P6.length + 8), ...be32(1), 0, 0, 0, 0x85, 1, 0x10, 0x05, 0, ...P6];
    assert.deepEqual(cols(1, udp(50000, 2152, ext)), OK6);
    assert.equal(
      decode(1, udp(50000, 2152, [0x30, 0x01, ...be16(4), ...be32(1), 0, 0, 0, 0])).status,
      DecodeStatus.NOT_TCP,
    );
  });
  it("other UDP is not TCP", () => {
    assert.equal(decode(1, udp(53, 50000, zeros(20))).reason, "UDP");
  });
});

describe("IP headers cut by the snaplen", () => {
  it("show the source address once its bytes are there", () => {
    const f = eth(0x0800, P4);
    assert.deepEqual(cols(1, f.slice(0, 14 + 15), f.length).slice(0, 2), ["", ""]);
    assert.deepEqual(cols(1, f.slice(0, 14 + 16), f.length).slice(0, 2), ["10.0.0.1", ""]);
    assert.equal(out.status, DecodeStatus.TRUNCATED);
    const g = eth(0x86dd, P6);
    assert.deepEqual(cols(1, g.slice(0, 14 + 30), g.length).slice(0, 2), ["2001:db8::1", ""]);
  });
});

describe("ICMP errors quoting TCP", () => {
  const quoted = ip4(tcp({ sport: 80, dport: 1234, flags: 0x12, data: zeros(100) }), { src: B4, dst: A4 });
  const icmpErr = (type: number, q: Bytes): Bytes =>
    eth(0x0800, ip4([type, 3, 0, 0, 0, 0, 0, 0, ...q], { proto: 1, src: [192, 168, 0, 1], dst: B4 }));
  it("reports the outer addresses, the quoted ports and flags, no tcp.len", () => {
    assert.deepEqual(cols(1, icmpErr(3, quoted.slice(0, 48))), [
      "192.168.0.1",
      "10.0.0.2",
      "80",
      "1234",
      "0x0012",
      "",
    ]);
    assert.equal(out.inIcmpError, true);
    assert.equal(out.status, DecodeStatus.OK);
    assert.equal(out.tcpCount, 1);
    assert.equal(out.ipDepth, 2);
  });
  it("shows only the ports of an 8-byte quote, and no TCP for a bare IP header", () => {
    assert.deepEqual(cols(1, icmpErr(11, quoted.slice(0, 28))), [
      "192.168.0.1",
      "10.0.0.2",
      "80",
      "1234",
      "",
      "",
    ]);
    assert.deepEqual(cols(1, icmpErr(3, quoted.slice(0, 20))), ["192.168.0.1", "10.0.0.2", "", "", "", ""]);
    assert.equal(out.tcpCount, 0);
  });
  it("a redirect shows only 8 bytes after the quoted IP header", () => {
    assert.deepEqual(cols(1, icmpErr(5, quoted.slice(0, 48))), [
      "192.168.0.1",
      "10.0.0.2",
      "80",
      "1234",
      "",
      "",
    ]);
    const viaAh = ip4([6, 4, 0, 0, ...zeros(20), ...tcp()], { proto: 51 });
    assert.deepEqual(cols(1, icmpErr(5, viaAh)).slice(2), ["", "", "", ""]);
    assert.deepEqual(cols(1, icmpErr(3, viaAh)).slice(2, 5), ["1234", "80", "0x0010"]);
  });
  it("walks nested ICMP errors and UDP tunnels in a quote; addresses stay the outermost", () => {
    const inner = icmpErr(3, quoted.slice(0, 48)).slice(14);
    const twice = eth(
      0x0800,
      ip4([11, 0, 0, 0, 0, 0, 0, 0, ...inner], { proto: 1, src: [7, 7, 7, 7], dst: [8, 8, 8, 8] }),
    );
    assert.deepEqual(cols(1, twice), ["7.7.7.7", "8.8.8.8", "80", "1234", "0x0012", ""]);
  });
  it("ignores ICMP messages that are not errors", () => {
    const echo = eth(0x0800, ip4([8, 0, 0, 0, 0, 0, 0, 0, ...quoted], { proto: 1 }));
    assert.equal(decode(1, echo).status, DecodeStatus.NOT_TCP);
    assert.equal(out.inIcmpError, false);
  });
  it("ICMPv6 destination unreachable", () => {
    const q6 = ip6(tcp({ sport: 80, dport: 1234, flags: 0x12, data: zeros(100) }), 6, { src: B6, dst: A6 });
    const fe80 = [0xfe, 0x80, ...zeros(13), 1];
    const f = eth(0x86dd, ip6([1, 4, 0, 0, 0, 0, 0, 0, ...q6.slice(0, 60)], 58, { src: fe80 }));
    assert.deepEqual(cols(1, f), ["fe80::1", "2001:db8::2", "80", "1234", "0x0012", ""]);
    assert.equal(out.inIcmpError, true);
  });
});

// ---------------------------------------------------------------- TCP

describe("TCP header edge cases (as tshark shows them)", () => {
  const full = eth(0x0800, ip4(tcp({ flags: 0x18, options: [1, 1, 8, 10, ...zeros(8)], data: zeros(10) })));
  it("by captured TCP bytes: <4 nothing, <16 ports, >=16 all fields", () => {
    for (let n = 0; n <= 34; n++) {
      const c = cols(1, full.slice(0, 34 + n), full.length);
      if (n < 4) assert.deepEqual(c, ["10.0.0.1", "10.0.0.2", "", "", "", ""], `n=${n}`);
      else if (n < 16) assert.deepEqual(c, ["10.0.0.1", "10.0.0.2", "1234", "80", "", ""], `n=${n}`);
      else assert.deepEqual(c, ["10.0.0.1", "10.0.0.2", "1234", "80", "0x0018", "10"], `n=${n}`);
      assert.equal(out.status, n < 16 ? DecodeStatus.TRUNCATED : DecodeStatus.OK);
      // options are used only when the whole header was captured
      assert.equal(out.hasTimestamps, n >= 32, `n=${n}`);
      assert.equal(out.tcpHeaderTruncated, n >= 16 && n < 32, `n=${n}`);
    }
  });
  it("data offset < 5: ports and tcp.len, no flags", () => {
    assert.deepEqual(cols(1, eth(0x0800, ip4(tcp({ off: 4, data: zeros(8) })))), [
      "10.0.0.1",
      "10.0.0.2",
      "1234",
      "80",
      "",
      "12",
    ]);
    assert.equal(out.status, DecodeStatus.MALFORMED);
    assert.equal(out.tcpFields, TcpField.PORTS | TcpField.HEADER | TcpField.LEN);
    assert.equal(cols(1, eth(0x0800, ip4(tcp({ off: 0, data: zeros(8) }))))[5], "28");
  });
  it("header longer than the IP payload: flags, no tcp.len", () => {
    assert.deepEqual(cols(1, eth(0x0800, ip4(tcp({ off: 15, data: zeros(8) })))).slice(4), ["0x0010", ""]);
    assert.deepEqual(cols(1, eth(0x0800, ip4(tcp({ off: 6, data: zeros(8) }), { totalLen: 40 }))).slice(4), [
      "0x0010",
      "",
    ]);
    assert.equal(out.status, DecodeStatus.MALFORMED);
  });
  it("a TCP header cut by the IP total length shows only the ports", () => {
    assert.deepEqual(cols(1, eth(0x0800, ip4(tcp({ data: zeros(8) }), { totalLen: 30 }))).slice(2), [
      "1234",
      "80",
      "",
      "",
    ]);
  });
});

describe("TCP options", () => {
  const withOptions = (options: Bytes): DecodedPacket =>
    decode(1, eth(0x0800, ip4(tcp({ flags: 0x02, options }))));
  it("parses MSS, window scale, SACK-permitted, timestamps", () => {
    const p = withOptions([2, 4, ...be16(1460), 4, 2, 8, 10, ...be32(0xdeadbeef), ...be32(7), 1, 3, 3, 14]);
    assert.equal(p.mss, 1460);
    assert.equal(p.sackPermitted, true);
    assert.equal(p.hasTimestamps, true);
    assert.equal(p.tsVal, 0xdeadbeef);
    assert.equal(p.tsEcr, 7);
    assert.equal(p.wscale, 14);
    assert.equal(p.optionsMalformed, false);
  });
  it("parses 1 to 4 SACK blocks and the empty SACK option", () => {
    for (let n = 0; n <= 4; n++) {
      const blocks: Bytes = [];
      for (let i = 0; i < n; i++) blocks.push(...be32(0xfffffff0 + i), ...be32(100 + i));
      const p = withOptions([1, 1, 5, 2 + 8 * n, ...blocks, ...zeros((4 - ((4 + 8 * n) % 4)) % 4)]);
      assert.equal(p.sackCount, n);
      for (let i = 0; i < n; i++) {
        assert.equal(p.sackBlocks[2 * i], 0xfffffff0 + i);
        assert.equal(p.sackBlocks[2 * i + 1], 100 + i);
      }
      assert.equal(p.optionsMalformed, false);
    }
    assert.equal(withOptions([5, 7, 0, 0, 0, 1, 0, 0]).optionsMalformed, true);
  });
  it("recognises TFO (kind 34 and experimental 254/0xF989) and MPTCP", () => {
    let p = withOptions([34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0]);
    assert.deepEqual([p.hasTfo, p.tfoCookieLen], [true, 8]);
    p = withOptions([34, 2, 1, 1]);
    assert.deepEqual([p.hasTfo, p.tfoCookieLen], [true, 0]);
    p = withOptions([254, 12, 0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([p.hasTfo, p.tfoCookieLen], [true, 8]);
    p = withOptions([254, 8, 0x12, 0x34, 1, 2, 3, 4]);
    assert.equal(p.hasTfo, false);
    p = withOptions([30, 12, 0x00, 0x81, ...zeros(8)]);
    assert.equal(p.hasMptcp, true);
  });
  it("skips unknown kinds by their length; EOL ends the list", () => {
    let p = withOptions([99, 6, 1, 2, 3, 4, 2, 4, ...be16(536)]);
    assert.equal(p.mss, 536);
    p = withOptions([0, 2, 4, ...be16(536), 1, 1, 1]);
    assert.equal(p.mss, -1);
    assert.equal(p.optionsMalformed, false);
  });
  it("stops at a length < 2 or past the header, flags it", () => {
    let p = withOptions([2, 1, 2, 4, ...be16(536), 0, 0]);
    assert.deepEqual([p.optionsMalformed, p.mss], [true, -1]);
    p = withOptions([1, 1, 8, 10, 0, 0, 0, 0]);
    assert.deepEqual([p.optionsMalformed, p.hasTimestamps], [true, false]);
    p = withOptions([1, 1, 1, 2]);
    assert.equal(p.optionsMalformed, true);
  });
  it("skips an option with the wrong length for its kind and goes on", () => {
    const p = withOptions([2, 3, 5, 8, 10, ...be32(1), ...be32(2), 1]);
    assert.equal(p.mss, -1);
    assert.equal(p.hasTimestamps, true);
    assert.equal(p.optionsMalformed, true);
  });
  it("starts every frame from a clean slate", () => {
    withOptions([2, 4, ...be16(1460), 4, 2, 1, 3, 3, 7, 5, 10, ...zeros(8), 1, 1]);
    const p = withOptions([]);
    assert.deepEqual(
      [p.mss, p.wscale, p.sackPermitted, p.sackCount, p.hasTimestamps],
      [-1, -1, false, 0, false],
    );
  });
});

// ---------------------------------------------------------------- addresses

describe("formatAddress", () => {
  it("IPv4 dotted quad", () => {
    assert.equal(formatAddress(Uint8Array.from([192, 0, 2, 255]), 0, 4), "192.0.2.255");
    assert.equal(formatAddress(Uint8Array.from([1, 2, 3]), 0, 4), "");
    assert.equal(formatAddress(Uint8Array.from([1, 2, 3, 4]), 0, 0), "");
  });
  // every expectation below is what tshark printed for the same address
  const cases: [string, string][] = [
    ["00000000000000000000000000000000", "::"],
    ["00010000000000000000000000000000", "1::"],
    ["00000000000000000000000000000001", "::1"],
    ["20010db8000000000000000000000001", "2001:db8::1"],
    ["00010000000000020000000000000003", "1:0:0:2::3"],
    ["00000000000000000000ffff00000000", "::ffff:0.0.0.0"],
    ["00000000000000000000ffff0a000001", "::ffff:10.0.0.1"],
    ["00000000000000000000000001020304", "::1.2.3.4"],
    ["00000000000000000000000000000102", "::102"],
    ["0000000000000000000000000000ffff", "::ffff"],
    ["00000000000000000000fffe01020304", "::fffe:102:304"],
    ["000000000000000000000000ffffffff", "::255.255.255.255"],
    ["fe80000000000000020c29fffe3a1b2c", "fe80::20c:29ff:fe3a:1b2c"],
    ["fe800000000000000000ffff00000000", "fe80::ffff:0:0"],
    ["00010002000300040005000600070008", "1:2:3:4:5:6:7:8"],
    ["00010000000200000003000000040000", "1:0:2:0:3:0:4:0"],
    ["0001000000000002000000000000000f", "1:0:0:2::f"],
    ["20010db8000000000001000000000001", "2001:db8::1:0:0:1"],
    ["20010db8000100000000000100000001", "2001:db8:1::1:0:1"],
    ["abcd00000000ef000000000000000000", "abcd:0:0:ef00::"],
    ["00640000000000000000000000000000", "64::"],
    ["2002c0a80101000000000000c0a80101", "2002:c0a8:101::c0a8:101"],
  ];
  for (const [hex, want] of cases) {
    it(want, () => {
      const bytes = Uint8Array.from([9, 9, ...(hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16))]);
      assert.equal(formatAddress(bytes, 2, 6), want);
    });
  }
});

// ---------------------------------------------------------------- robustness

/** A view that throws on any read outside [0, length): catches out-of-bounds reads the JIT would hide. */
function strict(bytes: Uint8Array): Uint8Array {
  return new Proxy(bytes, {
    get(target, key) {
      if (typeof key === "string" && /^-?\d+$/.test(key)) {
        const i = Number(key);
        if (i < 0 || i >= target.length) throw new RangeError(`read at ${i} of ${target.length}`);
        return target[i];
      }
      const v = Reflect.get(target, key, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

const LINK_TYPES = [
  0, 1, 9, 12, 14, 50, 51, 101, 104, 105, 108, 113, 117, 127, 192, 204, 228, 229, 239, 258, 276, 147,
];

/** Invariants every decode must keep, whatever the input. */
function checkInvariants(p: DecodedPacket, data: Uint8Array): void {
  assert.ok(p.status >= 0 && p.status <= 5);
  if (p.ipVersion !== 0) {
    const n = p.ipVersion === 4 ? 4 : 16;
    assert.ok(p.srcAddrOff + n <= data.length);
    // a header cut after its source address shows no destination
    assert.ok(p.dstAddrOff + n <= data.length || p.status === DecodeStatus.TRUNCATED);
  }
  if (p.tcpFields & TcpField.PORTS) assert.ok(p.tcpOff + 4 <= data.length);
  if (p.tcpFields & TcpField.HEADER) assert.ok(p.tcpOff + 16 <= data.length);
  if (p.status === DecodeStatus.OK) {
    assert.equal(p.tcpFields & 7, 7);
    assert.ok(p.payloadLen >= 0 && p.tcpHeaderLen >= 20);
    assert.ok(p.tcpCount === 1);
  }
  assert.ok(p.sackCount >= 0 && p.sackCount <= 4);
  assert.ok(p.payloadCapturedLen >= 0);
}

describe("robustness (property-based)", () => {
  it("random bytes on every link type: no throw, no out-of-bounds read", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LINK_TYPES),
        fc.uint8Array({ maxLength: 160 }),
        fc.nat(70000),
        (lt, bytes, orig) => {
          const p = new DecodedPacket();
          decodeFrame(lt, strict(bytes), orig, p);
          checkInvariants(p, bytes);
          netSrc(p, strict(bytes));
          netDst(p, strict(bytes));
        },
      ),
      { numRuns: 3000 },
    );
  });

  // Valid frames of every kind, then mutated: bytes flipped, cut short, lengths lied about.
  const udpHdr = (sport: number, dport: number, payload: Bytes): Bytes => [
    ...be16(sport),
    ...be16(dport),
    ...be16(8 + payload.length),
    0,
    0,
    ...payload,
  ];
  const tcpOpts = [2, 4, 5, 180, 1, 3, 3, 7, 4, 2, 8, 10, ...zeros(8), 5, 10, ...zeros(8)];
  const radiotapQosPadded = [0, 0, ...le16(17), ...le32(3), ...zeros(8), 0x30];
  const wlanQos = [0x88, 1, ...zeros(24), 0, 0]; // QoS data header + 2 bytes of data pad
  const snap4 = [0xaa, 0xaa, 3, 0, 0, 0, 8, 0, ...P4];
  const nflog4 = [2, 0, 0, 0, ...le16(4 + P4.length), ...le16(9), ...P4];
  const gre6 = [0, 0, ...be16(0x6558), ...eth(0x86dd, P6)];
  const vxlan4 = [8, 0, 0, 0, 0, 0, 0, 0, ...eth(0x0800, P4)];
  const seeds: [number, Bytes][] = [
    [1, eth(0x0800, ip4(tcp({ options: tcpOpts })))],
    [1, eth(0x86dd, ip6([6, 0, 1, 4, 0, 0, 0, 0, ...tcp({ data: zeros(5) })], 0))],
    [1, eth(0x8100, [...vlan(5, 0x88a8), ...vlan(6, 0x0800), ...P4])],
    [1, eth(0x0800, ip4([3, 3, 0, 0, 0, 0, 0, 0, ...P4.slice(0, 40)], { proto: 1 }))],
    [1, eth(0x0800, ip4([0, 0, ...be16(0x0800), ...ip4(ip6(tcp(), 6), { proto: 41 })], { proto: 47 }))],
    [1, eth(0x8847, [...be32((1 << 12) | (1 << 8)), ...P6])],
    [1, eth(0x0800, ip4(udpHdr(5000, 4789, vxlan4), { proto: 17 }))],
    [113, [...zeros(14), ...be16(0x0800), ...P4]],
    [276, [...be16(0x86dd), ...zeros(18), ...P6]],
    [0, [...le32(2), ...P4]],
    [9, [0xff, 0x03, 0x00, 0x2f, ...P4]],
    [239, nflog4],
    [101, ip6([1, 4, 0, 0, 0, 0, 0, 0, ...P6], 58)],
    [127, [...radiotapQosPadded, ...wlanQos, ...snap4]],
    [192, [0, 0, ...le16(8), ...le32(1), ...eth(0x0800, ip4(gre6, { proto: 47 }))]],
    [258, [...le32(20), ...le32(1), ...le32(239), ...zeros(8), ...nflog4]],
  ];
  it("the seeds are frames carrying TCP", () => {
    for (const [lt, seed] of seeds)
      assert.ok(decode(lt, seed).tcpFields & TcpField.PORTS, `link type ${lt}: ${out.reason}`);
  });
  it("mutated valid frames: no throw, no out-of-bounds read, invariants hold", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(200),
        fc.nat(3000),
        ([lt, seed], flips, cut, orig) => {
          const bytes = Uint8Array.from(seed);
          for (const [i, v] of flips) if (i < bytes.length) bytes[i] = v;
          const data = bytes.subarray(0, Math.min(bytes.length, cut));
          const p = new DecodedPacket();
          decodeFrame(lt, strict(data), orig, p);
          checkInvariants(p, data);
        },
      ),
      { numRuns: 5000 },
    );
  });
  it("decodes quickly whatever the input (bounded work per frame)", () => {
    const rnd = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 1500 }), { numRuns: 2000, seed: 42 });
    const p = new DecodedPacket();
    const t0 = performance.now();
    for (let r = 0; r < 20; r++)
      for (const b of rnd) for (const lt of LINK_TYPES) decodeFrame(lt, b, b.length, p);
    const perFrameUs = ((performance.now() - t0) * 1000) / (20 * rnd.length * LINK_TYPES.length);
    assert.ok(perFrameUs < 5, `${perFrameUs} µs per frame`);
  });
});
