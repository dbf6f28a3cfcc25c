// Loads the renderer (crates/render, built by scripts/build-wasm.sh) once per page, from the
// plugin's public path: public/plugins/mahavishnu-mcpecosystem-panel/mcp_render_bg.wasm.
// The load starts when module.js is evaluated, not when a panel mounts: the .wasm is then
// fetched and compiled (streaming) while the panel's query runs.
import init, { Renderer } from 'mcp-render';

import { loadFailure, WASM_FILE } from './failure';

declare const __webpack_public_path__: string | undefined;

let loading: Promise<typeof Renderer> | undefined;
let loaded: typeof Renderer | undefined;

/** Where the .wasm is served: beside module.js, wherever Grafana serves the plugin from. */
export function wasmUrl(): string {
  const base =
    typeof __webpack_public_path__ === 'string' && __webpack_public_path__
      ? __webpack_public_path__
      : 'public/plugins/mahavishnu-mcpecosystem-panel/';
  return base + WASM_FILE;
}

/** The Renderer class, once the .wasm is instantiated; a failed load is tried again on the next call. */
export function loadRenderer(): Promise<typeof Renderer> {
  if (!loading) {
    const url = wasmUrl();
    loading = init({ module_or_path: url }).then(
      () => (loaded = Renderer),
      (err: unknown) => {
        loading = undefined;
        throw new Error(loadFailure(err, url));
      }
    );
  }
  return loading;
}

/** The Renderer class if the .wasm is already instantiated, so a panel can draw in its first frame. */
export function loadedRenderer(): typeof Renderer | undefined {
  return loaded;
}

/** Starts the load; its failure is reported by the panel that asks for the renderer. */
export function preloadRenderer() {
  loadRenderer().catch(() => undefined);
}

export type { Renderer, HitInfo } from 'mcp-render';
