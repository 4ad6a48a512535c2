import { accessSync, constants, statSync } from 'node:fs';
import { CorefileError, type NamedFile, type PlannedPlugin } from '@chaindns/core';
import type { Findings } from './findings.js';

/** Why `file` cannot be used, or null when it can; `missing` tells a file that is not there from one that is unusable. */
function problemWith(file: NamedFile): { reason: string; missing: boolean } | null {
  try {
    const stat = statSync(file.path);
    if (stat.isDirectory() && !file.directory) return { reason: 'is a directory', missing: false };
    accessSync(file.path, constants.R_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { reason: file.directory ? 'no such file or directory' : 'no such file', missing: true };
    return { reason: `cannot be read (${code ?? (err as Error).message})`, missing: false };
  }
}

/**
 * The files each plugin's config names (its `files` hook: setup is not run):
 * missing or unreadable ones are errors, as setup would fail on them; a
 * missing optional one (the plugin starts without it) is a warning.
 */
export function checkFiles(planned: readonly PlannedPlugin[], findings: Findings): void {
  for (const p of planned) {
    for (const file of p.definition.files?.(p.config) ?? []) {
      const problem = problemWith(file);
      if (!problem) continue;
      const message = `${p.name}: ${file.what}: ${file.path}: ${problem.reason}`;
      if (problem.missing && file.optional) findings.warn(file.at, `${message}; the plugin starts without it`);
      else findings.error(new CorefileError('CHAINDNS_DIRECTIVE_ARGS', file.at.file, file.at.line, message));
    }
  }
}
