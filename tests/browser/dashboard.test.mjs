// The provisioned "MCP Ecosystem" dashboard as the harness draws it (view=dashboard): every
// panel of provisioning/dashboards/mcp-ecosystem-overview.json laid out by its gridPos, its
// targets run through the real plugin over the simulator, drawn with @grafana/ui's
// visualisations (the overview panel through its module.js); light and dark screenshots.
// It is the harness's rendering, not Grafana's (the page says so).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { poll, repo, useHarness } from './harness.mjs';

const DASHBOARD = JSON.parse(
  fs.readFileSync(path.join(repo, 'provisioning', 'dashboards', 'mcp-ecosystem-overview.json'), 'utf8')
);
const PANELS = DASHBOARD.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');

/** The panels as the page drew them: title -> {type, state, values, error}. */
async function drawn(page) {
  return page.$$eval('[data-testid="harness-dashboard-panel"]', (els) =>
    Object.fromEntries(
      els.map((e) => [
        e.dataset.title,
        { type: e.dataset.type, state: e.dataset.state, values: Number(e.dataset.values), error: e.dataset.error },
      ])
    )
  );
}

describe('the "MCP Ecosystem" dashboard drawn by the harness over the real plugin', () => {
  const ctx = useHarness();
  // The simulator's history starts with the server: the time range is that long, so the
  // lines fill the panels. For the README's picture (MCP_UPDATE_DOCS_IMG=1) two minutes of it.
  let started;
  before(async () => {
    started = Date.now();
    if (process.env.MCP_UPDATE_DOCS_IMG) {
      await new Promise((r) => setTimeout(r, 120000));
    }
  });
  const since = () => `now-${Math.ceil((Date.now() - started) / 1000) + 5}s`;

  for (const theme of ['light', 'dark']) {
    test(`${theme}: every panel draws the data the plugin answers`, async () => {
      const { h } = ctx;
      const open = () =>
        h.open({
          view: 'dashboard',
          uid: 'mcp',
          theme,
          extra: { dashboard: DASHBOARD.uid, from: since(), width: '1400' },
          width: 1480,
          height: 900,
        });
      // Rates need two scrapes: a panel drawn before them shows "No data"; open the page
      // again (as a dashboard refresh would run the queries again) until every panel has data.
      let page;
      let shown;
      await poll(
        'every panel drawn with data',
        async () => {
          await page?.context().close();
          page = await open();
          shown = await poll(
            'every panel answered',
            async () => {
              const d = await drawn(page);
              return Object.values(d).every((p) => p.state !== 'Loading') && d;
            },
            30000
          );
          const missing = PANELS.filter((p) => !(shown[p.title]?.values > 0));
          if (missing.length > 0) {
            throw new Error(
              `no data in ${missing.map((p) => `${p.title} ${JSON.stringify(shown[p.title])}`).join(', ')}`
            );
          }
          return true;
        },
        90000,
        1000
      );

      assert.deepEqual(
        Object.keys(shown).sort(),
        PANELS.map((p) => p.title).sort(),
        'one drawn panel per panel of the dashboard'
      );
      for (const p of PANELS) {
        const got = shown[p.title];
        assert.equal(got.type, p.type, `${p.title}: drawn as its type`);
        assert.equal(got.state, 'Done', `${p.title}: no error (${got.error})`);
        assert.ok(got.values > 0, `${p.title}: data drawn`);
      }
      assert.equal(await page.getByText('No data').count(), 0);
      assert.equal(await page.getByTestId('harness-dashboard-panel-error').count(), 0, 'no visualisation failed');
      await page.locator('[data-testid="mcp-ecosystem-canvas"][data-ready="true"]').waitFor({ timeout: 30000 });
      assert.match(
        await page.getByTestId('harness-dashboard-note').innerText(),
        /rendering of this dashboard, not Grafana/
      );
      await h.screenshot(page, `dashboard-${theme}`);
      if (theme === 'dark' && process.env.MCP_UPDATE_DOCS_IMG) {
        await page.screenshot({ path: path.join(repo, 'docs', 'img', 'dashboard-dark.png'), fullPage: true });
      }
      assert.deepEqual(page.errors, [], 'no errors in the page');
    });
  }
});
