import { hostname } from 'node:os';
import { definePlugin, expectNoBlock } from '@chaindns/core';
import { createNsid } from './nsid.js';

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
    return { data: d.args.length > 0 ? d.args.map((t) => t.text).join(' ') : hostname() || 'localhost' };
  },
  setup: (config) => createNsid(config),
});
