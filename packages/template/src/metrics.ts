import { Counter, perRegistry, type Registry } from '@chaindns/core';

const QUERY_LABELS = ['server', 'zone', 'view', 'class', 'type'] as const;
const FAILURE_LABELS = [...QUERY_LABELS, 'section', 'template'] as const;

export interface TemplateMetrics {
  /** `coredns_template_matches_total`: queries a template's regex matched. */
  readonly matches: Counter<(typeof QUERY_LABELS)[number]>;
  /** `coredns_template_template_failures_total`: a template that failed to run. */
  readonly templateFailures: Counter<(typeof FAILURE_LABELS)[number]>;
  /** `coredns_template_rr_failures_total`: a template whose text is no valid record. */
  readonly rrFailures: Counter<(typeof FAILURE_LABELS)[number]>;
}

/** CoreDNS's template metrics in `registry`, created once per registry; `view` is the view of the block that served the query. */
export const templateMetrics = perRegistry(
  (registry: Registry): TemplateMetrics => ({
    matches: new Counter({ name: 'coredns_template_matches_total', help: 'Counter of template regex matches.', labelNames: QUERY_LABELS, registers: [registry] }),
    templateFailures: new Counter({ name: 'coredns_template_template_failures_total', help: 'Counter of go template failures.', labelNames: FAILURE_LABELS, registers: [registry] }),
    rrFailures: new Counter({ name: 'coredns_template_rr_failures_total', help: 'Counter of mis-templated RRs.', labelNames: FAILURE_LABELS, registers: [registry] }),
  }),
);
