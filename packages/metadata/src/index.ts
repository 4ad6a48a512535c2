export { metadata, metadata as default, type MetadataConfig } from './setup.js';
export { createMetadata } from './metadata.js';
