/**
 * Hand-built DiagnosisReports for the renderer tests, modelled on the real cases in
 * /work/shared/cases and the scenario captures (numbers taken from their tshark output):
 * - printerSynAckReport: case 01, a printer answering SYNs with a SYN-ACK whose ACK is far off.
 * - zeroWindowReport: case 05, a printer that closes its receive window for ~7 s, then recovers.
 * - healthyReport: a clean capture.
 */
import type { Finding } from "../../src/model/finding.js";
import type { ConnectionDetail, ConnectionRow, DiagnosisReport, PacketView } from "../../src/model/report.js";

const U32 = 2 ** 32;

function pv(
  p: Partial<PacketView> & Pick<PacketView, "frame" | "rel" | "from" | "flags">,
  t0: number,
): PacketView {
  return { ts: t0 + p.rel, seq: 0, ack: 0, seqRaw: 0, ackRaw: 0, len: 0, win: 0, tags: "", ...p };
}

function report(partial: Partial<DiagnosisReport>): DiagnosisReport {
  return {
    version: 1,
    tool: { name: "tcpsleuth", version: "0.1.0" },
    capture: {
      file: "capture.pcapng",
      format: "pcapng",
      packets: 26,
      tcpPackets: 24,
      firstTs: 1795316362.672851,
      lastTs: 1795316372.977249,
      durationSec: 10.304,
      skipped: [{ reason: "not TCP (ARP)", count: 2 }],
      problems: [],
      vantage: "client",
    },
    verdict: "healthy",
    headline: "",
    findings: [],
    checked: [
      "3-way handshakes (SYN, SYN-ACK, ACK) and their acknowledgement numbers",
      "resets (RST): who sent them and when",
      "retransmissions and duplicate ACKs (packet loss)",
      "receive windows (zero window, window full)",
      "packets missing from the capture itself",
    ],
    connections: [],
    details: [],
    ...partial,
  };
}

function row(p: Partial<ConnectionRow> & Pick<ConnectionRow, "uid" | "client" | "server">): ConnectionRow {
  return {
    stream: p.uid,
    state: "SF",
    history: "ShADadFf",
    startTs: 1795316362.67,
    durationSec: 0.5,
    packets: 10,
    bytesClientToServer: 1000,
    bytesServerToClient: 100,
    retransmissions: 0,
    zeroWindowSec: 0,
    close: "FIN",
    findings: [],
    ...p,
  };
}

/** Case 01: SYN 3, SYN-ACK 4 with ack 2231665395 (relative; should be 1), client RST 5; eight times. */
export function printerSynAckReport(): DiagnosisReport {
  const t0 = 1795316362.67289;
  const isnA = 2535840526;
  const isnB = 1180908800;
  const badAckRaw = 472538625;
  const badAckRel = (badAckRaw - (isnA + 0) + U32) % U32;
  const rounds = [
    0, 0.039817634, 1.047843414, 2.071817331, 3.095849028, 4.119847312, 6.135883053, 10.295837434,
  ];
  const packets: PacketView[] = [];
  rounds.forEach((r, k) => {
    const f = 3 + 3 * k;
    const rtx = k > 0 ? "[TCP Retransmission]" : "";
    packets.push(pv({ frame: f, rel: r, from: "a", flags: "SYN", seqRaw: isnA, win: 64240, tags: rtx }, t0));
    packets.push(
      pv(
        {
          frame: f + 1,
          rel: r + 0.025397572,
          from: "b",
          flags: "SYN, ACK",
          seqRaw: isnB,
          ack: badAckRel,
          ackRaw: badAckRaw,
          win: 8760,
          tags: k > 0 ? "[TCP Retransmission] [TCP ACKed unseen segment]" : "[TCP ACKed unseen segment]",
        },
        t0,
      ),
    );
    packets.push(
      pv(
        { frame: f + 2, rel: r + 0.025424864, from: "a", flags: "RST", seq: badAckRel, seqRaw: badAckRaw },
        t0,
      ),
    );
  });
  const detail: ConnectionDetail = {
    stream: 0,
    a: "198.18.1.10:48766",
    b: "198.18.1.20:9100",
    packets,
    truncated: 0,
  };
  const synack: Finding = {
    id: "handshake.synack-bad-ack",
    severity: "error",
    culprit: "198.18.1.20:9100",
    stream: 0,
    frames: [3, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 19, 20, 22, 23, 25, 26],
    confidence: "high",
    facts: { attempts: 8, expectedAck: isnA + 1, gotAck: badAckRaw },
    annotations: [{ frame: 4, text: "should be Ack=1 (abs 2535840527)" }],
    summary:
      "The printer 198.18.1.20:9100 answered 8 connection attempts with a SYN-ACK that acknowledges the wrong number, so the client reset every one.",
    explanation:
      "To open a connection the client sends a SYN with a starting number (2535840526). The server must answer with a SYN-ACK that acknowledges exactly that number plus one (2535840527). The printer acknowledged 472538625 instead, a number that belongs to no connection the client knows, so the client's TCP stack correctly refused it with a reset (RST). The client is behaving correctly; the printer's TCP stack is answering for some other, stale connection or has a firmware bug.",
    next: "Power-cycle the printer to clear its connection table; if the problem comes back, ask the vendor about a firmware update and send them this report (frames 3, 4 and 5 show one complete failed attempt).",
  };
  const reset: Finding = {
    id: "conn.reset",
    severity: "info",
    culprit: "198.18.1.10:48766",
    stream: 0,
    frames: [5],
    confidence: "high",
    facts: { resets: 8 },
    summary: "The client 198.18.1.10:48766 reset the connection right after the printer's SYN-ACK.",
    explanation:
      "A reset ends a connection at once. Here it is the client's correct answer to an invalid SYN-ACK.",
    next: "Nothing to do on the client; see the SYN-ACK finding.",
  };
  return report({
    verdict: "error",
    headline:
      "The printer 198.18.1.20:9100 answers connection attempts with a wrong ACK number: printer firmware at fault.",
    findings: [reset, synack],
    connections: [
      row({
        uid: 0,
        client: "198.18.1.10:48766",
        server: "198.18.1.20:9100",
        state: "REJ",
        history: "ShR",
        durationSec: 10.32,
        packets: 24,
        bytesClientToServer: 0,
        bytesServerToClient: 0,
        retransmissions: 14,
        close: "RST by client",
        findings: ["handshake.synack-bad-ack", "conn.reset"],
      }),
    ],
    details: [detail],
  });
}

