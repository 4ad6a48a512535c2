export { view, view as default, type ViewConfig } from './setup.js';
export { createView } from './view.js';
