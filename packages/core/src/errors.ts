/**
 * The closed list of error codes chaindns throws. `test/errors.test.ts` keeps
 * this list and the table in the core README equal.
 */
export const ErrorCodes = {
  CHAINDNS_COREFILE_SYNTAX: 'the Corefile does not parse',
  CHAINDNS_COREFILE_IMPORT: 'an import names a file or snippet that cannot be read',
  CHAINDNS_UNKNOWN_DIRECTIVE: 'a directive names no known plugin',
  CHAINDNS_DIRECTIVE_ARGS: 'a directive or sub-directive has wrong arguments',
  CHAINDNS_DUPLICATE_KEY: 'the same zone and port appear in two server blocks',
  CHAINDNS_PLUGIN_DEFINITION: 'a plugin definition is invalid or its requirements are not met',
  CHAINDNS_PLUGIN_NOT_FOUND: 'a third-party plugin package cannot be loaded',
  CHAINDNS_LISTEN: 'a listener could not be opened',
  CHAINDNS_STARTUP: 'a startup hook failed',
  CHAINDNS_STATE: 'the server was used in the wrong lifecycle state',
  CHAINDNS_CAPABILITY: 'a plugin needs a capability that the plugin it names does not offer in its server block',
  CHAINDNS_OPTIONS: 'an option given to the Server (or start()) has the wrong shape',
  CHAINDNS_NO_REPLY: 'an in-process query (ctx.resolve, Server.exchange) was dropped by its chain (NO_REPLY)',
  CHAINDNS_RESOLVE_LOOP: 'an in-process lookup (ctx.resolve) came more than eight hops after a client query',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** The base of every error chaindns throws: a stable `code`, a message and an optional cause. */
export class ChainDNSError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChainDNSError';
    this.code = code;
  }
}

/** A configuration error that points at the place in a Corefile where it was found. */
export class CorefileError extends ChainDNSError {
  readonly file: string;
  readonly line: number;
  constructor(code: ErrorCode, file: string, line: number, message: string, options?: { cause?: unknown }) {
    super(code, `${file}:${line}: ${message}`, options);
    this.name = 'CorefileError';
    this.file = file;
    this.line = line;
  }
}
