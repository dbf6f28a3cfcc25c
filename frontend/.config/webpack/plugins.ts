// The plugins this package builds: one webpack entry each, written to <repo>/dist/<plugin id>/.
// A new plugin (the overview panel) is one more entry here and one more folder under src/.
import fs from 'fs';
import path from 'path';

export const FRONTEND_DIR = path.resolve(__dirname, '..', '..');
export const REPO_DIR = path.resolve(FRONTEND_DIR, '..');

export interface PluginEntry {
  /** Folder under src/ holding module.ts. */
  source: string;
  /** The plugin's manifest; its `id` names the output folder and the public path. */
  manifest: string;
  /** README.md shipped with the plugin (Grafana shows it on the plugin's page). */
  readme: string;
  /** Files shipped beside module.js: [from, to], from relative to the repository root. */
  assets: Array<[string, string]>;
  /** The backend executable's base name, copied from the cargo target when built. */
  executable?: string;
}

export const plugins: PluginEntry[] = [
  {
    source: 'datasource',
    manifest: path.join(REPO_DIR, 'plugin.json'),
    readme: path.join(FRONTEND_DIR, 'src', 'datasource', 'README.md'),
    assets: [
      ['CHANGELOG.md', 'CHANGELOG.md'],
      ['LICENSE', 'LICENSE'],
    ],
    executable: 'gpx_mcp',
  },
  {
    source: 'panel',
    manifest: path.join(FRONTEND_DIR, 'src', 'panel', 'plugin.json'),
    readme: path.join(FRONTEND_DIR, 'src', 'panel', 'README.md'),
    assets: [
      ['CHANGELOG.md', 'CHANGELOG.md'],
      ['LICENSE', 'LICENSE'],
      // The renderer, built by scripts/build-wasm.sh; its glue is bundled into module.js.
      ['dist/wasm/mcp_render_bg.wasm', 'mcp_render_bg.wasm'],
      // plugin.json's screenshot: the README's picture, kept once in docs/img.
      ['docs/img/panel-dark.png', 'img/panel-dark.png'],
    ],
  },
];

/** The renderer's wasm-bindgen glue (scripts/build-wasm.sh), imported as `mcp-render`. */
export const RENDER_GLUE = path.join(REPO_DIR, 'dist', 'wasm', 'mcp_render.js');

export interface Manifest {
  id: string;
  info?: { version?: string; logos?: { small?: string; large?: string }; screenshots?: Array<{ path: string }> };
}

export function readManifest(entry: PluginEntry): Manifest {
  return JSON.parse(fs.readFileSync(entry.manifest, 'utf8'));
}
