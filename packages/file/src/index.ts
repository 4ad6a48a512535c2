export { file, file as default, type FileConfig, type ZoneFileConfig } from './setup.js';
export { createFile, type FileOptions } from './file.js';
export { ZoneSet, ZoneSlot } from './zone-set.js';
export { loadZone } from './zone-loader.js';
export { ZoneFileError } from './zone-parser.js';
// The zone engine, for secondary (CoreDNS's secondary is file's Zone with transfers in).
export { ZoneBuilder } from './zone-builder.js';
export { fileZoneSource, zoneRecords } from './zone-source.js';
export type { Zone } from './zone.js';
