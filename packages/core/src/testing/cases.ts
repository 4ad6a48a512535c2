import assert from 'node:assert/strict';
import type * as dnsPacket from 'dns-packet';
import { Rcode, rcodeName } from '../wire/constants.js';
import { present } from './present.js';
import { rr } from './records.js';

type RecordSpec = dnsPacket.Answer | string;

/** One row of a table test, as CoreDNS's test.Case. */
export interface Case {
  readonly qname: string;
  readonly qtype: string;
  /** Expected rcode, by name or number. Default NOERROR. */
  readonly rcode?: keyof typeof Rcode | number;
  readonly answer?: readonly RecordSpec[];
  readonly ns?: readonly RecordSpec[];
  readonly extra?: readonly RecordSpec[];
  /** Expected AA bit, when given. */
  readonly authoritative?: boolean;
  readonly truncated?: boolean;
  /** Compare records in order (default: as sets, since loadbalance and friends reorder). */
  readonly ordered?: boolean;
  /** Leave TTLs out of the comparison (cached answers count down). */
  readonly ignoreTtl?: boolean;
}

/** Asserts that a decoded reply matches a case; the message names the case. */
export function assertCase(packet: dnsPacket.Packet, c: Case): void {
  const label = `${c.qname} ${c.qtype}`;
  const want = typeof c.rcode === 'number' ? c.rcode : Rcode[c.rcode ?? 'NOERROR'];
  const got = (packet.flags ?? 0) & 0x0f;
  assert.equal(rcodeName(got), rcodeName(want), `${label}: rcode`);
  if (c.authoritative !== undefined) assert.equal(((packet.flags ?? 0) & 0x400) !== 0, c.authoritative, `${label}: AA bit`);
  if (c.truncated !== undefined) assert.equal(((packet.flags ?? 0) & 0x200) !== 0, c.truncated, `${label}: TC bit`);
  compare(packet.answers ?? [], c.answer, c, `${label}: answer`);
  compare(packet.authorities ?? [], c.ns, c, `${label}: authority`);
  compare(
    (packet.additionals ?? []).filter((a) => a.type !== 'OPT'),
    c.extra,
    c,
    `${label}: additional`,
  );
}

function compare(got: readonly dnsPacket.Answer[], want: readonly RecordSpec[] | undefined, c: Case, label: string): void {
  if (want === undefined) return;
  const norm = (a: dnsPacket.Answer): string => {
    const text = present(a);
    return c.ignoreTtl ? text.replace(/^(\S+) \d+ /, '$1 ') : text;
  };
  let g = got.map(norm);
  let w = want.map((s) => norm(typeof s === 'string' ? rr(s) : s));
  if (!c.ordered) {
    g = [...g].sort();
    w = [...w].sort();
  }
  assert.deepEqual(g, w, label);
}