/** Case 05: the printer advertises window 0 from frame 11 to the update in frame 23, then the job completes. */
export function zeroWindowReport(): DiagnosisReport {
  const t0 = 1795316471.804263;
  const isnA = 3001234567;
  const isnB = 912345678;
  const P: PacketView[] = [];
  const add = (p: Partial<PacketView> & Pick<PacketView, "frame" | "rel" | "from" | "flags">): void => {
    const q = pv(p, t0);
    q.seqRaw = ((q.from === "a" ? isnA : isnB) + q.seq) % U32;
    q.ackRaw = q.ack === 0 ? 0 : ((q.from === "a" ? isnB : isnA) + q.ack) % U32;
    P.push(q);
  };
  add({ frame: 3, rel: 0, from: "a", flags: "SYN", win: 64240 });
  add({ frame: 4, rel: 0.000016, from: "b", flags: "SYN, ACK", ack: 1, win: 2896 });
  add({ frame: 5, rel: 0.000029, from: "a", flags: "ACK", seq: 1, ack: 1, win: 64512 });
  add({ frame: 6, rel: 0.048282, from: "a", flags: "ACK", seq: 1, ack: 1, len: 1448, win: 64512 });
  add({ frame: 7, rel: 0.04831, from: "b", flags: "ACK", seq: 1, ack: 1449, win: 2896 });
  add({ frame: 8, rel: 0.048321, from: "a", flags: "PSH, ACK", seq: 1449, ack: 1, len: 1448, win: 64512 });
  add({
    frame: 9,
    rel: 0.04834,
    from: "a",
    flags: "ACK",
    seq: 2897,
    ack: 1,
    len: 1448,
    win: 64512,
    tags: "[TCP Window Full]",
  });
  add({
    frame: 10,
    rel: 0.052453,
    from: "a",
    flags: "ACK",
    seq: 2897,
    ack: 1,
    len: 1448,
    win: 64512,
    tags: "[TCP Retransmission] [TCP Window Full]",
  });
  add({
    frame: 11,
    rel: 0.08847,
    from: "b",
    flags: "ACK",
    seq: 1,
    ack: 4345,
    win: 0,
    tags: "[TCP ZeroWindow]",
  });
  const probes = [0.300441, 0.75243, 1.612431, 3.308465, 6.896451];
  let f = 12;
  for (const [i, t] of probes.entries()) {
    if (i === 4) f += 2; // frames 19 and 20 are ARP in the real capture
    add({
      frame: f++,
      rel: t,
      from: "a",
      flags: "ACK",
      seq: 4344,
      ack: 1,
      win: 64512,
      tags: "[TCP ZeroWindowProbe]",
    });
    if (i !== 1)
      add({
        frame: f++,
        rel: t + 0.000045,
        from: "b",
        flags: "ACK",
        seq: 1,
        ack: 4345,
        tags: "[TCP ZeroWindow]",
      });
  }
  add({
    frame: 23,
    rel: 7.005555,
    from: "b",
    flags: "ACK",
    seq: 1,
    ack: 4345,
    win: 2896,
    tags: "[TCP Window Update]",
  });
  // The printer now reads at its own pace: two segments per round, one ACK, a second short stall.
  let seq = 4345;
  let t = 7.005577;
  f = 24;
  for (let round = 0; round < 100; round++) {
    const stall = round === 60;
    add({ frame: f++, rel: t, from: "a", flags: "ACK", seq, ack: 1, len: 1448, win: 64512 });
    add({
      frame: f++,
      rel: t + 0.000002,
      from: "a",
      flags: "PSH, ACK",
      seq: seq + 1448,
      ack: 1,
      len: 1448,
      win: 64512,
      tags: "[TCP Window Full]",
    });
    seq += 2896;
    if (round === 30) {
      add({
        frame: f++,
        rel: t + 0.0002,
        from: "a",
        flags: "PSH, ACK",
        seq: seq - 1448,
        ack: 1,
        len: 1448,
        win: 64512,
        tags: "[TCP Retransmission]",
      });
    }
    add({
      frame: f++,
      rel: t + 0.004,
      from: "b",
      flags: "ACK",
      seq: 1,
      ack: seq,
      win: stall ? 0 : 2896,
      tags: stall ? "[TCP ZeroWindow]" : "",
    });
    t += stall ? 0.9 : 0.0045;
    if (stall)
      add({
        frame: f++,
        rel: t - 0.002,
        from: "b",
        flags: "ACK",
        seq: 1,
        ack: seq,
        win: 2896,
        tags: "[TCP Window Update]",
      });
  }
  add({ frame: f++, rel: t, from: "a", flags: "FIN, ACK", seq, ack: 1, win: 64512 });
  add({ frame: f++, rel: t + 0.0001, from: "b", flags: "FIN, ACK", seq: 1, ack: seq + 1, win: 2896 });
  add({ frame: f++, rel: t + 0.00012, from: "a", flags: "ACK", seq: seq + 1, ack: 2, win: 64512 });
  const detail: ConnectionDetail = {
    stream: 0,
    a: "198.18.1.10:49746",
    b: "198.18.1.20:9100",
    packets: P,
    truncated: 0,
  };
  const zw: Finding = {
    id: "flow.zero-window",
    severity: "warning",
    culprit: "198.18.1.20:9100",
    stream: 0,
    frames: [11, 12, 14, 23],
    confidence: "high",
    facts: { zeroWindowSec: 6.92, probes: 5, recovered: true },
    summary:
      "The printer 198.18.1.20:9100 told the client to stop sending (zero window) for 6.92 s, then recovered.",
    explanation:
      "Each side of a TCP connection advertises how much more data it can accept (its receive window). A window of 0 means the receiver's buffer is full because its application is not reading: here the printer's print engine was busy. The client waited and politely asked whether there was room again (zero-window probes), which is correct behaviour. The network is not at fault.",
    next: "If the pauses make jobs slow or time out, look at the printer (warm-up, paper handling, job size) and its firmware, not at the network or the client.",
  };
  return report({
    capture: {
      file: "zero-window.pcapng",
      format: "pcapng",
      packets: P.length + 4,
      tcpPackets: P.length,
      firstTs: t0,
      lastTs: t0 + t,
      durationSec: t,
      skipped: [{ reason: "not TCP (ARP)", count: 4 }],
      problems: [],
      vantage: "client",
    },
    verdict: "warning",
    headline:
      "The printer 198.18.1.20:9100 stopped reading for 6.92 s (zero window); the network and the client are fine.",
    findings: [zw],
    connections: [
      row({
        uid: 0,
        client: "198.18.1.10:49746",
        server: "198.18.1.20:9100",
        durationSec: t,
        packets: P.length,
        bytesClientToServer: seq - 1,
        bytesServerToClient: 0,
        retransmissions: 2,
        zeroWindowSec: 7.82,
        findings: ["flow.zero-window"],
      }),
    ],
    details: [detail],
  });
}

export function healthyReport(): DiagnosisReport {
  return report({
    verdict: "healthy",
    headline:
      "No problem found in 3 TCP connections: every handshake completed and every connection closed normally.",
    findings: [
      {
        id: "healthy",
        severity: "info",
        culprit: null,
        stream: null,
        frames: [],
        confidence: "high",
        facts: { connections: 3 },
        summary: "All 3 connections look healthy.",
        explanation:
          "Every connection opened with a normal handshake, moved its data without loss and closed with FIN.",
        next: "If users still see a problem, capture again while it happens, ideally on both ends.",
      },
    ],
    connections: [0, 1, 2].map((i) =>
      row({ uid: i, client: `10.0.0.5:5100${i}`, server: "10.0.0.9:443", startTs: 1795316362.67 + i }),
    ),
  });
}
