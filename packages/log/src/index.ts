export { log, logPlugin, type LogPluginOptions } from './log-setup.js';
export { errors, type ErrorsConfig } from './errors-setup.js';
export { classOf, createLog, type LogClass, type LogRule } from './log.js';
export { createErrors } from './errors.js';
export { type ConsolidateLevel, type ConsolidateRule, Consolidator, ERRORS_PER_SECOND, goDuration } from './consolidate.js';
export { COMBINED_LOG_FORMAT, COMMON_LOG_FORMAT, compileFormat, EMPTY_VALUE, flagsText, type LogEntry, parseFormat, plainDecimal } from './format.js';
