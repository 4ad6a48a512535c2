// Minimal DNS wire helpers for the bench's own servers (no dependencies, no decoding).

/** Offset just past the question of a query (name, type, class), or -1 when malformed. */
export function questionEnd(msg) {
  let off = 12;
  while (off < msg.length) {
    const len = msg[off];
    if (len === 0) return off + 5 <= msg.length ? off + 5 : -1;
    if (len > 63) return -1;
    off += len + 1;
  }
  return -1;
}

/**
 * An answer to `query` with one A record (TTL `ttl`, address `ip`, four bytes)
 * for its question, AA and RA set, RD echoed, no OPT.
 */
export function answerA(query, qEnd, ip, ttl) {
  const out = Buffer.allocUnsafe(qEnd + 16);
  query.copy(out, 0, 0, qEnd);
  out[2] = 0x84 | (query[2] & 0x01); // QR, AA, RD echoed
  out[3] = 0x80; // RA, NOERROR
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(1, 6);
  out.writeUInt32BE(0, 8);
  out.writeUInt16BE(0xc00c, qEnd); // the question's name
  out.writeUInt16BE(1, qEnd + 2); // A
  out.writeUInt16BE(1, qEnd + 4); // IN
  out.writeUInt32BE(ttl, qEnd + 6);
  out.writeUInt16BE(4, qEnd + 10);
  out.set(ip, qEnd + 12);
  return out;
}

/** A query for `name` (type A, RD, no EDNS). */
export function queryA(name, id) {
  const labels = name.replace(/\.$/, '').split('.');
  const out = Buffer.alloc(12 + labels.reduce((n, l) => n + l.length + 1, 1) + 4);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(0x0100, 2);
  out.writeUInt16BE(1, 4);
  let off = 12;
  for (const l of labels) {
    out[off++] = l.length;
    out.write(l, off, 'latin1');
    off += l.length;
  }
  out[off++] = 0;
  out.writeUInt16BE(1, off);
  out.writeUInt16BE(1, off + 2);
  return out;
}
