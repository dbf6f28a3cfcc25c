// The overview panel's budgets, measured in headless chromium through the harness (a
// benchmark, not a test; figures go to docs/PERFORMANCE.md, "Panel renderer"):
//   - module load to first paint: the panel over the real plugin, from the import of its
//     module.js to the first frame after the renderer's first draw, less the wait for the
//     query's answer (the panel mounts when it comes; its .wasm loads meanwhile);
//   - a full redraw of 50 services, 500 tools and 10,000 exemplars (crates/render's sample
//     ecosystem, the frames `cargo run -p mcp-render --example frames` writes) with the
//     pointer moving (the renderer copies its content back from the canvas it keeps it on
//     and draws the outlines), and with new data (everything painted again);
//   - the latency strip against uPlot (Grafana's chart library) on the same Float64Array,
//     1k to 1M points, the line drawn on our plot's geometry by every contender; with `plotters`, also against plotters on its HTML canvas backend
//     (bench/plotters, built here by its build.sh), handed every point, and handed the
//     renderer's min/max per pixel column: the renderer's direct Canvas 2D calls against
//     plotters' way to the canvas;
//   - what a steady redraw allocates: the wasm memory's size and the JS heap's allocations
//     (chromium's sampling heap profiler, objects later collected included), in the page's
//     loop as the shell makes its calls (`hover`, and `draw` when it says the highlight
//     moved), under each call, over the 300 redraws after the timed ones and over 1,000
//     once V8 has tiered up its calls into JavaScript (its generic wasm-to-JS wrapper,
//     used for an import's first 1,000 calls, allocates an array for the arguments).
// Every timed draw is followed by a one-pixel getImageData, which makes the canvas
// rasterise what it was asked to draw: the figures include the browser's canvas work.
//
//   node tests/browser/panel-budgets.mjs [runs] [paint,redraw,profile,strip,plotters]   (after
//                                                   build-wasm.sh, the frontend and page builds)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { BENCH_PAGE, installFrames, sampleFrames, shellColumns } from './bench-page.mjs';
import { repo, startHarness } from './harness.mjs';

const runs = Number(process.argv[2] ?? 10);
const parts = new Set((process.argv[3] ?? 'paint,redraw,strip').split(','));
const PANEL_ID = 'mahavishnu-mcpecosystem-panel';
const WASM_URL = `/public/plugins/${PANEL_ID}/mcp_render_bg.wasm`;
// The wasm-bindgen glue (and its snippets) scripts/build-wasm.sh wrote beside the .wasm.
const GLUE_DIR = path.join(process.env.MCP_DIST ?? path.join(repo, 'dist'), 'wasm');
const UPLOT = path.join(repo, 'frontend', 'node_modules', 'uplot', 'dist', 'uPlot.esm.js');
// The plotters contender's module and glue (bench/plotters/build.sh), built when asked for.
const PLOTTERS_DIR = path.join(process.env.MCP_DIST ?? path.join(repo, 'dist'), 'bench-plotters');
const withPlotters = parts.has('plotters');
if (withPlotters) {
  execFileSync(path.join(repo, 'bench', 'plotters', 'build.sh'), [PLOTTERS_DIR], { stdio: ['ignore', 2, 2] });
}

function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const fmt = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const stats = (v) => `median ${fmt(quantile(v, 0.5))} ms, p90 ${fmt(quantile(v, 0.9))} ms`;

console.log(
  `machine: ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`
);
const fullFrames = parts.has('redraw') ? sampleFrames(50, 10, 1000, 10000) : '{}';
// The panel's own conversion and hand-over (frontend/src/panel/columns.ts), bundled for the
// page: every hand-over goes through it, and new data is also timed from Grafana's frames
// as the panel gets them.
const shell = parts.has('redraw') || parts.has('strip') || withPlotters ? shellColumns() : '';
const stripFrames = parts.has('strip') || withPlotters ? sampleFrames(1, 0, 2, 0) : '{}';

