import { selfRelay } from '@chaindns/core/testing';

/** `loopback`: a forwarder whose upstream is this very server; its own queries come back REFUSED (forward answers SERVFAIL). */
export const loopback = selfRelay({ name: 'loopback', timeoutMs: 2000, refuseOwn: true });
