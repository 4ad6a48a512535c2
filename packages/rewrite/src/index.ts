export { rewrite, rewrite as default } from './setup.js';
export type { AnswerRewrite, ClassRule, CnameRule, Edns0Rule, EdnsAction, EdnsOptionRule, EdnsVariable, MatchType, Mode, NameRule, RcodeRule, RewriteConfig, RuleConfig, TtlRule, TypeRule } from './setup.js';
export { createRewrite, type RewriteOptions } from './rewrite.js';
export type { Resolve } from './cname.js';
