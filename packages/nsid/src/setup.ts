import { hostname } from 'node:os';
import { configError, definePlugin, expectNoBlock } from '@chaindns/core';
import { createNsid } from './nsid.js';

/** The most NSID bytes a reply can carry beside its header and question. */
const MAX_DATA = 65000;

/** What `nsid` takes from its Corefile line. */
export interface NsidConfig {
  /** The NSID's bytes, as text: the arguments joined by spaces, or this host's name. */
  readonly data: string;
}

/** `nsid [DATA...]`: DATA defaults to the host's name (`localhost` when it has none), as CoreDNS. */
export const nsid = definePlugin<NsidConfig>({
  name: 'nsid',
  parse(d) {
    expectNoBlock(d);
    const data = d.args.length > 0 ? d.args.map((t) => t.text).join(' ') : hostname() || 'localhost';
    // An EDNS option's length is 16 bits; a longer one could not be written into any reply.
    if (Buffer.byteLength(data) > MAX_DATA) configError(d, `nsid: DATA is ${Buffer.byteLength(data)} bytes, at most ${MAX_DATA} fit in a DNS message`);
    return { data };
  },
  setup: (config) => createNsid(config),
});
