import { definePlugin, expectArgs } from '@chaindns/core';
import { exchangeUdp, standIn } from '@chaindns/core/testing';

/** Answers every query with one A record. */
export const answer = standIn('answer');

/** Listens on ::1 and 127.0.0.1, as the bind plugin would. */
export const bind = definePlugin<null>({ name: 'bind', parse: () => null, setup: (_c, ctx) => ctx.bind(['::1', '127.0.0.1']) });

/**
 * `forward . 127.0.0.1:PORT`: a stand-in for forward (a plugin's tests may
 * not load another plugin): asks the upstream over UDP and reports the
 * exchange to the block's upstreamTap offers, as forward does.
 */
export const forward = definePlugin<{ port: number }>({
  name: 'forward',
  parse: (d) => ({ port: Number(expectArgs(d, 2, 2)[1]!.text.split(':')[1]) }),
  setup: ({ port }, ctx) => {
    const taps = ctx.needAll('upstreamTap');
    return {
      name: 'forward',
      async serveDNS(req, w) {
        const sentAt = performance.now();
        const got = await exchangeUdp(port, req.msg);
        for (const t of taps.value) t.value.upstream({ req, query: req.msg, reply: got, sentAt, upstream: { address: '127.0.0.1', port, family: 4 }, transport: 'udp' });
        w.write(got);
        return got[3]! & 0x0f;
      },
    };
  },
});
