export { loop, loop as default } from './setup.js';
export { defaultTiming, LoopDetector, type LoopEnv, type ProbeTiming } from './loop.js';
