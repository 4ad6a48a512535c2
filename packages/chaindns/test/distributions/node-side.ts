import * as dnsPacket from 'dns-packet';
import { startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import type { SceneResult } from './cases.js';
import { CLUSTER_DNS, CLUSTER_DNS_RECORDS, RESOLVER, RESOLVER_RECORDS } from './world.js';

/**
 * The node's side of the scene, run in a network namespace of its own (the
 * scene's veth peer): the resolver and the cluster DNS, both on port 53.
 * Prints `ready` once both listen; when its stdin ends, prints what reached
 * them (JSON) and exits.
 */
const upstreams: Record<SceneResult['sent'][number]['to'], TestUpstream> = {
  resolver: await startTestUpstream({ address: RESOLVER, port: 53, records: RESOLVER_RECORDS }),
  cluster: await startTestUpstream({ address: CLUSTER_DNS, port: 53, records: CLUSTER_DNS_RECORDS }),
};
process.stdout.write('ready\n');

process.stdin.resume();
process.stdin.once('end', () => {
  const sent: SceneResult['sent'][number][] = [];
  for (const [to, upstream] of Object.entries(upstreams) as [keyof typeof upstreams, TestUpstream][]) {
    for (const { msg, transport } of upstream.received) {
      const packet = dnsPacket.decode(msg);
      const question = packet.questions?.[0];
      const opt = packet.additionals?.find((a): a is dnsPacket.OptAnswer => a.type === 'OPT');
      if (question) sent.push({ to, name: question.name.toLowerCase(), type: question.type, transport, udpSize: opt ? opt.udpPayloadSize : null });
    }
  }
  process.stdout.write(`${JSON.stringify(sent)}\n`);
  process.exit(0);
});
