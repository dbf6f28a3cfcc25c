// The frontend's budgets, measured in the harness (a benchmark, not a test; figures go to
// docs/PERFORMANCE.md):
//   - module.js (and its chunks) gzip size, Grafana's externals left out by the build;
//   - the query editor mounted and interactive after module load;
//   - the resource-fed lists: what a user waits for, from opening the tools multi-select to
//     its options in the page, against the backend's own time for that list's request
//     (Server-Timing from the Go server, the same request, the same run); beside it the
//     query type picker (static options) opened the same way, and a list not asked for yet
//     (the datasource's round trip against the same resource fetched bare by the page).
//
//   node tests/browser/budgets.mjs [runs]        (after the frontend and page builds)
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';

import { editorSelectors, poll, repo, startHarness } from './harness.mjs';

const runs = Number(process.argv[2] ?? 10);
const pluginDir = path.join(process.env.MCP_DIST ?? path.join(repo, 'dist'), 'mahavishnu-mcp-datasource');

function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const fmt = (v) => v.toFixed(1);

// @grafana/ui 10.4 labels each Select option "Select option" (e2e-selectors components.Select.option).
const SELECT_OPTION = '[aria-label="Select option"]';
/** An option of the query type picker. */
const QUERY_TYPE_LABEL = 'Tool health';
/** An option of the tools list: any option (the page has no template variables). */
const LIST_OPTION = '';

/** The plugin's time in CallResource for a request the page logged (Server-Timing). */
function pluginMs(entry) {
  return Number(/dur=([0-9.]+)/.exec(entry.serverTiming ?? '')?.[1]);
}

/**
 * What a user waits for when opening a Select: from the mousedown on it (the event's own
 * time stamp) to the DOM holding an option with `text`. The browser paints that DOM at its
 * next frame, whatever the options are.
 */
