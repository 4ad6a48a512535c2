/** CoreDNS's log shape: `[INFO] plugin/<name>: message`, written to stdout. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** For errors that stop the server (CoreDNS's log.Fatal); the caller stops it. */
  fatal(message: string): void;
  /** A logger for one plugin: prefixes `plugin/<name>: `. */
  child(prefix: string): Logger;
}

export type LogSink = (line: string) => void;

export interface LoggerOptions {
  readonly sink?: LogSink;
  /** Drops debug and info lines (CoreDNS's `-quiet` only silences start-up output; we keep warnings and errors). */
  readonly quiet?: boolean;
  readonly debug?: boolean;
}

const stdoutSink: LogSink = (line) => {
  process.stdout.write(line + '\n');
};

export function createLogger(options: LoggerOptions = {}, prefix = ''): Logger {
  const sink = options.sink ?? stdoutSink;
  const emit = (level: string, message: string): void => sink(`[${level}] ${prefix}${message}`);
  return {
    debug: (m) => options.debug && emit('DEBUG', m),
    info: (m) => !options.quiet && emit('INFO', m),
    warn: (m) => emit('WARNING', m),
    error: (m) => emit('ERROR', m),
    fatal: (m) => emit('FATAL', m),
    child: (p) => createLogger(options, `${prefix}${p}: `),
  } as Logger;
}

/** A logger that writes nothing (for tests and embedding). */
export const silentLogger: Logger = createLogger({ sink: () => {} });
