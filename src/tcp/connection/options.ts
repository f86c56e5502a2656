/** ConnectionTracker tunables: Zeek's defaults (scripts/base/init-bare.zeek) unless noted. */
import type { ConnectionOptions } from "./types.js";

/**
 * TCP ports Zeek's base protocol scripts register as likely server ports (Analyzer::register_for_ports
 * adds them to likely_server_ports): dce-rpc, dnp3, dns, finger, ftp, http, imap, irc, krb, ldap,
 * modbus, mqtt, mysql, postgresql, rdp, redis, smb, smtp, socks, ssh, ssl, syslog, xmpp.
 * (With `zeek -b` only the loaded protocols' ports are in the set.)
 */
export const ZEEK_LIKELY_SERVER_PORTS: readonly number[] = Object.freeze([
  21, 22, 25, 53, 79, 80, 81, 88, 135, 139, 143, 389, 443, 445, 465, 502, 514, 563, 585, 587, 614, 631, 636,
  989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 5432, 6379, 6666,
  6667, 6668, 6669, 8000, 8080, 8888, 20000,
]);

export const DEFAULT_CONNECTION_OPTIONS: Readonly<ConnectionOptions> = Object.freeze({
  inactivityTimeoutSec: 300,
  handshakeInactivityTimeoutSec: 60,
  attemptTimeoutSec: 5,
  closeDelaySec: 5,
  resetDelaySec: 5,
  lingerSec: 5,
  synTimeoutSec: 5,
  sessionTimerSec: 6,
  likelyServerPorts: ZEEK_LIKELY_SERVER_PORTS,
  reportGapsForPartial: false,
  verifyChecksums: false,
  idleEventSec: 5,
  maxEventsPerConnection: 64,
  maxOpenConnections: 250_000,
  maxRememberedTuples: 100_000,
  packetsBeforeClose: 5,
  maxHandshakeFrames: 16,
  maxStreamsListed: 8,
  maxReassemblyBlocks: 8,
  sweepIntervalSec: 1,
});

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(what);
}

export function resolveConnectionOptions(partial: Partial<ConnectionOptions> = {}): ConnectionOptions {
  const o: ConnectionOptions = { ...DEFAULT_CONNECTION_OPTIONS, ...partial };
  for (const k of [
    "inactivityTimeoutSec",
    "handshakeInactivityTimeoutSec",
    "attemptTimeoutSec",
    "closeDelaySec",
    "resetDelaySec",
    "lingerSec",
    "synTimeoutSec",
    "idleEventSec",
  ] as const) {
    check(o[k] >= 0, `${k} must be a number >= 0`);
  }
  check(o.sessionTimerSec > 0, "sessionTimerSec must be > 0");
  check(o.sweepIntervalSec > 0, "sweepIntervalSec must be > 0");
  for (const k of [
    "maxEventsPerConnection",
    "maxRememberedTuples",
    "packetsBeforeClose",
    "maxHandshakeFrames",
    "maxStreamsListed",
  ] as const) {
    check(Number.isInteger(o[k]) && o[k] >= 0, `${k} must be an integer >= 0`);
  }
  check(
    Number.isInteger(o.maxOpenConnections) && o.maxOpenConnections >= 1,
    "maxOpenConnections must be >= 1",
  );
  check(
    Number.isInteger(o.maxReassemblyBlocks) && o.maxReassemblyBlocks >= 1,
    "maxReassemblyBlocks must be >= 1",
  );
  return o;
}
