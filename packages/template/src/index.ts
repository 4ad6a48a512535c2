export { template, template as default, type TemplateConfig } from './setup.js';
export { createTemplate, type TemplateOptions } from './template.js';
export type { TemplateSpec } from './config.js';
export { templateMetrics, type TemplateMetrics } from './metrics.js';
