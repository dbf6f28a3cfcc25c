// What the panel's benchmarks share (panel-budgets.mjs, panel-ab.mjs): the sample data,
// the page the renderer is loaded into, and the hand-over of frames as the shell does it.
import { execFileSync } from 'node:child_process';

import { repo } from './harness.mjs';

/** crates/render's sample ecosystem as JSON frames (one source for the benchmarks' data). */
export function sampleFrames(services, tools, points, exemplars) {
  const out = execFileSync(
    'cargo',
    [
      'run',
      '-q',
      '--locked',
      '-p',
      'mcp-render',
      '--example',
      'frames',
      '--',
      ...[services, tools, points, exemplars].map(String),
    ],
    { cwd: repo, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'] }
  );
  return out.toString();
}

/** An empty page with the panel's fonts (served by the harness from /public/fonts). */
export const BENCH_PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>
  @font-face { font-family: 'Inter'; font-weight: 400; src: url('/public/fonts/Inter-Regular.otf'); }
  @font-face { font-family: 'Inter'; font-weight: 500; src: url('/public/fonts/Inter-Medium.otf'); }
  @font-face { font-family: 'Inter'; font-weight: 700; src: url('/public/fonts/Inter-Bold.otf'); }
  body { margin: 0; font-family: Inter; }</style></head><body></body></html>`;

/**
 * Run in the page (`page.addInitScript`): `window.handOver(renderer, frames)` hands JSON
 * frames to a renderer as the panel shell does (typed columns).
 */
export function installHandOver() {
  window.handOver = (r, frames) => {
    r.beginFrames();
    for (const frame of frames) {
      r.addFrame(frame.name);
      for (const f of frame.fields) {
        if (f.numbers) {
          r.addNumbers(
            f.name,
            f.numbers instanceof Float64Array ? f.numbers : Float64Array.from(f.numbers, (v) => v ?? NaN)
          );
        } else if (frame.name === 'exemplar' && !['status', 'error_type'].includes(f.name) && r.addKept) {
          // As frontend/src/panel/columns.ts: the exemplars' trace ids and services stay on
          // this side (a build before addKept is handed them as the other texts).
          r.addKept(f.name, f.texts);
        } else {
          // As frontend/src/panel/columns.ts's textColumn: the rows joined, their ends.
          const ends = new Uint32Array(f.texts.length);
          let total = 0;
          f.texts.forEach((t, i) => (ends[i] = total += t.length));
          r.addTexts(f.name, f.texts.join(''), ends);
        }
        f.labels.forEach(([k, v]) => r.addLabel(k, v));
        if (f.link) {
          r.setLink(f.link);
        }
      }
    }
    r.endFrames();
    if (r.problem) {
      throw new Error(r.problem);
    }
  };
}
