import { definePlugin, eachSubdirective, expectArgs, parseZones } from '@chaindns/core';
import { createHello, type HelloConfig } from './hello.js';

/**
 * `hello [ZONES...] { name NAME }`: a third-party plugin, written against the
 * same API as the built-in ones. It sits just before `whoami` in the chain.
 */
export const hello = definePlugin<HelloConfig>({
  name: 'hello',
  order: { before: 'whoami' },
  requires: { core: '^0.1.0' },
  parse(d, ctx) {
    const zones = parseZones(d.args, ctx.zones);
    let name = 'world';
    eachSubdirective(d, {
      name: (sub) => {
        name = expectArgs(sub, 1, 1)[0]!.text;
      },
    });
    return { name, zones };
  },
  setup: (config) => createHello(config),
});
