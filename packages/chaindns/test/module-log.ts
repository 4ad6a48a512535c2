import { appendFileSync } from 'node:fs';

// Module hooks (node:module register) that append each bare `@chaindns/*` specifier a process
// imports to the file given at registration: which plugin packages a run loaded, not how long it took.

let log = '';

export function initialize(data: { log: string }): void {
  log = data.log;
}

type Next = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<{ url: string }> {
  if (specifier.startsWith('@chaindns/')) appendFileSync(log, `${specifier}\n`);
  return next(specifier, context);
}
