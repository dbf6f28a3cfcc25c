// Loads the renderer (crates/render, built by scripts/build-wasm.sh) once per page, from the
// plugin's public path: public/plugins/mahavishnu-mcpecosystem-panel/mcp_render_bg.wasm.
import init, { Renderer } from 'mcp-render';

declare const __webpack_public_path__: string | undefined;

export const WASM_FILE = 'mcp_render_bg.wasm';

let loading: Promise<typeof Renderer> | undefined;

/** Where the .wasm is served: beside module.js, wherever Grafana serves the plugin from. */
export function wasmUrl(): string {
  const base =
    typeof __webpack_public_path__ === 'string' && __webpack_public_path__
      ? __webpack_public_path__
      : 'public/plugins/mahavishnu-mcpecosystem-panel/';
  return base + WASM_FILE;
}

/** A refusal by a Content-Security-Policy, as Chromium and Firefox word it. */
export function blockedByCsp(err: unknown): boolean {
  const text = String((err as Error)?.message ?? err);
  return err instanceof EvalError || /content.security.policy|unsafe-eval|wasm-eval/i.test(text);
}

/** What the panel says when the renderer cannot start. */
export function loadFailure(err: unknown, url: string): string {
  if (blockedByCsp(err)) {
    return (
      'This Grafana’s Content-Security-Policy blocks WebAssembly, which the MCP Ecosystem panel draws with. ' +
      "Add 'wasm-unsafe-eval' to script-src in Grafana's content_security_policy_template ([security] in grafana.ini)."
    );
  }
  const text = String((err as Error)?.message ?? err);
  return `The panel's renderer could not load from ${url}: ${text}. Check that the plugin's folder holds ${WASM_FILE} and that Grafana serves it.`;
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
