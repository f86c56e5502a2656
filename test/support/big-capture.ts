/**
 * A large, valid capture made on the spot (for the web app's scroll test): bulk transfers over a few
 * connections, data segments acknowledged every second one, as a LINKTYPE_RAW microsecond pcap.
 * Written record by record, so a million packets never sit in memory at once.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { packetBytes, type SynthPacket } from "./tcp-synth.js";

const SEGMENT_BYTES = 64;
const CONNECTIONS = 8;

function record(p: SynthPacket): Buffer {
  const data = packetBytes(p);
  const head = Buffer.alloc(16);
  const sec = Math.floor(p.t);
  head.writeUInt32LE(sec, 0);
  head.writeUInt32LE(Math.round((p.t - sec) * 1e6) % 1_000_000, 4);
  head.writeUInt32LE(data.length, 8);
  head.writeUInt32LE(data.length, 12);
  return Buffer.concat([head, data]);
}

/** Writes exactly `packets` frames; returns nothing but the file. Frame n is at t0 + n × 100 µs. */
export function writeBulkPcap(path: string, packets: number): void {
  const fd = openSync(path, "w");
  try {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(262144, 16);
    header.writeUInt32LE(101, 20);
    writeSync(fd, header);
    const t0 = 1_795_300_000;
    const perConn = Math.floor(packets / CONNECTIONS);
    let frame = 0;
    const batch: Buffer[] = [];
    const flush = () => {
      if (batch.length) writeSync(fd, Buffer.concat(batch));
      batch.length = 0;
    };
    for (let c = 0; c < CONNECTIONS; c++) {
      const budget = c === CONNECTIONS - 1 ? packets - frame : perConn;
      const client = { src: "10.1.0.10", sport: 40000 + c };
      const server = { dst: "10.2.0.20", dport: 9100 };
      const isnC = 1000 + c * 7919;
      const isnS = 5000 + c * 104729;
      const out: SynthPacket[] = [];
      const at = () => t0 + (frame + out.length) * 1e-4;
      out.push({ t: at(), ...client, ...server, seq: isnC, flags: "S", mss: 1460, win: 64240 });
      out.push({
        t: at(),
        src: server.dst,
        dst: client.src,
        sport: server.dport,
        dport: client.sport,
        seq: isnS,
        ack: isnC + 1,
        flags: "SA",
        mss: 1460,
        win: 65535,
      });
      out.push({ t: at(), ...client, ...server, seq: isnC + 1, ack: isnS + 1, flags: "A", win: 64240 });
      for (const p of out) batch.push(record(p));
      frame += out.length;
      let seq = isnC + 1;
      let sent = 0;
      // Leave room for the FIN exchange (3 packets) at the end of each connection.
      while (budget - (frame - c * perConn) > 3) {
        const t = t0 + frame * 1e-4;
        batch.push(
          record({
            t,
            ...client,
            ...server,
            seq,
            ack: isnS + 1,
            flags: "PA",
            win: 64240,
            len: SEGMENT_BYTES,
          }),
        );
        seq += SEGMENT_BYTES;
        sent++;
        frame++;
        if (sent % 2 === 0 && budget - (frame - c * perConn) > 3) {
          batch.push(
            record({
              t: t0 + frame * 1e-4,
              src: server.dst,
              dst: client.src,
              sport: server.dport,
              dport: client.sport,
              seq: isnS + 1,
              ack: seq,
              flags: "A",
              win: 65535,
            }),
          );
          frame++;
        }
        if (batch.length >= 4096) flush();
      }
      const t = () => t0 + frame * 1e-4;
      batch.push(record({ t: t(), ...client, ...server, seq, ack: isnS + 1, flags: "FA", win: 64240 }));
      frame++;
      batch.push(
        record({
          t: t(),
          src: server.dst,
          dst: client.src,
          sport: server.dport,
          dport: client.sport,
          seq: isnS + 1,
          ack: seq + 1,
          flags: "FA",
          win: 65535,
        }),
      );
      frame++;
      batch.push(
        record({ t: t(), ...client, ...server, seq: seq + 1, ack: isnS + 2, flags: "A", win: 64240 }),
      );
      frame++;
    }
    flush();
  } finally {
    closeSync(fd);
  }
}
