// Loads the renderer (crates/render, built by scripts/build-wasm.sh) once per page, from the
// plugin's public path: public/plugins/mahavishnu-mcpecosystem-panel/mcp_render_bg.wasm.
// The load starts when module.js is evaluated, not when a panel mounts: the .wasm is then
// fetched and compiled (streaming) while the panel's query runs, the fonts the renderer
// draws in are loaded and drawn once, so that the panel's first draw has them, and a draw
// is rehearsed in the page's idle time (warmup.ts), so that it runs none of the renderer's
// code for the first time.
import { config } from '@grafana/runtime';
import init, { cssFonts, Renderer } from 'mcp-render';

import { loadFailure, WASM_FILE } from './failure';
import { rehearse, whenIdle } from './warmup';

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

/** How long the renderer waits for its fonts; past it, panels draw with what the page has. */
const FONT_WAIT_MS = 1000;
/** What the warm-up draws: the characters panels draw most. */
const GLYPHS = '0123456789 %/.,:-… abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Loads the fonts and draws a line in each on a canvas outside the page. A canvas does not
 * wait for a font it asks for: without this a panel's first draw would start the load of
 * Inter's semi-bold and draw without it, and its first text in each font would pay for
 * the face being made ready (several ms).
 */
async function prepareFonts(fonts: string[]): Promise<void> {
  const faces = document.fonts;
  if (faces?.load) {
    const all = Promise.all(fonts.map((font) => faces.load(font, GLYPHS).catch(() => [])));
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, FONT_WAIT_MS))]);
  }
  const canvas = document.createElement('canvas');
  canvas.width = 8;
  canvas.height = 8;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.textBaseline = 'middle';
    for (const font of fonts) {
      ctx.font = font;
      ctx.measureText(GLYPHS);
      ctx.fillText(GLYPHS, 0, 4);
    }
    ctx.getImageData(0, 0, 1, 1);
  }
}

/** A panel has asked for the renderer (to draw, or to wait for it): no more is rehearsed. */
let taken = false;

/**
 * Instantiates the .wasm, starts the fonts' loads and waits for them; meanwhile, in the
 * page's idle time, a draw is rehearsed until a panel takes the renderer.
 */
function load(): Promise<typeof Renderer> {
  if (!loading) {
    const url = wasmUrl();
    loading = init({ module_or_path: url }).then(
      async () => {
        // Grafana's theme as the panel will have it; without one the panel draws with what the page has.
        const theme = config.theme2;
        const family = theme?.typography?.fontFamily;
        const fonts = family ? prepareFonts(cssFonts(family).split('\n')).catch(() => undefined) : undefined;
        if (!taken) {
          rehearse(Renderer, theme, () => !taken);
        }
        await fonts;
        return (loaded = Renderer);
      },
      (err: unknown) => {
        loading = undefined;
        throw new Error(loadFailure(err, url));
      }
    );
  }
  return loading;
}

/** The Renderer class, once the .wasm is instantiated; a failed load is tried again on the next call. */
export function loadRenderer(): Promise<typeof Renderer> {
  taken = true;
  return load();
}

/** The Renderer class if the .wasm is already instantiated, so a panel can draw in its first frame. */
export function loadedRenderer(): typeof Renderer | undefined {
  taken ||= loaded !== undefined;
  return loaded;
}

/**
 * Starts the load; its failure is reported by the panel that asks for the renderer. The
 * fonts' loads start at the page's first idle time, before the renderer can name them
 * (cssFonts): in Grafana's family, the renderer's two weights (crates/render's
 * `Weight::css`, held to these by crates/render/tests/font_preload.rs).
 */
export function preloadRenderer() {
  load().catch(() => undefined);
  const family = config.theme2?.typography?.fontFamily;
  if (family && typeof document !== 'undefined' && document.fonts?.load) {
    whenIdle().then(() => {
      for (const weight of [400, 600]) {
        document.fonts.load(`${weight} 12px ${family}`, GLYPHS).catch(() => undefined);
      }
    });
  }
}

export type { Renderer, HitInfo } from 'mcp-render';
