// The harness itself: the plugin's module.js loads as Grafana loads it and both editors
// mount in the light and the dark theme, with Grafana's font.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { useHarness } from './harness.mjs';

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
          return {
            inter: document.fonts.check('14px Inter'),
            background: getComputedStyle(document.body).backgroundColor,
          };
        });
        assert.ok(look.inter, 'Inter is loaded, as Grafana serves it');
        // Grafana's backgrounds: light #F4F5F5, dark #111217.
        assert.equal(look.background, theme === 'dark' ? 'rgb(17, 18, 23)' : 'rgb(244, 245, 245)');
        assert.deepEqual(page.errors, [], 'no errors in the page');
      }
      await h.screenshot(config, `smoke-config-${theme}`);
      await h.screenshot(query, `smoke-query-${theme}`);
    });
  }
});
