export { DEFAULT_ADDRESS, dashboard, dashboard as default, type DashboardConfig } from './setup.js';
export { createDashboard } from './dashboard.js';
export { Live } from './live.js';
export { DashboardServer, MAX_STREAMS } from './http.js';
export { SearchPathClassifier, type Lookup } from './search-path.js';
export { SpaceSaving, WindowedTop, type TopItem } from './space-saving.js';
export { searchPathMetrics, SearchPathCounts } from './metrics.js';
export { ENDINGS, FIXES, RCODES, TYPES, type ClusterRow, type Ended, type Fix, type Frame, type Point, type SearchPathView, type Snapshot, type TopRow, type UpstreamRow } from '../page/frame.js';
