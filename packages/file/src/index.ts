export { file, file as default, type FileConfig, type ZoneFileConfig } from './setup.js';
export { createFile, type FileOptions } from './file.js';
export { ZoneSet, ZoneSlot } from './zone-set.js';
export { loadZone } from './zone-loader.js';
export { ZoneFileError } from './zone-parser.js';
