// What the panel says when its renderer cannot start.

export const WASM_FILE = 'mcp_render_bg.wasm';

/**
 * A refusal by a Content-Security-Policy, as browsers word it: Chromium names the policy and
 * 'unsafe-eval' (a CompileError), Firefox says "blocked by CSP" (a CompileError too), an
 * EvalError where a browser throws one.
 */
export function blockedByCsp(err: unknown): boolean {
  const text = String((err as Error)?.message ?? err);
  return err instanceof EvalError || /content.security.policy|unsafe-eval|wasm-eval|blocked by csp/i.test(text);
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
