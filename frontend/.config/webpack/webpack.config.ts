// Builds each plugin of ./plugins.ts as Grafana loads it: one AMD module.js with Grafana's
// own packages left external, beside its manifest, logos, README, CHANGELOG, LICENSE and,
// for a backend plugin, the executable when cargo has built one.
import CopyWebpackPlugin from 'copy-webpack-plugin';
import fs from 'fs';
import path from 'path';
import TerserPlugin from 'terser-webpack-plugin';
import { type Compiler, type Configuration, DefinePlugin } from 'webpack';
import VirtualModulesPlugin from 'webpack-virtual-modules';

import { externals } from './externals';
import { FRONTEND_DIR, REPO_DIR, RENDER_GLUE, plugins, readManifest, type PluginEntry } from './plugins';

type Env = { [key: string]: true | string | Env };

const GOOS: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm' };

/** Copies the backend executable under the name Grafana runs: <executable>_<os>_<arch>. */
class BackendExecutablePlugin {
  constructor(private readonly executable: string) {}

  apply(compiler: Compiler) {
    compiler.hooks.afterEmit.tap('BackendExecutablePlugin', () => {
      const source = this.source();
      if (!source) {
        return;
      }
      const exe = process.platform === 'win32' ? '.exe' : '';
      const name = `${this.executable}_${GOOS[process.platform] ?? process.platform}_${GOARCH[process.arch] ?? process.arch}${exe}`;
      const target = path.join(compiler.outputPath, name);
      fs.copyFileSync(source, target);
      fs.chmodSync(target, 0o755);
    });
  }

  /** MCP_PLUGIN_BINARY, else the newest release or debug build in the cargo target. */
  private source(): string | undefined {
    if (process.env.MCP_PLUGIN_BINARY) {
      return process.env.MCP_PLUGIN_BINARY;
    }
    const target = process.env.CARGO_TARGET_DIR ?? path.join(REPO_DIR, 'target');
    const exe = process.platform === 'win32' ? '.exe' : '';
    const built = ['release', 'debug']
      .map((profile) => path.join(target, profile, this.executable + exe))
      .filter((file) => fs.existsSync(file))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    return built[0];
  }
}

function pluginConfig(entry: PluginEntry, env: Env): Configuration {
  const manifest = readManifest(entry);
  const id = manifest.id;
  const production = Boolean(env.production);
  const manifestDir = path.dirname(entry.manifest);
  const logos = Array.from(new Set([manifest.info?.logos?.small, manifest.info?.logos?.large])).filter(
    (logo): logo is string => Boolean(logo)
  );
  // A screenshot the assets ship (from docs/img) is not looked for beside the manifest.
  const screenshots = (manifest.info?.screenshots ?? [])
    .map((s) => s.path)
    .filter((file) => !entry.assets.some(([, to]) => to === file));
  // Chunks load from wherever Grafana serves the plugin (a sub-path, a CDN).
  const publicPathModule = `grafana-public-path-${id}`;

  return {
    name: id,
    cache: {
      type: 'filesystem',
      name: `${id}-${production ? 'production' : 'development'}`,
      buildDependencies: {
        config: [__filename, path.join(__dirname, 'plugins.ts'), path.join(__dirname, 'externals.ts')],
      },
    },
    context: path.join(FRONTEND_DIR, 'src', entry.source),
    devtool: production ? 'source-map' : 'eval-source-map',
    entry: { module: `./module.ts` },
    externals,
    experiments: { asyncWebAssembly: true },
    mode: production ? 'production' : 'development',
    module: {
      rules: [
        {
          test: /module\.tsx?$/,
          include: path.join(FRONTEND_DIR, 'src', entry.source),
          use: [{ loader: 'imports-loader', options: { imports: `side-effects ${publicPathModule}` } }],
        },
        {
          exclude: /node_modules/,
          test: /\.[tj]sx?$/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                baseUrl: path.join(FRONTEND_DIR, 'src'),
                target: 'es2015',
                parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
                // Classic JSX: Grafana 10.4 provides react, not react/jsx-runtime.
                transform: { react: { runtime: 'classic' } },
              },
            },
          },
        },
        {
          // The glue's default .wasm URL is never used (the panel passes its own), so
          // webpack must not emit the .wasm a second time as an asset of its own.
          test: RENDER_GLUE,
          parser: { url: false },
        },
        {
          test: /\.(png|jpe?g|gif|svg)$/,
          type: 'asset/resource',
          generator: { filename: production ? '[hash][ext]' : '[file]' },
        },
      ],
    },
    optimization: {
      minimize: production,
      minimizer: [new TerserPlugin({ terserOptions: { format: { comments: false } }, extractComments: false })],
    },
    output: {
      clean: { keep: /_(amd64|arm(64)?)(\.exe)?$/ },
      filename: '[name].js',
      chunkFilename: production ? '[name].js?_cache=[contenthash]' : '[name].js',
      library: { type: 'amd' },
      path: path.join(REPO_DIR, 'dist', id),
      publicPath: `public/plugins/${id}/`,
      uniqueName: id,
    },
    performance: { hints: false },
    plugins: [
      new VirtualModulesPlugin({
        [path.join(FRONTEND_DIR, 'node_modules', `${publicPathModule}.js`)]: `
import amdMetaModule from 'amd-module';
__webpack_public_path__ =
  amdMetaModule && amdMetaModule.uri
    ? amdMetaModule.uri.slice(0, amdMetaModule.uri.lastIndexOf('/') + 1)
    : 'public/plugins/${id}/';
`,
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: entry.manifest, to: 'plugin.json', toType: 'file' },
          { from: entry.readme, to: 'README.md', toType: 'file' },
          ...entry.assets.map(([from, to]) => ({ from: path.join(REPO_DIR, from), to, toType: 'file' as const })),
          ...[...logos, ...screenshots].map((file) => ({ from: path.join(manifestDir, file), to: file })),
        ],
      }),
      ...(entry.executable ? [new BackendExecutablePlugin(entry.executable)] : []),
      // webpack would write the build machine's file path for import.meta.url into module.js
      // (the renderer's glue mentions it; the panel always passes the .wasm's URL itself).
      new DefinePlugin({ 'import.meta.url': 'document.baseURI' }),
    ],
    resolve: {
      alias: { 'mcp-render': RENDER_GLUE },
      extensions: ['.js', '.jsx', '.ts', '.tsx'],
      modules: [path.join(FRONTEND_DIR, 'src'), 'node_modules'],
    },
  };
}

export default (env: Env): Configuration[] => plugins.map((entry) => pluginConfig(entry, env));
