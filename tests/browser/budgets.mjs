// The frontend's budgets, measured in the harness (a benchmark, not a test; figures go to
// docs/PERFORMANCE.md):
//   - module.js (and its chunks) gzip size, Grafana's externals left out by the build;
//   - the query editor mounted and interactive after module load;
//   - the resource-fed lists as the page sees them against the plugin's own resource time.
//
//   node tests/browser/budgets.mjs [runs]        (after the frontend and page builds)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { repo, startHarness } from './harness.mjs';

const runs = Number(process.argv[2] ?? 10);
const pluginDir = path.join(process.env.MCP_DIST ?? path.join(repo, 'dist'), 'mahavishnu-mcp-datasource');

function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const fmt = (v) => v.toFixed(1);

const files = fs.readdirSync(pluginDir).filter((f) => f.endsWith('.js'));
let raw = 0;
let gzip = 0;
for (const f of files) {
  const b = fs.readFileSync(path.join(pluginDir, f));
  raw += b.length;
  gzip += zlib.gzipSync(b, { level: 9 }).length;
}
console.log(
  `module: ${files.join(', ')}: ${(raw / 1024).toFixed(1)} KiB, gzip ${(gzip / 1024).toFixed(1)} KiB (budget 150 KB)`
);

const h = await startHarness();
try {
  const mounted = [];
  const interactive = [];
  for (let i = 0; i < runs; i++) {
    const page = await h.open({ view: 'query', uid: 'mcp' });
    await page.waitForFunction(() => window.harness.timings.editorInteractive !== undefined, null, { timeout: 30000 });
    const t = await page.evaluate(() => window.harness.timings);
    mounted.push(t.editorMounted - t.moduleLoaded);
    interactive.push(t.editorInteractive - t.moduleLoaded);
    await page.context().close();
  }
  console.log(
    `query editor after module load (${runs} loads): mounted median ${fmt(quantile(mounted, 0.5))} ms, ` +
      `interactive median ${fmt(quantile(interactive, 0.5))} ms, p90 ${fmt(quantile(interactive, 0.9))} ms (budget 100 ms)`
  );

  const page = await h.open({ view: 'query', uid: 'mcp' });
  const lists = await page.evaluate(
    async (n) => {
      const ds = await window.harness.datasource('mcp');
      const to = Date.now();
      const out = [];
      for (let i = 0; i < n; i++) {
        const before = window.harness.requests.length;
        await ds.getResource('tools', { from: String(to - 3600e3), to: String(to) });
        const entry = window.harness.requests[before];
        const server = Number(/dur=([0-9.]+)/.exec(entry.serverTiming ?? '')?.[1]);
        const timing = performance
          .getEntriesByType('resource')
          .filter((e) => e.name.endsWith(entry.url))
          .pop();
        out.push({
          page: entry.ms,
          plugin: server,
          wait: timing ? timing.responseStart - timing.requestStart : NaN,
          network: timing ? timing.responseEnd - timing.startTime : NaN,
        });
      }
      return out;
    },
    Math.max(runs, 20)
  );
  // The same page's fetch of a small static file: what any request costs here.
  const baseline = await page.evaluate(
    async (n) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await (await fetch('/public/plugins/mahavishnu-mcp-datasource/plugin.json', { cache: 'no-store' })).json();
        out.push(performance.now() - t0);
      }
      return out;
    },
    Math.max(runs, 20)
  );
  console.log(`static file fetched by the page: median ${fmt(quantile(baseline, 0.5))} ms`);
  const ratios = lists.map((l) => l.page / l.plugin);
  console.log(
    `tools list (${lists.length} calls): page median ${fmt(
      quantile(
        lists.map((l) => l.page),
        0.5
      )
    )} ms, ` +
      `network (fetch start to response end) median ${fmt(
        quantile(
          lists.map((l) => l.network),
          0.5
        )
      )} ms, ` +
      `time to first byte median ${fmt(
        quantile(
          lists.map((l) => l.wait),
          0.5
        )
      )} ms, ` +
      `plugin median ${fmt(
        quantile(
          lists.map((l) => l.plugin),
          0.5
        )
      )} ms, ratio median ${quantile(ratios, 0.5).toFixed(2)}, ` +
      `p90 ${quantile(ratios, 0.9).toFixed(2)} (budget 1.2)`
  );
} finally {
  await h.stop();
}
