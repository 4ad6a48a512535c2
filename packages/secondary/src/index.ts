export { secondary, secondary as default, type SecondaryConfig, type SecondaryZoneConfig } from './setup.js';
export { createSecondary, type SecondaryOptions } from './secondary.js';
