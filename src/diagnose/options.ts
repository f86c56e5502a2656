/**
 * Thresholds of the diagnosis rules, with units in their names. Defaults are what an experienced
 * analyst would defend; every one can be overridden (`diagnose --set name=value`).
 */
export interface DiagnoseOptions {
  /** A SYN that got no answer is only a finding when the sender tried at least this many times... */
  noResponseMinSyns: number;
  /** ...or waited at least this long for an answer that never came before the capture ended. */
  noResponseMinWaitSec: number;
  /** Retransmissions of the same data with no packet at all from the receiver before the sender is called unanswered. */
  silentMinRetransmissions: number;
  /** A receiver silent for less than this is not "silent" (a long RTT is not a dead peer). */
  silentMinSec: number;
  /** A zero window must last at least this long to be reported (brief zero windows are normal flow control). */
  zeroWindowMinSec: number;
  /** Path loss: at least this many loss signals (retransmissions of data, fast retransmits) in a connection... */
  lossMinRetransmissions: number;
  /** ...or at least this many duplicate ACKs. */
  lossMinDupAcks: number;
  /** A RST within this long after the last data counts as "right after the last data". */
  resetRightAfterDataSec: number;
  /** Port reuse: a client using at most this many distinct source ports for at least `portReuseMinConnections` connections to one service. */
  portReuseSmallRangeMax: number;
  portReuseMinConnections: number;
  /** Evidence frames listed per finding (the most telling first). */
  maxEvidenceFrames: number;
}

export const DEFAULT_DIAGNOSE_OPTIONS: DiagnoseOptions = {
  noResponseMinSyns: 2,
  noResponseMinWaitSec: 3,
  silentMinRetransmissions: 2,
  silentMinSec: 1,
  zeroWindowMinSec: 0.5,
  lossMinRetransmissions: 3,
  lossMinDupAcks: 10,
  resetRightAfterDataSec: 0.5,
  portReuseSmallRangeMax: 16,
  portReuseMinConnections: 12,
  maxEvidenceFrames: 12,
};

export function resolveDiagnoseOptions(o: Partial<DiagnoseOptions> = {}): DiagnoseOptions {
  return { ...DEFAULT_DIAGNOSE_OPTIONS, ...o };
}
