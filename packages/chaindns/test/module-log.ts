import { appendFileSync } from 'node:fs';

// Module hooks (node:module register) that append each bare `@chaindns/*` specifier a process
// imports to the file given at registration (or, with `files`, the URL of every module it loads):
// which plugin packages or bundle chunks a run loaded, not how long it took.

let log = '';
let files = false;

export function initialize(data: { log: string; files?: boolean }): void {
  log = data.log;
  files = data.files ?? false;
}

type Next = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<{ url: string }> {
  if (!files && specifier.startsWith('@chaindns/')) appendFileSync(log, `${specifier}\n`);
  const resolved = await next(specifier, context);
  if (files && resolved.url.startsWith('file:')) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
