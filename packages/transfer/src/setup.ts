import { isIP } from 'node:net';
import { configError, definePlugin, eachSubdirective, expectArgs, parseZones, type Token } from '@chaindns/core';
import { parseTo, type Secondary } from './to-address.js';
import { createTransfer } from './transfer.js';

/** One `transfer [ZONES...] { to ...; source ... }` line. */
export interface XfrConfig {
  /** Lowercased FQDNs; the server block's zones when none are given. */
  readonly zones: readonly string[];
  /** Any client may transfer (`to *`). */
  readonly anyone: boolean;
  /** The secondaries named by address: allowed to transfer, and sent NOTIFY on a change. */
  readonly to: readonly Secondary[];
  /** The local address NOTIFY is sent from; null for the system's choice. */
  readonly source: string | null;
}

/** What `transfer` takes from its Corefile lines (it may be given more than once). */
export interface TransferConfig {
  readonly xfrs: readonly XfrConfig[];
}

/** `transfer [ZONES...] { to ADDRESS...; source ADDRESS }`. */
export const transfer = definePlugin<TransferConfig>({
  name: 'transfer',
  parse(d, ctx) {
    let anyone = false;
    const to: Secondary[] = [];
    let source: string | null = null;
    eachSubdirective(
      d,
      {
        to(sub) {
          for (const t of expectArgs(sub, 1)) {
            const address = parseTo(t);
            if (address === '*') anyone = true;
            else to.push(address);
          }
        },
        source(sub) {
          const [t] = expectArgs(sub, 1, 1) as [Token];
          if (isIP(t.text) === 0) configError(t, `transfer: invalid source address "${t.text}"`);
          source = t.text;
        },
      },
      ['to'],
    );
    if (!anyone && to.length === 0) configError(d, "transfer: 'to' is required");
    return { xfrs: [{ zones: parseZones(d.args, ctx.zones), anyone, to, source }] };
  },
  combine: (configs) => ({ xfrs: configs.flatMap((c) => c.xfrs) }),
  setup(config, ctx) {
    const sources = ctx.needAll('zoneSource');
    const handler = createTransfer({ xfrs: config.xfrs, sources: () => sources.value, log: ctx.log });
    ctx.onStartup(() => {
      for (const { value } of sources.value) value.onChange((zone) => handler.notify(zone));
    });
    return handler;
  },
});

