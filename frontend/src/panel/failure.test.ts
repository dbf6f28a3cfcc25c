import { blockedByCsp, loadFailure } from './failure';

describe('when the renderer cannot start', () => {
  const url = 'public/plugins/mahavishnu-mcpecosystem-panel/mcp_render_bg.wasm';

  it('names the CSP setting to change when a Content-Security-Policy refuses WebAssembly', () => {
    // Chromium's words for a CSP without 'wasm-unsafe-eval'.
    const chromium = new WebAssembly.CompileError(
      "WebAssembly.instantiateStreaming(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive"
    );
    expect(blockedByCsp(chromium)).toBe(true);
    // Firefox's words for the same refusal, a CompileError as well.
    const firefox = new WebAssembly.CompileError('call to WebAssembly.instantiate() blocked by CSP');
    expect(blockedByCsp(firefox)).toBe(true);
    expect(blockedByCsp(new EvalError('call to eval() blocked'))).toBe(true);
    for (const err of [chromium, firefox]) {
      const message = loadFailure(err, url);
      expect(message).toContain("'wasm-unsafe-eval'");
      expect(message).toContain('content_security_policy_template');
    }
  });

  it('names the file and the cause otherwise', () => {
    const err = new TypeError("Failed to execute 'compile' on 'WebAssembly': Incorrect response MIME type");
    expect(blockedByCsp(err)).toBe(false);
    const message = loadFailure(err, url);
    expect(message).toContain(url);
    expect(message).toContain('Incorrect response MIME type');
    expect(message).toContain('mcp_render_bg.wasm');
  });
});