async function timeOpening(page, testId, text) {
  const control = page.getByTestId(testId);
  await control.evaluate((root, text) => {
    const t = { start: undefined, shown: undefined };
    window.opening = t;
    root.addEventListener('mousedown', (e) => (t.start ??= e.timeStamp), { capture: true, once: true });
    const shown = () =>
      [...document.querySelectorAll('[aria-label="Select option"]')].some((o) => o.textContent.includes(text));
    const observer = new MutationObserver(() => {
      if (t.start !== undefined && shown()) {
        t.shown = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  }, text);
  await control.locator('input').first().click();
  await page.waitForFunction(() => window.opening.shown !== undefined, null, { timeout: 30000 });
  const t = await page.evaluate(() => window.opening);
  return t.shown - t.start;
}

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

  const sel = await editorSelectors();
  const listRuns = Math.max(runs, 20);
  const opened = { list: [], again: [], picker: [], plugin: [], prefetch: [] };
  for (let i = 0; i < listRuns; i++) {
    const page = await h.open({ view: 'query', uid: 'mcp' });
    await page.getByTestId(sel.query.editor).waitFor();
    // The query type picker: a Select of static options, what opening any Select costs.
    opened.picker.push(await timeOpening(page, sel.query.queryType, QUERY_TYPE_LABEL));
    await page.locator(SELECT_OPTION).filter({ hasText: 'Tool health' }).first().click();
    // The tools filter is shown and asks for its list; a user moves to it after that.
    const asked = await poll('the tools list asked for when its filter is shown', () =>
      page.evaluate(() => window.harness.requests.find((r) => /\/resources\/tools\?/.test(r.url)))
    );
    // Its answer reaches the select within a frame or two of arriving.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    opened.list.push(await timeOpening(page, sel.query.filter('tools'), LIST_OPTION));
    // The same select closed and opened again: the same options, the Select's own cost.
    await page.keyboard.press('Escape');
    await page.getByTestId(sel.query.queryTypeDescription).click();
    opened.again.push(await timeOpening(page, sel.query.filter('tools'), LIST_OPTION));
    opened.plugin.push(pluginMs(asked));
    opened.prefetch.push(asked.ms);
    assert.equal(
      await page.evaluate(() => window.harness.requests.filter((r) => /\/resources\/tools\?/.test(r.url)).length),
      1,
      'opening the list asks the backend nothing more'
    );
    await page.context().close();
  }

  // A list nobody asked for yet (opened at once after the range moved), a new range each
  // time so that no cache answers. Three ways to the same resource for the same range, taken
  // in turn (each goes first a third of the time): fetched bare by the page (`fetch` and
  // `json()`: the backend's resource time as any page sees it), through
  // DataSourceWithBackend.getResource (Grafana's BackendSrv, what every datasource's
  // resource call costs), and the datasource's listValues (its key and cache on top).
  const page = await h.open({ view: 'query', uid: 'mcp' });
  const cold = await page.evaluate(async (n) => {
    const ds = await window.harness.datasource('mcp');
    const minute = 60e3;
    const to = Math.floor(Date.now() / minute) * minute;
    const logged = async (call) => {
      const before = window.harness.requests.length;
      const t0 = performance.now();
      await call();
      return { ms: performance.now() - t0, serverTiming: window.harness.requests[before].serverTiming };
    };
    const ways = {
      bare: async (range) => {
        const url = `/api/datasources/uid/mcp/resources/tools?from=${+range.from}&to=${+range.to}`;
        const t0 = performance.now();
        await (await fetch(url, { cache: 'no-store' })).json();
        return { ms: performance.now() - t0 };
      },
      getResource: (range) => logged(() => ds.getResource('tools', { from: +range.from, to: +range.to })),
      listValues: (range) =>
        logged(() =>
          ds.listValues('tools', { from: { valueOf: () => +range.from }, to: { valueOf: () => +range.to } })
        ),
    };
    const order = Object.keys(ways);
    const out = [];
    for (let i = 0; i < n; i++) {
      const range = { from: new Date(to - (i + 61) * minute), to: new Date(to - i * minute) };
      const taken = {};
      for (let j = 0; j < order.length; j++) {
        const way = order[(i + j) % order.length];
        taken[way] = await ways[way](range);
      }
      out.push(taken);
    }
    return out;
  }, listRuns);
  // The same page's fetch of a small static file: what any request costs here.
  const baseline = await page.evaluate(async (n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await (await fetch('/public/plugins/mahavishnu-mcp-datasource/plugin.json', { cache: 'no-store' })).json();
      out.push(performance.now() - t0);
    }
    return out;
  }, listRuns);

  // The datasource's own work on a call (range, services, key, cache) without a request:
  // a list it keeps, asked for many times.
  const ownUs = await page.evaluate(async (n) => {
    const ds = await window.harness.datasource('mcp');
    const now = Date.now();
    const range = { from: { valueOf: () => now - 3600e3 }, to: { valueOf: () => now } };
    await ds.listValues('tools', range);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await ds.listValues('tools', range);
    }
    return ((performance.now() - t0) / n) * 1000;
  }, 20000);

  const med = (v) => fmt(quantile(v, 0.5));
  const ratios = opened.list.map((ms, i) => ms / opened.plugin[i]);
  console.log(
    `tools list, opened after the editor asked for it (${listRuns} page loads): open to options shown median ` +
      `${med(opened.list)} ms, p90 ${fmt(quantile(opened.list, 0.9))} ms; the backend's resource time for that list ` +
      `median ${med(opened.plugin)} ms; ratio median ${quantile(ratios, 0.5).toFixed(2)}, p90 ${quantile(ratios, 0.9).toFixed(2)} (budget 1.2)`
  );
  console.log(
    `  beside it, open to options shown: the same select opened again median ${med(opened.again)} ms, ` +
      `the query type picker (static options) median ${med(opened.picker)} ms; ` +
      `the list's request, as the page saw it when the filter was shown, median ${med(opened.prefetch)} ms`
  );
  const way = (name) => cold.map((c) => c[name].ms);
  const ratio = (a, b) => cold.map((c) => c[a].ms / c[b].ms);
  const q = (v, at) => quantile(v, at).toFixed(2);
  const overBare = ratio('listValues', 'bare');
  const overPlugin = cold.map((c) => c.listValues.ms / pluginMs(c.listValues));
  console.log(
    `tools list not asked for yet (${cold.length} ranges, three ways taken in turn): fetched bare by the page ` +
      `median ${med(way('bare'))} ms (the backend's resource time as the page sees it); through getResource ` +
      `median ${med(way('getResource'))} ms; the datasource's listValues median ${med(way('listValues'))} ms, ` +
      `ratio to bare median ${q(overBare, 0.5)}, p90 ${q(overBare, 0.9)} (budget 1.2), to getResource median ` +
      `${q(ratio('listValues', 'getResource'), 0.5)}; the plugin's CallResource median ` +
      `${med(cold.map((c) => pluginMs(c.listValues)))} ms, listValues ratio to it median ${q(overPlugin, 0.5)}; ` +
      `static file fetched by the page: median ${med(baseline)} ms; the datasource's own work on a call ` +
      `(a kept list, 20000 calls) ${ownUs.toFixed(1)} µs`
  );
} finally {
  await h.stop();
}
