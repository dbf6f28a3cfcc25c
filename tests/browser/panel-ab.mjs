// Two builds of the panel's renderer against each other, in one page, their new-data
// repaints interleaved (a benchmark, not a test; figures go to docs/PERFORMANCE.md,
// "Panel renderer"). On a shared machine a build's figures move from one run to the next
// by more than most changes; side by side in one page, both meet the same moments.
// The full redraw's data of panel-budgets.mjs (50 services, 500 tools, 150 latency lines
// of 1,000 points, 10,000 exemplars), 1920 x 1080 at dpr 1, `rounds` rounds, each
// repainting A and B (the order alternating): with the hand-over, then the paint alone
// after a hand-over, each ended by a one-pixel getImageData (the canvas rasterises).
//
//   node tests/browser/panel-ab.mjs <dir A> <dir B> [rounds]
//
// A directory is what scripts/build-wasm.sh writes (mcp_render.js, its snippets/,
// mcp_render_bg.wasm): e.g. `scripts/build-wasm.sh /tmp/before` on the commit before.
// With MCP_NEW_VALUES=b (or a, or ab), that build's frames come with new values at every
// repaint (the services', tools' and pools' numbers scaled by up to 10 %), so that every
// value is a text the renderer has not drawn before; the same build as A and B then
// shows what new values cost.
// Both builds are handed the frames by the shell of this checkout (frontend/src/panel's
// `handOver`, as the panel hands them), so both need its calls (`numbersBuffer`,
// `setTimeRange`, ...): a build from before them is refused with its directory named.
import fs from 'node:fs';
import path from 'node:path';

import { BENCH_PAGE, installFrames, sampleFrames, shellColumns } from './bench-page.mjs';
import { startHarness } from './harness.mjs';

const [dirA, dirB, roundsArg] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node tests/browser/panel-ab.mjs <dir A> <dir B> [rounds]');
  process.exit(2);
}
const dirs = { a: path.resolve(dirA), b: path.resolve(dirB) };
const rounds = Number(roundsArg ?? 60);
const WARM = 5;
const frames = sampleFrames(50, 10, 1000, 10000);
const shell = shellColumns();
const newValues = process.env.MCP_NEW_VALUES ?? '';

const h = await startHarness();
try {
  const context = await h.browser.newContext({
    viewport: { width: 1940, height: 2200 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  await page.route(`${h.server.url}/ab/**`, (route) => {
    const [first, ...rest] = new URL(route.request().url()).pathname.split('/').slice(2);
    if (first === 'index.html') {
      return route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: BENCH_PAGE,
      });
    }
    if (first === 'columns.js') {
      return route.fulfill({
        status: 200,
        contentType: 'text/javascript',
        body: shell,
      });
    }
    if (first === 'frames.json') {
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: frames,
      });
    }
    const file = dirs[first] && path.join(dirs[first], path.normalize(rest.join('/')));
    if (!file || !file.startsWith(dirs[first]) || !fs.existsSync(file)) {
      return route.fulfill({ status: 404 });
    }
    const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    return route.fulfill({
      status: 200,
      contentType: type,
      body: fs.readFileSync(file),
    });
  });
  await page.addInitScript(installFrames);
  await page.goto(`${h.server.url}/ab/index.html`);
  const res = await page.evaluate(
    async ({ rounds, warm, newValues, dirs }) => {
      await Promise.all(['400', '500', '700'].map((w) => document.fonts.load(`${w} 12px Inter`)));
      const frames = (await (await fetch('/ab/frames.json')).json()).frames;
      for (const f of frames.flatMap((frame) => frame.fields)) {
        if (f.numbers) {
          f.numbers = Float64Array.from(f.numbers, (v) => v ?? NaN);
        }
      }
      // The frames as the panel holds an answer, converted to columns once; each hand-over
      // is the shell's, and writes the numbers' current values (setValues changes them).
      const shell = await import('/ab/columns.js');
      const columns = shell.toColumns(window.grafanaFrames(frames), shell.DEFAULT_OPTIONS);
      const range = window.panelRange(frames);
      const handOver = (r) => {
        shell.handOver(r, columns, range);
        if (r.problem) {
          throw new Error(r.problem);
        }
      };
      // The frames' numbers but the latency lines' and the exemplars' (the longest columns)
      // and whether a service is up.
      const values = frames.flatMap((frame) => frame.fields).filter((f) => f.numbers?.length <= 600 && f.name !== 'up');
      const asGiven = values.map((f) => Float64Array.from(f.numbers));
      let round = 0;
      /** The numbers as given, or for a build named in `newValues` scaled anew. */
      const setValues = (k) => {
        if (!newValues.includes(k)) {
          return values.forEach((f, j) => f.numbers.set(asGiven[j]));
        }
        const scale = ++round * 7;
        values.forEach((f, j) => asGiven[j].forEach((v, i) => (f.numbers[i] = v * (1 + ((scale + i) % 97) * 1e-3))));
      };
      const renderer = async (k) => {
        const glue = await import(`/ab/${k}/mcp_render.js`);
        await glue.default({ module_or_path: `/ab/${k}/mcp_render_bg.wasm` });
        const c = document.createElement('canvas');
        c.style.cssText = 'width: 1920px; height: 1080px; display: block';
        document.body.appendChild(c);
        const r = new glue.Renderer(c, true);
        if (typeof r.numbersBuffer !== 'function' || typeof r.setTimeRange !== 'function') {
          throw new Error(
            `${dirs[k]} is a build from before the shell's hand-over (numbersBuffer, setTimeRange): build both with this checkout's API`
          );
        }
        r.setFontFamily('Inter, Helvetica, Arial, sans-serif');
        handOver(r);
        r.resize(1920, 1080, 1);
        return { k, r, ctx: c.getContext('2d'), data: [], paint: [] };
      };
      const builds = { a: await renderer('a'), b: await renderer('b') };
      /** Hands the frames over, draws and rasterises: the time of the draw, or of all with `withHandOver`. */
      const timed = ({ k, r, ctx }, withHandOver) => {
        setValues(k);
        const t0 = performance.now();
        handOver(r);
        const t1 = performance.now();
        r.draw();
        ctx.getImageData(0, 0, 1, 1);
        return performance.now() - (withHandOver ? t0 : t1);
      };
      for (let i = 0; i < rounds + warm; i++) {
        for (const k of i % 2 ? ['a', 'b'] : ['b', 'a']) {
          const b = builds[k];
          const data = timed(b, true);
          const paint = timed(b, false);
          if (i >= warm) {
            b.data.push(data);
            b.paint.push(paint);
          }
        }
      }
      return Object.fromEntries(Object.entries(builds).map(([k, b]) => [k, { data: b.data, paint: b.paint }]));
    },
    { rounds, warm: WARM, newValues, dirs }
  );
  const quantile = (values, q) => [...values].sort((x, y) => x - y)[Math.floor(q * (values.length - 1))];
  const stats = (v) =>
    `median ${quantile(v, 0.5).toFixed(1)} ms (p25 ${quantile(v, 0.25).toFixed(1)}, p75 ${quantile(v, 0.75).toFixed(1)})`;
  for (const k of ['a', 'b']) {
    console.log(
      `${k.toUpperCase()} ${dirs[k]}: new data ${stats(res[k].data)}; the paint alone ${stats(res[k].paint)}`
    );
  }
  const faster = res.b.paint.filter((p, i) => p < res.a.paint[i]).length;
  console.log(`B's paint alone faster than A's in ${faster} of ${rounds} rounds`);
} finally {
  await h.stop();
}
