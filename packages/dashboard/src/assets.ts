/**
 * The page's files, served by the dashboard's listener: its HTML and CSS (page/), its script
 * (page/*.ts, compiled by tsc), and uPlot's script and CSS from its npm package. The build
 * (scripts/assets.mjs, after tsc) writes them into dist/assets.js as strings, which is what
 * `#assets` (package.json "imports") loads: the files travel inside the code, so the bundled
 * binary and the image serve them with no node_modules and no network (an air-gapped cluster).
 */
export declare const files: Readonly<Record<string, { readonly type: string; readonly body: string }>>;
