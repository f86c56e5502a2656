/** LINKTYPE_* numbers (tcpdump.org/linktypes.html) that tcpsleuth decodes or names. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  RAW: 101,
  /** DLT_RAW on OpenBSD and some other systems wrote 12 or 14 into pcap headers. */
  RAW_12: 12,
  RAW_14: 14,
  PPP_HDLC: 50,
  PPP_ETHER: 51,
  C_HDLC: 104,
  LOOP: 108,
  LINUX_SLL: 113,
  PFLOG: 117,
  IEEE802_11_RADIOTAP: 127,
  PPP_WITH_DIR: 204,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  NETANALYZER: 240,
  LINUX_SLL2: 276,
} as const;

const NAMES: Record<number, [short: string, long: string]> = {
  0: ["null", "NULL/Loopback"],
  1: ["ether", "Ethernet"],
  9: ["ppp", "PPP"],
  12: ["rawip", "Raw IP"],
  14: ["rawip", "Raw IP"],
  50: ["ppp-hdlc", "PPP in HDLC-like framing"],
  51: ["pppoe", "PPPoE"],
  101: ["rawip", "Raw IP"],
  104: ["chdlc", "Cisco HDLC"],
  108: ["loop", "OpenBSD loopback"],
  113: ["linux-sll", "Linux cooked-mode capture v1"],
  117: ["pflog", "OpenBSD PF Firewall logs"],
  127: ["ieee-802-11-radiotap", "IEEE 802.11 plus radiotap radio header"],
  204: ["ppp-with-direction", "PPP with Directional Info"],
  228: ["rawip4", "Raw IPv4"],
  229: ["rawip6", "Raw IPv6"],
  239: ["nflog", "NFLOG"],
  276: ["linux-sll2", "Linux cooked-mode capture v2"],
};

/** Short name as capinfos prints it in parentheses (e.g. "ether"), or "linktype-N". */
export function linkTypeShortName(lt: number): string {
  return NAMES[lt]?.[0] ?? `linktype-${lt}`;
}

/** Long name as capinfos prints it (e.g. "Ethernet"). */
export function linkTypeLongName(lt: number): string {
  return NAMES[lt]?.[1] ?? `Link type ${lt}`;
}
