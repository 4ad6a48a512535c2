import { definePlugin } from '@chaindns/core';
import { parseTemplateBlock, type TemplateSpec } from './config.js';
import { templateMetrics } from './metrics.js';
import { createTemplate } from './template.js';

/** Every `template` directive of a server block, in the Corefile's order: one handler tries them in turn. */
export interface TemplateConfig {
  readonly templates: readonly TemplateSpec[];
}

/**
 * `template CLASS TYPE [ZONE...] { match REGEX...; answer RR; additional RR;
 * authority RR; rcode CODE; ederror CODE [REASON]; fallthrough [ZONES...] }`,
 * as CoreDNS 1.14. A block may have several; they make one handler.
 */
export const template = definePlugin<TemplateConfig>({
  name: 'template',
  parse: (d, ctx) => ({ templates: [parseTemplateBlock(d, ctx)] }),
  combine: (configs) => ({ templates: configs.flatMap((c) => c.templates) }),
  setup(config, ctx) {
    return createTemplate({ templates: config.templates, metrics: templateMetrics(ctx.registry), resolve: (qname, qtype, from) => ctx.resolve(qname, qtype, from) });
  },
});
