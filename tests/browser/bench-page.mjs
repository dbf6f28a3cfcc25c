// What the panel's benchmarks share (panel-budgets.mjs, panel-ab.mjs): the sample data,
// the page the renderer is loaded into, and the shell's own hand-over of frames.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

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
 * The panel shell's own conversion and hand-over (frontend/src/panel/columns.ts), bundled
 * for the page as an ES module: the benchmarks hand frames to the renderer through the
 * very calls the panel makes (`numbersBuffer`, `setTimeRange`, `setSteps`, ...).
 */
export function shellColumns() {
  return createRequire(path.join(repo, 'frontend', 'package.json'))('esbuild').buildSync({
    stdin: {
      contents: "export { handOver, toColumns } from './columns'; export { DEFAULT_OPTIONS } from './types';",
      resolveDir: path.join(repo, 'frontend', 'src', 'panel'),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'error',
  }).outputFiles[0].text;
}

/**
 * Run in the page (`page.addInitScript`): `window.grafanaFrames(frames, plain)` makes the
 * sample's JSON frames (`sampleFrames`) Grafana's data frames, their numbers the typed
 * arrays the JSON frames hold (a gap NaN), or with `plain` new plain arrays (a gap null), as
 * Grafana decodes an answer; `window.panelRange(frames)` is the span of their times, which
 * the benchmarks hand over as the dashboard's time range.
 */
export function installFrames() {
  window.grafanaFrames = (frames, plain = false) =>
    frames.map((f) => ({
      name: f.name,
      length: (f.fields[0]?.numbers ?? f.fields[0]?.texts ?? []).length,
      fields: f.fields.map((x) => ({
        name: x.name,
        type: x.numbers ? (x.name === 'Time' ? 'time' : 'number') : 'string',
        values:
          x.numbers && plain ? Array.from(x.numbers, (v) => (Number.isNaN(v) ? null : v)) : (x.numbers ?? x.texts),
        labels: Object.fromEntries(x.labels),
        config: x.link ? { links: [{ title: 'trace', url: x.link }] } : {},
      })),
    }));
  window.panelRange = (frames) => {
    let from = Infinity;
    let to = -Infinity;
    for (const f of frames.flatMap((frame) => frame.fields).filter((x) => x.name === 'Time' && x.numbers.length)) {
      from = Math.min(from, f.numbers[0]);
      to = Math.max(to, f.numbers[f.numbers.length - 1]);
    }
    return from < to ? { from, to } : undefined;
  };
}
