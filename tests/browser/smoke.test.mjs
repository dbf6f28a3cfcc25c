// The harness itself: the plugin's module.js loads as Grafana loads it and both editors
// mount in the light and the dark theme, with Grafana's font.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { api, frontendRequire, useHarness } from './harness.mjs';

const semver = frontendRequire('semver');

describe('harness page', () => {
  const ctx = useHarness();

  for (const theme of ['light', 'dark']) {
    test(`config page and query editor mount in the ${theme} theme`, async () => {
      const { h } = ctx;
      const config = await h.open({ view: 'config', uid: 'mcp', theme });
      await config.getByTestId('harness-config-page').waitFor();
      const query = await h.open({ view: 'query', uid: 'mcp', theme });
      await query.getByTestId('harness-query-editor').waitFor();
      for (const page of [config, query]) {
        const look = await page.evaluate(async () => {
          await document.fonts.ready;
          // The canvas colour of the Grafana release the page is built with, as a computed colour.
          const probe = document.createElement('div');
          probe.style.color = window.harness.theme.colors.background.canvas;
          document.body.appendChild(probe);
          const canvas = getComputedStyle(probe).color;
          probe.remove();
          return {
            inter: document.fonts.check('14px Inter'),
            background: getComputedStyle(document.body).backgroundColor,
            mode: window.harness.theme.colors.mode,
            canvas,
          };
        });
        assert.ok(look.inter, 'Inter is loaded, as Grafana serves it');
        assert.equal(look.mode, theme);
        // Grafana's canvas (10.4: light #F4F5F5, dark #111217) behind the page.
        assert.equal(look.background, look.canvas);
        assert.notEqual(look.background, 'rgba(0, 0, 0, 0)');
        assert.deepEqual(page.errors, [], 'no errors in the page');
      }
      await h.screenshot(config, `smoke-config-${theme}`);
      await h.screenshot(query, `smoke-query-${theme}`);
    });
  }

  // plugin.json's grafanaDependency states the Grafana releases the harness runs against.
  test("the Grafana release under test is inside both plugins' grafanaDependency", async () => {
    const page = await ctx.h.open({ view: 'query', uid: 'mcp' });
    const version = await page.evaluate(() => window.grafanaBootData.settings.buildInfo.version);
    for (const id of ['mahavishnu-mcp-datasource', 'mahavishnu-mcpecosystem-panel']) {
      const range = (await api(ctx.h.server, `/public/plugins/${id}/plugin.json`)).body.dependencies.grafanaDependency;
      assert.ok(semver.satisfies(version, range), `Grafana ${version} is outside ${id}'s grafanaDependency ${range}`);
    }
  });
});
