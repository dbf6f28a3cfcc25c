// Bundles the harness page with esbuild from the frontend package's node_modules (the
// @grafana packages the plugin is built against). The Grafana release is a build parameter:
// GRAFANA_NODE_MODULES may point at another install of @grafana/data, ui and runtime
// (esbuild itself comes from FRONTEND_NODE_MODULES, default frontend/node_modules), and
// MCP_HARNESS_PAGE names the output directory then (the browser tests serve the same one).
//
//   node tests/browser/page/build.mjs            -> tests/browser/page/dist/{index.html,boot.js,...}
//   GRAFANA_NODE_MODULES=tests/browser/grafana-13/node_modules MCP_HARNESS_PAGE=tests/browser/page/dist-13 \
//     node tests/browser/page/build.mjs          -> the same page against Grafana 13's packages
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..', '..');
const tools = path.resolve(process.env.FRONTEND_NODE_MODULES ?? path.join(repo, 'frontend', 'node_modules'));
const nodeModules = path.resolve(process.env.GRAFANA_NODE_MODULES ?? tools);
const require = createRequire(path.join(tools, '..', 'package.json'));
const esbuild = require('esbuild');

const grafanaVersion = JSON.parse(
  fs.readFileSync(path.join(nodeModules, '@grafana', 'data', 'package.json'), 'utf8')
).version;

// @grafana/runtime imports SystemJS and its AMD extra as side effects; use the copy it
// depends on (nested when its version differs from the top-level one).
function systemjsFile(rel) {
  const nested = path.join(nodeModules, '@grafana', 'runtime', 'node_modules', 'systemjs', rel);
  return fs.existsSync(nested) ? nested : path.join(nodeModules, 'systemjs', rel);
}

// @grafana/ui 11 and later ship ES modules as .mjs, from which esbuild gives a CommonJS
// package's default import as its whole module.exports (Node's rule), where Grafana's webpack
// gives exports.default. react-custom-scrollbars-2 (CommonJS, __esModule; @grafana/ui's
// CustomScrollbar, inside Table) needs the latter: such an import gets a module that re-exports
// it as a plain .js file would see it.
const SCROLLBARS = 'react-custom-scrollbars-2';
const cjsDefaultFromMjs = {
  name: 'cjs-default-from-mjs',
  setup(build) {
    build.onResolve({ filter: /^react-custom-scrollbars-2$/ }, (args) =>
      args.importer.endsWith('.mjs')
        ? { path: `${SCROLLBARS}:${args.resolveDir}`, namespace: 'cjs-default' }
        : undefined
    );
    build.onLoad({ filter: /.*/, namespace: 'cjs-default' }, (args) => ({
      contents: `import * as m from '${SCROLLBARS}';\nexport default m.default;\nexport * from '${SCROLLBARS}';\n`,
      resolveDir: args.path.slice(SCROLLBARS.length + 1),
      loader: 'js',
    }));
  },
};

const out = path.resolve(process.env.MCP_HARNESS_PAGE ?? path.join(here, 'dist'));
fs.rmSync(out, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: [path.join(here, 'src', 'boot.ts')],
  bundle: true,
  splitting: true,
  format: 'esm',
  outdir: out,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  target: 'chrome110',
  jsx: 'automatic',
  minify: true,
  sourcemap: false,
  metafile: true,
  plugins: [cjsDefaultFromMjs],
  logLevel: 'warning',
  // runtime's nested systemjs declares "type": "script", which esbuild warns about.
  logOverride: { 'package.json': 'silent' },
  nodePaths: [nodeModules],
  // Not page/tsconfig.json: its paths (for the type check) name frontend/node_modules,
  // which would win over GRAFANA_NODE_MODULES.
  tsconfigRaw: { compilerOptions: { jsx: 'react-jsx' } },
  alias: {
    'systemjs/dist/system': systemjsFile('dist/system.js'),
    'systemjs/dist/extras/amd': systemjsFile('dist/extras/amd.js'),
  },
  define: {
    'process.env.NODE_ENV': '"production"',
    __GRAFANA_VERSION__: JSON.stringify(grafanaVersion),
    global: 'window',
  },
  loader: { '.css': 'text', '.svg': 'text', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.png': 'empty' },
});
// The editors' data-testid values, for the tests (node cannot import TypeScript).
await esbuild.build({
  entryPoints: [path.join(repo, 'frontend', 'src', 'datasource', 'selectors.ts')],
  bundle: true,
  format: 'esm',
  outfile: path.join(out, 'selectors.mjs'),
  logLevel: 'warning',
});
fs.copyFileSync(path.join(here, 'index.html'), path.join(out, 'index.html'));
// Grafana serves @grafana/ui's icons under public/img/icons/ (the Icon component fetches them).
fs.cpSync(path.join(nodeModules, '@grafana', 'ui', 'dist', 'public', 'img'), path.join(out, 'public', 'img'), {
  recursive: true,
});
// Grafana adds a spinner the package does not ship; the harness draws its own.
const spinner = path.join(out, 'public', 'img', 'icons', 'unicons', 'spinner.svg');
if (!fs.existsSync(spinner)) {
  fs.writeFileSync(
    spinner,
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8z"/></svg>\n'
  );
}
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(JSON.stringify({ grafanaVersion, out, bytes }));
