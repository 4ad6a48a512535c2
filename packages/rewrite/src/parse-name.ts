import { configError, type Token } from '@chaindns/core';
import { type AnswerRewrite, MATCH_TYPES, type MatchType, type Mode, type NameRule, normalizeName } from './config.js';
import { checkPattern } from './pattern.js';

/**
 * `name [exact|prefix|suffix|substring|regex] FROM TO [answer ...]`, as
 * CoreDNS's newNameRule: two words are an exact match; with options the
 * match type must be written.
 */
export function parseNameRule(mode: Mode, field: Token, args: readonly Token[]): NameRule {
  if (args.length < 2) configError(args.at(-1) ?? field, 'rewrite: too few arguments for a name rule');
  let match: MatchType = 'exact';
  let [from, to] = args;
  if (args.length >= 3) {
    const type = args[0]!.text.toLowerCase();
    if (!(MATCH_TYPES as readonly string[]).includes(type)) {
      configError(args[0]!, `rewrite: name rule supports only exact, prefix, suffix, substring, and regex name matching, received: ${args[0]!.text}`);
    }
    match = type as MatchType;
    [, from, to] = args;
  }
  if (match === 'regex') {
    try {
      checkPattern(from!.text, to!.text);
    } catch (err) {
      configError(from!, `rewrite: ${(err as Error).message}`);
    }
  }
  const { auto, answers } = args.length > 3 ? parseAnswers(match, args.slice(3)) : { auto: false, answers: [] };
  return {
    field: 'name',
    mode,
    match,
    from: match === 'regex' ? from!.text : normalizeName(from!.text),
    to: normalizeName(to!.text),
    // CoreDNS always maps an exact rule's answer back.
    auto: auto || match === 'exact',
    answers,
  };
}

/**
 * `answer auto`, `answer name FROM TO`, `answer value FROM TO`, in any
 * number; after the first, the word `answer` may be left out. `answer name
 * auto` (as in CoreDNS's README) is `answer auto`.
 */
function parseAnswers(match: MatchType, words: readonly Token[]): { auto: boolean; answers: AnswerRewrite[] } {
  if (words.length < 2) configError(words[0]!, `rewrite: invalid arguments for ${match} rule: expected answer auto, answer name FROM TO or answer value FROM TO`);
  let auto = false;
  let names = 0;
  const answers: AnswerRewrite[] = [];
  let first = true;
  for (let i = 0; i < words.length; ) {
    if (first && words[i]!.text !== 'answer') {
      configError(words[i]!, `rewrite: exceeded the number of arguments for a non-answer rule argument for ${match} rule`);
    }
    first = false;
    if (words[i]!.text === 'answer') i++;
    const kind = words[i];
    if (!kind) configError(words[i - 1]!, `rewrite: type missing for answer rule for ${match} rule`);
    i++;
    if (kind.text === 'auto' || (kind.text === 'name' && words[i]?.text === 'auto')) {
      auto = true;
      if (kind.text === 'name') i++;
      continue;
    }
    if (kind.text !== 'name' && kind.text !== 'value') configError(kind, `rewrite: invalid type "${kind.text}" for answer rule for ${match} rule`);
    const [pattern, replacement] = [words[i], words[i + 1]];
    if (!pattern || !replacement) configError(kind, `rewrite: ${kind.text} answer rule for ${match} rule: 2 arguments required`);
    try {
      checkPattern(pattern.text, replacement.text);
    } catch (err) {
      configError(pattern, `rewrite: ${kind.text} answer rule for ${match} rule: ${(err as Error).message}`);
    }
    answers.push({ target: kind.text, pattern: pattern.text, replacement: normalizeName(replacement.text) });
    if (kind.text === 'name') names++;
    i += 2;
  }
  if (auto && names > 0) configError(words[0]!, 'rewrite: auto name answer rule cannot be combined with explicit name answer rules');
  return { auto, answers };
}