const h = await startHarness();
try {
  // Module load to first paint, over the real plugin (akosha and friends from the simulator).
  const firstPaint = [];
  const importMs = [];
  const mountToPaint = [];
  const queryMs = [];
  const answerToMount = [];
  const wall = [];
  for (let i = 0; i < (parts.has('paint') ? runs : 0); i++) {
    const context = await h.browser.newContext({
      viewport: { width: 1100, height: 560 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const marks = (window.panelMarks = {});
      // Mounted: the moment React puts the canvas in the document (a MutationObserver would
      // hear of it only after the layout effects, which draw).
      for (const name of ['appendChild', 'insertBefore']) {
        const insert = Node.prototype[name];
        Node.prototype[name] = function (...args) {
          const out = insert.apply(this, args);
          if (marks.mounted === undefined && document.querySelector('[data-testid="mcp-ecosystem-canvas"]')) {
            marks.mounted = performance.now();
          }
          return out;
        };
      }
      // The first draw on the panel's canvas: its background, or a copy of the renderer's layer.
      const proto = CanvasRenderingContext2D.prototype;
      const originals = {
        fillRect: proto.fillRect,
        drawImage: proto.drawImage,
      };
      for (const [name, method] of Object.entries(originals)) {
        proto[name] = function (...args) {
          if (marks.firstDraw === undefined && this.canvas.dataset.testid === 'mcp-ecosystem-canvas') {
            marks.firstDraw = performance.now();
            Object.assign(proto, originals);
            requestAnimationFrame(() => (marks.painted = performance.now()));
          }
          return method.apply(this, args);
        };
      }
    });
    const q = new URLSearchParams({
      view: 'panel',
      uid: 'mcp',
      theme: 'dark',
      width: '1000',
      height: '460',
    });
    await page.goto(`${h.server.url}/harness/?${q}`);
    await page.waitForFunction(() => window.panelMarks?.painted !== undefined, null, { timeout: 60000 });
    const { t, m, answered } = await page.evaluate(() => ({
      t: window.harness.timings,
      m: window.panelMarks,
      // When the query's answer was in: its response's end.
      answered: Math.max(
        ...performance
          .getEntriesByType('resource')
          .filter((e) => new URL(e.name).pathname === '/api/ds/query')
          .map((e) => e.responseEnd)
      ),
    }));
    importMs.push(t.panelLoaded - t.panelImportStart);
    queryMs.push(m.mounted - t.panelLoaded);
    answerToMount.push(m.mounted - answered);
    mountToPaint.push(m.painted - m.mounted);
    firstPaint.push(m.painted - t.panelImportStart - (m.mounted - t.panelLoaded));
    wall.push(m.painted - t.panelImportStart);
    await context.close();
  }
  if (parts.has('paint')) {
    console.log(
      `module load to first paint (${runs} cold loads, panel 1000 x 460): ${stats(firstPaint)} (budget 50 ms); ` +
        `of which module.js import ${stats(importMs)}, panel mounted to first painted frame (wasm fetched, ` +
        `compiled and instantiated, frames handed over, drawn) ${stats(mountToPaint)}; ` +
        `not counted: the query's answer, waited for before the panel mounts, ${stats(queryMs)}, of which from ` +
        `the answer's last byte to the mount (the answer decoded, the page rendered, and whatever the page's ` +
        `main thread was still busy with: the renderer's load) ${stats(answerToMount)} ` +
        `(with it, from the import to the first painted frame: ${stats(wall)})`
    );
  }

  // The renderer on a page of the harness's origin: the glue beside the .wasm the panel loads.
  const context = await h.browser.newContext({
    viewport: { width: 1940, height: 1500 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const files = {
    '/bench/index.html': ['text/html', BENCH_PAGE],
    '/bench/uPlot.esm.js': ['text/javascript', fs.readFileSync(UPLOT)],
    '/bench/full.json': ['application/json', fullFrames],
    '/bench/columns.js': ['text/javascript', shell],
    '/bench/strip.json': ['application/json', stripFrames],
  };
  await page.route(`${h.server.url}/bench/**`, (route) => {
    const pathname = new URL(route.request().url()).pathname;
    if (withPlotters && pathname.startsWith('/bench/plotters/')) {
      const file = path.join(PLOTTERS_DIR, path.normalize(pathname.slice('/bench/plotters/'.length)));
      if (file.startsWith(PLOTTERS_DIR) && fs.existsSync(file)) {
        const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
        return route.fulfill({ status: 200, contentType: type, body: fs.readFileSync(file) });
      }
    }
    const glue = path.join(GLUE_DIR, path.normalize(pathname.slice('/bench/'.length)));
    if (!files[pathname] && pathname.endsWith('.js') && glue.startsWith(GLUE_DIR) && fs.existsSync(glue)) {
      return route.fulfill({
        status: 200,
        contentType: 'text/javascript',
        body: fs.readFileSync(glue),
      });
    }
    const [type, body] = files[pathname] ?? [];
    return type ? route.fulfill({ status: 200, contentType: type, body }) : route.fulfill({ status: 404 });
  });
  await page.addInitScript(installFrames);
  await page.goto(`${h.server.url}/bench/index.html`);
  await page.evaluate(
    async ([wasmUrl, withShell]) => {
      await Promise.all(['400', '500', '700'].map((w) => document.fonts.load(`${w} 12px Inter`)));
      const glue = await import('/bench/mcp_render.js');
      const exports = await glue.default({ module_or_path: wasmUrl });
      const shell = withShell ? await import('/bench/columns.js') : undefined;
      /**
       * The sample's frames as the panel holds an answer: converted to columns once, then at
       * each call handed over as the panel hands them (the shell's `handOver`, with the
       * frames' span as the time range), the renderer's problem thrown.
       */
      const handOver = (frames) => {
        const columns = shell.toColumns(window.grafanaFrames(frames), shell.DEFAULT_OPTIONS);
        const range = window.panelRange(frames);
        return (r) => {
          shell.handOver(r, columns, range);
          if (r.problem) {
            throw new Error(r.problem);
          }
        };
      };
      const canvas = (w, hgt) => {
        const c = document.createElement('canvas');
        c.style.width = `${w}px`;
        c.style.height = `${hgt}px`;
        c.style.display = 'block';
        document.body.appendChild(c);
        return c;
      };
      window.bench = { glue, exports, shell, handOver, canvas };
    },
    [WASM_URL, Boolean(shell)]
  );

  if (parts.has('redraw')) {
    // A full redraw: 50 services, 500 tools, 150 latency lines of 1,000 points, 10,000 exemplars.
    const full = await page.evaluate(
      async (n) => {
        const { glue, exports, shell, canvas } = window.bench;
        const c = canvas(1920, 1080);
        const r = new glue.Renderer(c, true);
        r.setFontFamily('Inter, Helvetica, Arial, sans-serif');
        // The numbers as the panel holds them (typed arrays), so new data costs the hand-over.
        const frames = (await (await fetch('/bench/full.json')).json()).frames;
        for (const f of frames.flatMap((frame) => frame.fields)) {
          if (f.numbers) {
            f.numbers = Float64Array.from(f.numbers, (v) => v ?? NaN);
          }
        }
        const handOver = window.bench.handOver(frames);
        handOver(r);
        r.resize(1920, 1080, 1);
        const ctx = c.getContext('2d');
        // `hover` says whether the highlight moved. A build before it answered a HitInfo:
        // called as the shell called it then, its fields read at every move and its kind
        // and index compared with the last.
        let last = '';
        const hover = (x, y) => {
          const moved = r.hover(x, y);
          if (typeof moved === 'boolean') {
            return moved;
          }
          const hit = moved && [moved.kind, moved.index, moved.title, moved.text, moved.link];
          moved?.free();
          const key = hit ? `${hit[0]}:${hit[1]}` : '';
          const changed = key !== last;
          last = key;
          return changed;
        };
        const points = [
          [40, 60],
          [900, 700],
          [1500, 1000],
        ];
        /** `count` runs of `step` after `warm` untimed ones: the calls issued, then drawn and rasterised. */
        const timed = (count, warm, step, before = () => {}) => {
          const issued = [];
          const flushed = [];
          for (let i = 0; i < count + warm; i++) {
            before(i);
            const t0 = performance.now();
            step();
            const t1 = performance.now();
            ctx.getImageData(0, 0, 1, 1);
            const t2 = performance.now();
            if (i >= warm) {
              issued.push(t1 - t0);
              flushed.push(t2 - t0);
            }
          }
          return { issued, flushed };
        };
        const moving = timed(
          n,
          20,
          () => r.draw(),
          (i) => hover(...points[i % points.length])
        );
        // New data (the same frames handed over again): everything painted, not copied.
        const k = Math.max(n / 10, 10);
        const data = timed(k, 3, () => {
          handOver(r);
          r.draw();
        });
        const handOverOnly = timed(k, 3, () => handOver(r));
        const paintOnly = timed(
          k,
          3,
          () => r.draw(),
          () => handOver(r)
        );
        // New data as the panel takes it: Grafana's frames (plain arrays, null for a gap, as
        // Grafana decodes an answer) converted to columns by the shell, handed over, painted.
        const grafanaFrames = window.grafanaFrames(frames, true);
        const range = window.panelRange(frames);
        const toColumns = () => shell.toColumns(grafanaFrames, shell.DEFAULT_OPTIONS);
        const conversion = timed(k, 3, toColumns);
        const panelData = timed(k, 3, () => {
          shell.handOver(r, toColumns(), range);
          if (r.problem) {
            throw new Error(r.problem);
          }
          // As the panel's effect: the frames, its size, the draw.
          r.resize(1920, 1080, 1);
          r.draw();
        });
        // New-data repaints for the CPU profile taken below (the page's share of them).
        window.repaint = (k) => {
          for (let i = 0; i < k; i++) {
            handOver(r);
            r.draw();
            ctx.getImageData(0, 0, 1, 1);
          }
        };
        // Steady redraws: the wasm memory's size, and the JS heap's allocations sampled below.
        const memoryBefore = exports.memory.buffer.byteLength;
        // As the shell calls them (no destructuring here: its iterator objects would count).
        // `across`: from one tile, tool or exemplar to another, a redraw each; `tip`: the
        // same with the tooltip's texts read when the highlight moved, as the shell does;
        // `within`: the pointer moving inside one tile (no redraw).
        const tip = [];
        const steady = (k, how = 'across') => {
          for (let i = 0; i < k; i++) {
            const p = how === 'within' ? points[0] : points[i % points.length];
            if (hover(p[0] + (i & 7), p[1])) {
              const info = how === 'tip' && r.hovered ? r.hovered() : undefined;
              if (info) {
                tip[0] = info.kind;
                tip[1] = info.title;
                tip[2] = info.text;
                tip[3] = info.link;
                info.free();
              }
              r.draw();
            }
          }
          return exports.memory.buffer.byteLength;
        };
        window.steady = steady;
        return {
          moving,
          data,
          handOverOnly,
          paintOnly,
          conversion,
          panelData,
          memoryBefore,
          description: r.describe().slice(0, 60),
        };
      },
      Math.max(runs * 20, 100)
    );
    // What was timed, to look at: test-artifacts/browser/panel-budgets-full.png.
    const artefacts = path.join(repo, 'test-artifacts', 'browser');
    fs.mkdirSync(artefacts, { recursive: true });
    await page.screenshot({
      path: path.join(artefacts, 'panel-budgets-full.png'),
      clip: { x: 0, y: 0, width: 1920, height: 1080 },
    });
    console.log(
      `redraw with the pointer moving, 1920 x 1080 at dpr 1 (${full.moving.flushed.length} redraws: the content ` +
        `copied back from the renderer's layer, the outlines drawn; "${full.description}…"): ` +
        `calls issued ${stats(full.moving.issued)}; drawn and rasterised ${stats(full.moving.flushed)}`
    );
    console.log(
      `full redraw with new data, the same (${full.data.flushed.length} redraws: frames handed over as typed ` +
        `arrays, everything painted): calls issued ${stats(full.data.issued)}; drawn and rasterised ` +
        `${stats(full.data.flushed)}; of which the hand-over alone ${stats(full.handOverOnly.issued)}; the paint ` +
        `alone, after a hand-over: calls issued ${stats(full.paintOnly.issued)}, drawn and rasterised ` +
        `${stats(full.paintOnly.flushed)} (budget 8 ms, the median drawn and rasterised)`
    );
    console.log(
      `new data as the panel takes it (${full.panelData.flushed.length} redraws: Grafana's frames, plain arrays, ` +
        `converted to columns by the shell, handed over, painted): drawn and rasterised ${stats(full.panelData.flushed)}; ` +
        `of which the shell's toColumns ${stats(full.conversion.issued)} (the texts; the numbers are ` +
        `converted as they are handed over, into the renderer's memory)`
    );

    if (parts.has('profile')) {
      // Where a new-data repaint's time goes: chromium's CPU profiler (self time per function;
      // the canvas's raster shows under getImageData, the wasm under its function indices).
      const repaints = 20;
      const cdp = await context.newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
      await page.evaluate((k) => window.repaint(k), repaints);
      const { profile } = await cdp.send('Profiler.stop');
      const self = new Map();
      const dt = new Map();
      profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
      for (const node of profile.nodes) {
        const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}`.trim();
        self.set(name, (self.get(name) ?? 0) + (dt.get(node.id) ?? 0) / 1000 / repaints);
      }
      const total = [...self.values()].reduce((a, b) => a + b, 0);
      console.log(
        `new-data repaint profile (${repaints} repaints, self time per repaint, ${fmt(total)} ms in all): ` +
          [...self.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 16)
            .map(([f, ms]) => `${f} ${fmt(ms)}`)
            .join(', ')
      );
      await cdp.send('Profiler.disable');
    }

    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    /** The JS heap allocated during `k` steady redraws: bytes per redraw in the page's loop, under `draw` and `hover`. */
    const sampled = async (k, how) => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.startSampling', {
        samplingInterval: 512,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      const memory = await page.evaluate(([k, how]) => window.steady(k, how), [k, how]);
      const { profile } = await cdp.send('HeapProfiler.stopSampling');
      const bytes = (node) => node.selfSize + node.children.reduce((n, c) => n + bytes(c), 0);
      // What a function's calls allocate, wherever it is in the tree; the loop's is the
      // page's `steady` (what the evaluate around it allocates, once a run, is left out).
      const under = (node, name) =>
        node.callFrame.functionName === name ? bytes(node) : node.children.reduce((n, c) => n + under(c, name), 0);
      const byFunction = new Map();
      const walk = (node, inLoop) => {
        const here = inLoop || node.callFrame.functionName === 'steady';
        const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}`;
        if (here) {
          byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
        }
        node.children.forEach((c) => walk(c, here));
      };
      walk(profile.head, false);
      const per = (b) => (b / k).toFixed(0);
      const top = [...byFunction.entries()]
        .filter(([, b]) => b > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([f, b]) => `${f.trim()} ${per(b)} B`);
      return {
        memory,
        inLoop: under(profile.head, 'steady') / k,
        text:
          `${per(under(profile.head, 'steady'))} B per redraw in the loop (${per(under(profile.head, 'draw'))} under draw, ` +
          `${per(under(profile.head, 'hover'))} under hover${how === 'tip' ? `, ${per(under(profile.head, 'hovered'))} under hovered` : ''}; ` +
          `${per(bytes(profile.head))} with the page's own)${top.length ? `; most in: ${top.join(', ')}` : ''}`,
      };
    };
    const warmed = await page.evaluate(() => window.steady(30));
    const first = await sampled(300);
    // V8 calls an import through its generic wrapper for the first 1,000 calls
    // (--wasm-wrapper-tiering-budget), then through one compiled for it.
    await page.evaluate(() => window.steady(1000));
    const steady = await sampled(1000);
    const tip = await sampled(1000, 'tip');
    const within = await sampled(1000, 'within');
    console.log(
      `steady redraws (pointer moving): wasm memory ${full.memoryBefore} -> ${within.memory} bytes; JS heap (sampled), ` +
        `the 300 after the timed ones: ${first.text}; 1,000 more after 1,000 unsampled: ${steady.text}; ` +
        `with the tooltip read when the highlight moved, as the shell does, 1,000 more: ${tip.text}; ` +
        `1,000 moves within one tile (no redraw): ${within.text}`
    );
    // The figures that do not move with the machine are held (bench/smoke.sh runs this in
    // CI): steady redraws, once warmed up, grow no wasm memory, and once V8 calls the
    // imports through their compiled wrappers they allocate next to nothing on the JS heap:
    // at most 8 B a redraw, not none, as about one run in two samples one object over its
    // 1,000 redraws (1 B a redraw, under `draw` once, in the page's loop once: a one-off of
    // the engine's, not one a redraw; what a redraw allocated once, the hover's answer, was
    // 130 to 500 B). The timed figures are not held: they move with the machine.
    const LOOP_BYTES = 8;
    const held = [];
    if (within.memory !== warmed) {
      held.push(`the wasm memory grew over 3,300 steady redraws: ${warmed} -> ${within.memory} bytes`);
    }
    for (const [what, run] of [
      ['1,000 after 1,000', steady],
      ['moves within one tile', within],
    ]) {
      if (run.inLoop > LOOP_BYTES) {
        held.push(`steady redraws allocate on the JS heap (${what}; at most ${LOOP_BYTES} B a redraw): ${run.text}`);
      }
    }
    if (held.length > 0) {
      console.error(`FAIL: ${held.join('; ')}`);
      process.exitCode = 1;
    }
  }

  // The latency strip against uPlot (and plotters), one line on the same Float64Arrays,
  // 1600 x 360 each, the line on the same pixels (our plot's width, place and scale, checked
  // on what was drawn): all repaint everything, from the data they hold ("redraw") or from
  // new data.
  for (const n of parts.has('strip') || withPlotters ? [1_000, 10_000, 100_000, 1_000_000] : []) {
    const res = await page.evaluate(
      async ({ n, k, withPlotters }) => {
        const { glue, canvas } = window.bench;
        const uPlot = (await import('/bench/uPlot.esm.js')).default;
        if (withPlotters && !window.bench.plotters) {
          const plotters = await import('/bench/plotters/mcp_bench_plotters.js');
          await plotters.default({ module_or_path: '/bench/plotters/mcp_bench_plotters_bg.wasm' });
          window.bench.plotters = plotters;
        }
        document.body.replaceChildren();
        const time = new Float64Array(n);
        const value = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          time[i] = 1764540000000 + i * 15000;
          value[i] = 0.05 + 0.02 * Math.sin(i * 0.01) + 0.001 * (i % 13);
        }
        // The sample's one-service answer, its first latency line given these points.
        const base = (await (await fetch('/bench/strip.json')).json()).frames;
        const line = base.find((f) => f.fields.some((x) => x.labels.length > 0));
        line.fields[0].numbers = time;
        line.fields[1].numbers = value;
        const frames = base.filter((f) => f === line || !f.fields.some((x) => x.labels.length > 0));
        const c = canvas(1600, 360);
        const r = new glue.Renderer(c, true);
        r.setFontFamily('Inter, Helvetica, Arial, sans-serif');
        const handOver = window.bench.handOver(frames);
        handOver(r);
        r.resize(1600, 360, 1);
        const ctx = c.getContext('2d');
        // The contenders draw the line on our geometry, since a line's raster costs by the
        // pixels it covers. Ours paints its whole panel (a tile, the pools, the strip): its
        // plot is a band of the canvas, where the line spans about 55 px of height; uPlot's
        // own layout gave its plot the whole canvas (about 315 px). So uPlot's and plotters'
        // plots take our plot's left and right edges and its bottom edge (value 0), at our
        // pixels per second: the line covers the same pixels on all three canvases. Their
        // plots reach up to 8 px from the canvas's top (ours stops lower), so they draw a
        // few more grid lines and value labels; the rest of our panel (tile, pools, labels)
        // counts against ours. Our plot is read from the renderer's own hit-testing: a
        // second renderer holds the same answer with the line reduced to two samples, its
        // highest value at its first time and its lowest at its last (the same time range,
        // the same highest value: the same scale), and the pointer on that line names a
        // sample and where it is drawn (`HitInfo.x`, `.y`).
        let high = -Infinity;
        let low = Infinity;
        for (const v of value) {
          high = Math.max(high, v);
          low = Math.min(low, v);
        }
        const probeFrames = structuredClone(base).filter(
          (f) => f.name === line.name || !f.fields.some((x) => x.labels.length > 0)
        );
        const probeLine = probeFrames.find((f) => f.name === line.name);
        probeLine.fields[0].numbers = Float64Array.of(time[0], time[n - 1]);
        probeLine.fields[1].numbers = Float64Array.of(high, low);
        const probe = new glue.Renderer(canvas(1600, 360), true);
        window.bench.handOver(probeFrames)(probe);
        probe.resize(1600, 360, 1);
        const anchorAt = (x) => {
          for (let y = 0; y < 360; y += 0.5) {
            const hit = probe.hit(x, y);
            if (hit?.kind === 'line') {
              const at = { x: hit.x, y: hit.y };
              hit.free();
              return at;
            }
            hit?.free();
          }
          throw new Error(`the renderer's latency line not found at x = ${x}`);
        };
        // Left of the middle the first sample (our plot's left edge, at its highest value),
        // right of it the last (the right edge, at its lowest).
        const [first, last] = [anchorAt(400), anchorAt(1200)];
        probe.free();
        const pxPerSecond = (last.y - first.y) / (high - low);
        const plot = { left: first.x, right: last.x, bottom: first.y + pxPerSecond * high };
        if (!(last.x > first.x + 1000 && pxPerSecond > 0 && plot.bottom <= 360)) {
          throw new Error(`the renderer's plot not read from its hits: ${JSON.stringify({ first, last })}`);
        }
        const host = document.createElement('div');
        document.body.appendChild(host);
        let painted = 0;
        // uPlot's plot box: padding, then its value axis (48 px, as ours), the plot, padding.
        const box = { top: 8, left: Math.round(plot.left), width: Math.round(plot.right - plot.left) };
        box.height = Math.round(plot.bottom) - box.top;
        const topValue = box.height / pxPerSecond;
        const u = new uPlot(
          {
            width: 1600,
            height: 360,
            ms: 1,
            legend: { show: false },
            cursor: { show: false },
            padding: [box.top, 1600 - box.left - box.width, 0, box.left - 48],
            axes: [{ size: 360 - box.top - box.height }, { size: 48 }],
            scales: { y: { auto: false, range: [0, topValue] } },
            // Our line's colour, so that one test finds the line's pixels on every canvas.
            series: [{}, { stroke: '#5794f2', width: 1 }],
            hooks: { draw: [() => painted++] },
          },
          [time, value],
          host
        );
        const ours = { redraw: [], data: [], issued: [], handed: [] };
        const theirs = { redraw: [], data: [] };
        // plotters on its canvas backend, handed every point, and handed min/max per column.
        const contenders = (withPlotters ? [true, false] : []).map((everyPoint) => {
          const pc = canvas(1600, 360);
          pc.width = 1600;
          pc.height = 360;
          const strip = new window.bench.plotters.PlottersStrip(pc, everyPoint);
          strip.setPlot(box.left, box.top, box.width, box.height, topValue);
          strip.setData(time, value);
          return { strip, ctx: pc.getContext('2d'), redraw: [], data: [], issued: [] };
        });
        // uPlot's plot box as set, as laid out at its creation and after the timed runs.
        const checkBox = () => {
          const bbox = Object.fromEntries(
            ['left', 'top', 'width', 'height'].map((k) => [k, u.bbox[k] / uPlot.pxRatio])
          );
          if (
            uPlot.pxRatio !== 1 ||
            Math.abs(bbox.left - box.left) > 0.5 ||
            Math.abs(bbox.width - box.width) > 0.5 ||
            Math.abs(bbox.top + bbox.height - Math.round(plot.bottom)) > 0.5
          ) {
            throw new Error(
              `uPlot's plot box ${JSON.stringify(bbox)} (at ${uPlot.pxRatio} device px a px) is not ours ` +
                JSON.stringify({ ...plot, box })
            );
          }
        };
        checkBox();
        for (let i = 0; i < k + 3; i++) {
          // Alternated, so both see the same load.
          // A repaint of everything, as uPlot's redraw: setMode (a theme change) makes the
          // renderer paint its content again instead of copying it.
          let t0 = performance.now();
          r.setMode(true);
          r.draw();
          const issued = performance.now() - t0;
          ctx.getImageData(0, 0, 1, 1);
          const a = performance.now() - t0;
          t0 = performance.now();
          const before = painted;
          u.batch(() => u.redraw(true, false));
          u.ctx.getImageData(0, 0, 1, 1);
          const b = performance.now() - t0;
          if (painted !== before + 1) {
            throw new Error('uPlot did not draw within the batch');
          }
          t0 = performance.now();
          handOver(r);
          const handed = performance.now() - t0;
          r.draw();
          ctx.getImageData(0, 0, 1, 1);
          const cData = performance.now() - t0;
          t0 = performance.now();
          u.batch(() => u.setData([time, value]));
          u.ctx.getImageData(0, 0, 1, 1);
          const dData = performance.now() - t0;
          if (i >= 3) {
            ours.redraw.push(a);
            theirs.redraw.push(b);
            ours.data.push(cData);
            theirs.data.push(dData);
            ours.issued.push(issued);
            ours.handed.push(handed);
          }
          for (const p of contenders) {
            t0 = performance.now();
            p.strip.draw();
            const pIssued = performance.now() - t0;
            p.ctx.getImageData(0, 0, 1, 1);
            const e = performance.now() - t0;
            t0 = performance.now();
            p.strip.setData(time, value);
            p.strip.draw();
            p.ctx.getImageData(0, 0, 1, 1);
            const f = performance.now() - t0;
            if (i >= 3) {
              p.redraw.push(e);
              p.data.push(f);
              p.issued.push(pIssued);
            }
          }
        }
        // The geometry checked on what the last runs drew (after the timing, which a whole
        // canvas's read-back might slow): the line's pixels (#5794f2 and its anti-aliased
        // edges over the dark background) in our plot's columns, from 6 px above its highest
        // value to 0, span the same rows and columns on every canvas, within 3 px.
        const extent = (g) => {
          const img = g.getImageData(0, 0, 1600, 360).data;
          const e = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity, pixels: 0 };
          for (let y = Math.floor(plot.bottom - pxPerSecond * high) - 6; y < Math.round(plot.bottom); y++) {
            for (let x = box.left; x < box.left + box.width; x++) {
              const o = (y * 1600 + x) * 4;
              if (img[o + 2] - img[o] > 40 && img[o + 2] - img[o + 1] > 20) {
                e.left = Math.min(e.left, x);
                e.right = Math.max(e.right, x);
                e.top = Math.min(e.top, y);
                e.bottom = Math.max(e.bottom, y);
                e.pixels++;
              }
            }
          }
          return e;
        };
        checkBox();
        const extents = { ours: extent(ctx), uPlot: extent(u.ctx) };
        contenders.forEach((p, i) => (extents[i === 0 ? 'plotters every point' : 'plotters min/max'] = extent(p.ctx)));
        for (const [who, e] of Object.entries(extents)) {
          if (['left', 'right', 'top', 'bottom'].some((k) => !(Math.abs(e[k] - extents.ours[k]) <= 3))) {
            throw new Error(
              `the line's geometry differs: ${who} ${JSON.stringify(e)}, ours ${JSON.stringify(extents.ours)}`
            );
          }
        }
        u.destroy();
        r.free();
        contenders.forEach((p) => p.strip.free());
        return {
          ours,
          theirs,
          plotters: contenders.map(({ redraw, data, issued }) => ({ redraw, data, issued })),
          geometry: { pxPerSecond, plot, extents },
        };
      },
      { n, k: Math.max(runs * 3, 15), withPlotters }
    );
    const med = (v) => quantile(v, 0.5);
    console.log(
      `latency strip, ${n.toLocaleString('en')} points (${res.ours.redraw.length} each): ` +
        `repaint: ours ${stats(res.ours.redraw)}, uPlot ${stats(res.theirs.redraw)}, ratio ${(med(res.theirs.redraw) / med(res.ours.redraw)).toFixed(2)}; ` +
        `new data: ours ${stats(res.ours.data)} (the shell's hand-over ${stats(res.ours.handed)} of it), ` +
        `uPlot ${stats(res.theirs.data)}, ratio ${(med(res.theirs.data) / med(res.ours.data)).toFixed(2)} (uPlot / ours; at least 1)`
    );
    const g = res.geometry;
    console.log(
      `  the line on our plot (${g.plot.left} to ${g.plot.right} px, 0 at ${g.plot.bottom.toFixed(1)} px, ` +
        `${g.pxPerSecond.toFixed(1)} px/s), its pixels (rows, columns, count): ` +
        Object.entries(g.extents)
          .map(([who, e]) => `${who} ${e.top}-${e.bottom}, ${e.left}-${e.right}, ${e.pixels}`)
          .join('; ')
    );
    if (withPlotters) {
      const [every, columns] = res.plotters;
      const ratio = (p, how) => (med(p[how]) / med(res.ours[how])).toFixed(2);
      console.log(
        `  plotters' canvas backend, ${n.toLocaleString('en')} points: ` +
          `repaint: every point ${stats(every.redraw)}, min/max per column ${stats(columns.redraw)}, ` +
          `ratios ${ratio(every, 'redraw')} and ${ratio(columns, 'redraw')}; ` +
          `new data: every point ${stats(every.data)}, min/max per column ${stats(columns.data)}, ` +
          `ratios ${ratio(every, 'data')} and ${ratio(columns, 'data')} (plotters / ours); ` +
          `a repaint's calls issued (before the raster): ours ${stats(res.ours.issued)}, every point ` +
          `${stats(every.issued)}, min/max per column ${stats(columns.issued)}`
      );
    }
    if (withPlotters && n === 1_000) {
      // What was timed, to look at: ours, then plotters every point, then min/max per column.
      const artefacts = path.join(repo, 'test-artifacts', 'browser');
      fs.mkdirSync(artefacts, { recursive: true });
      await page.screenshot({ path: path.join(artefacts, 'panel-budgets-plotters.png'), fullPage: true });
    }
  }
  await context.close();
} finally {
  await h.stop();
}
