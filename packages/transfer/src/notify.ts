/**
 * NOTIFY (RFC 1996) to a secondary over UDP: the zone's SOA question with AA
 * set, tried three times (CoreDNS's sendNotify), each try waiting up to
 * two seconds for the secondary's answer.
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { encodeName, Opcode, QClass, QType } from '@chaindns/core';
import type { Secondary } from './to-address.js';

const TRIES = 3;
const WAIT_MS = 2000;

/** The NOTIFY message for `zone` with this ID. */
export function notifyMessage(zone: string, id: number): Buffer {
  const name = encodeName(zone);
  const msg = Buffer.alloc(12 + name.length + 4);
  msg.writeUInt16BE(id, 0);
  msg.writeUInt16BE((Opcode.NOTIFY << 11) | 0x0400, 2);
  msg.writeUInt16BE(1, 4);
  name.copy(msg, 12);
  msg.writeUInt16BE(QType.SOA, 12 + name.length);
  msg.writeUInt16BE(QClass.IN, 14 + name.length);
  return msg;
}

/** Sends NOTIFY for `zone` to `to`; resolves when it is answered with NOERROR, rejects with why it was not. */
export async function sendNotify(zone: string, to: Secondary, source: string | null): Promise<void> {
  const family = isIP(to.host) === 6 ? 'udp6' : 'udp4';
  const socket = createSocket(family);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: source ?? undefined, port: 0 }, () => resolve());
    });
    let why = 'no answer';
    for (let i = 0; i < TRIES; i++) {
      const id = (Math.random() * 0x10000) | 0;
      const rcode = await exchange(socket, notifyMessage(zone, id), id, to);
      if (rcode === 0) return;
      why = rcode === null ? 'no answer' : `rcode ${rcode}`;
    }
    throw new Error(`notify for zone "${zone}" was not accepted by ${to.host}:${to.port}: ${why}`);
  } finally {
    socket.close();
  }
}

/** The rcode of the answer with this ID, or null when none came in time. */
function exchange(socket: ReturnType<typeof createSocket>, msg: Buffer, id: number, to: Secondary): Promise<number | null> {
  return new Promise((resolve) => {
    const done = (rcode: number | null): void => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(rcode);
    };
    const onMessage = (reply: Buffer): void => {
      if (reply.length >= 12 && reply.readUInt16BE(0) === id && reply[2]! & 0x80) done(reply[3]! & 0x0f);
    };
    const timer = setTimeout(() => done(null), WAIT_MS);
    socket.on('message', onMessage);
    socket.send(msg, to.port, to.host, (err) => err && done(null));
  });
}
