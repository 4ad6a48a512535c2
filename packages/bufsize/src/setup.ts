import { configError, definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { createBufsize } from './bufsize.js';

export interface BufsizeConfig {
  /** The largest EDNS0 UDP size the rest of the chain (and the client's answer) gets. */
  readonly size: number;
}

/** dnsflagday.net 2020's figure, CoreDNS's default. */
const DEFAULT_SIZE = 1232;

/** `bufsize [SIZE]`: SIZE from 512 to 4096 (RFC 6891), 1232 when absent. */
export const bufsize = definePlugin<BufsizeConfig>({
  name: 'bufsize',
  parse(d) {
    const [arg] = expectArgs(d, 0, 1);
    expectNoBlock(d);
    if (!arg) return { size: DEFAULT_SIZE };
    const size = /^\d+$/.test(arg.text) ? Number(arg.text) : NaN;
    if (!(size >= 512 && size <= 4096)) configError(arg, `bufsize: SIZE must be an integer from 512 to 4096, got "${arg.text}"`);
    return { size };
  },
  setup: (config) => createBufsize(config.size),
});
