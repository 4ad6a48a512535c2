import { configError, definePlugin, eachSubdirective, expectArgs } from '@chaindns/core';
import { type BindConfig, isAddressOrInterface, resolveAddresses } from './bind.js';

/**
 * `bind ADDRESS|IFACE ... { except ADDRESS|IFACE ... }`. May be given more
 * than once in a block; the lists add up.
 */
export const bind = definePlugin<BindConfig>({
  name: 'bind',
  parse(d) {
    const include = expectArgs(d, 1).map((t) => {
      if (!isAddressOrInterface(t.text)) configError(t, `bind: "${t.text}" is not an IP address or an interface of this host`);
      return t.text;
    });
    const except: string[] = [];
    eachSubdirective(d, {
      except: (sub) => {
        for (const t of expectArgs(sub, 1)) {
          if (!isAddressOrInterface(t.text)) configError(t, `bind: except "${t.text}" is not an IP address or an interface of this host`);
          except.push(t.text);
        }
      },
    });
    return { include, except };
  },
  combine: (configs) => ({ include: configs.flatMap((c) => c.include), except: configs.flatMap((c) => c.except) }),
  setup(config, ctx) {
    const addresses = resolveAddresses(config);
    if (addresses.length === 0) throw new Error(`bind: no address left to listen on for ${ctx.zones.join(' ')}`);
    ctx.bind(addresses);
  },
});
