/** Nothing is stored under the name (CoreDNS's errKeyNotFound): NXDOMAIN, or fallthrough. */
export class NotFound extends Error {}

/** A lookup that cannot be answered (a key whose value is no record, an NS that is no address, a host that is no name): SERVFAIL. */
export class BackendFailure extends Error {}
