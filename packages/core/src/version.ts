/** This package's version; a test keeps it equal to package.json's. */
export const VERSION = '0.1.0';

/** Who chaindns says wrote it (`chaos`'s authors.bind), as CoreDNS lists its owners. */
export const AUTHORS: readonly string[] = ['The chaindns authors'];
