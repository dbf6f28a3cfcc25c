// Loads the renderer (crates/render, built by scripts/build-wasm.sh) once per page, from the
// plugin's public path: public/plugins/mahavishnu-mcpecosystem-panel/mcp_render_bg.wasm.
import init, { Renderer } from 'mcp-render';

import { loadFailure, WASM_FILE } from './failure';

declare const __webpack_public_path__: string | undefined;

let loading: Promise<typeof Renderer> | undefined;

/** Where the .wasm is served: beside module.js, wherever Grafana serves the plugin from. */
export function wasmUrl(): string {
  const base =
    typeof __webpack_public_path__ === 'string' && __webpack_public_path__
      ? __webpack_public_path__
      : 'public/plugins/mahavishnu-mcpecosystem-panel/';
  return base + WASM_FILE;
}

/** The Renderer class, once the .wasm is instantiated. */
export function loadRenderer(): Promise<typeof Renderer> {
  if (!loading) {
    const url = wasmUrl();
    loading = init({ module_or_path: url }).then(
      () => Renderer,
      (err: unknown) => {
        loading = undefined;
        throw new Error(loadFailure(err, url));
      }
    );
  }
  return loading;
}

export type { Renderer, HitInfo } from 'mcp-render';
