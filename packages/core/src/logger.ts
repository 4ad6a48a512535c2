import { ChainDNSError } from './errors.js';
import { LineWriter, type OutputStream } from './line-writer.js';

/** CoreDNS's log shape: `[INFO] plugin/<name>: message`, written to stdout. */
export interface Logger {
  /** A function is called only when the line is written: for a costly one (a hexdump) while debug is mostly off. */
  debug(message: string | (() => string)): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** For errors that stop the server (CoreDNS's log.Fatal); the caller stops it. */
  fatal(message: string): void;
  /** A logger for one plugin: prefixes `plugin/<name>: `. */
  child(prefix: string): Logger;
}

/**
 * What an embedder may pass as a logger: `console`, or pino, winston, bunyan
 * and the like. `info`, `warn` and `error` are needed; `debug` and `fatal`
 * are used when present (else debug lines are dropped and fatal goes to
 * `error`). Each gets one string, the message with its `plugin/<name>: `.
 */
export interface LoggerLike {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
  fatal?(message: string): void;
}

export type LogSink = (line: string) => void;

export interface LoggerOptions {
  /** Takes each line (`[LEVEL] message`); default: `output`, through a bounded LineWriter. */
  readonly sink?: LogSink;
  /** Where lines go without a `sink`. Default process.stdout. */
  readonly output?: OutputStream;
  /** Drops debug and info lines (CoreDNS's `-quiet` only silences start-up output; we keep warnings and errors). */
  readonly quiet?: boolean;
  readonly debug?: boolean;
}

/**
 * The most log bytes that wait for a stalled output before lines are
 * dropped (and counted): about 2,000 lines, so a line written after a flood
 * comes out about as late as the output takes to read that much.
 */
export const LOG_PENDING_BYTES = 256 * 1024;

export function createLogger(options: LoggerOptions = {}, prefix = ''): Logger {
  // One writer for a logger and its children, so they share its bound.
  const writer = options.sink ? null : new LineWriter(options.output ?? process.stdout, { maxPendingBytes: LOG_PENDING_BYTES });
  const sink = options.sink ?? ((line: string) => writer!.write(line));
  return prefixed({ ...options, sink }, prefix);
}

function prefixed(options: LoggerOptions & { readonly sink: LogSink }, prefix: string): Logger {
  const { sink } = options;
  const emit = (level: string, message: string): void => sink(`[${level}] ${prefix}${message}`);
  return {
    debug: (m) => options.debug && emit('DEBUG', typeof m === 'function' ? m() : m),
    info: (m) => !options.quiet && emit('INFO', m),
    warn: (m) => emit('WARNING', m),
    error: (m) => emit('ERROR', m),
    fatal: (m) => emit('FATAL', m),
    child: (p) => prefixed(options, `${prefix}${p}: `),
  } as Logger;
}

/**
 * The logger a server uses for what it is given: none (stdout), or any object
 * with `info`, `warn` and `error` (console, pino, one of ours), called as
 * methods with the message and its `plugin/<name>: ` prefix. Anything else
 * fails at once rather than at the first log line.
 */
export function toLogger(given: LoggerLike | undefined): Logger {
  // Debug lines pass: the server writes them only while its Corefile has `debug` (gateDebug).
  if (given === undefined) return createLogger({ debug: true });
  const missing = (['info', 'warn', 'error'] as const).filter((m) => typeof (given as Partial<LoggerLike> | null)?.[m] !== 'function');
  if (missing.length > 0) {
    throw new ChainDNSError('CHAINDNS_OPTIONS', `logger: expected an object with info, warn and error methods (such as console), but it has no ${missing.join(', ')}`);
  }
  return adapt(given, '');
}

function adapt(target: LoggerLike, prefix: string): Logger {
  return {
    debug: (m) => target.debug?.(prefix + (typeof m === 'function' ? m() : m)),
    info: (m) => target.info(prefix + m),
    warn: (m) => target.warn(prefix + m),
    error: (m) => target.error(prefix + m),
    fatal: (m) => (target.fatal ? target.fatal(prefix + m) : target.error(prefix + m)),
    child: (p) => adapt(target, `${prefix}${p}: `),
  };
}

/**
 * `log`, its debug lines passed on only while `on()` holds (the server's
 * `debug` plugin, CoreDNS's log.D), in its children too.
 */
export function gateDebug(log: Logger, on: () => boolean): Logger {
  return {
    debug: (m) => {
      if (on()) log.debug(m);
    },
    info: (m) => log.info(m),
    warn: (m) => log.warn(m),
    error: (m) => log.error(m),
    fatal: (m) => log.fatal(m),
    child: (p) => gateDebug(log.child(p), on),
  };
}

/** A logger that writes nothing (for tests and embedding). */
export const silentLogger: Logger = createLogger({ sink: () => {} });
