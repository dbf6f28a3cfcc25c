// A user configures the datasource: fills the config page, saves and tests, and reads the
// ecosystem check; the page answers with what the backend found.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { api, setScenario, useHarness } from './harness.mjs';

// Grafana's own test ids for the datasource settings page (@grafana/e2e-selectors).
const SAVE_AND_TEST = 'data-testid Data source settings page Save and Test button';
const TEST_RESULT = 'data-testid Data source settings page Alert';

describe('config page', () => {
  const ctx = useHarness();

  test('fill, save & test, and the ecosystem check lists a down job and a missing family', async () => {
    const { h, sel } = ctx;
    const { server } = h;
    await setScenario(server, 'service-down', { akosha: 'down', mahavishnu: 'up' });
    try {
      const page = await h.open({ view: 'config', uid: 'mcp-new', theme: 'light' });
      // Before a URL is saved, the ecosystem check can only fail; the page says so.
      await page.getByTestId(sel.config.ecosystemCheck.section).getByText('could not run').waitFor();
      assert.ok(
        page.errors.every((e) => e.includes('/resources/ecosystemCheck')),
        page.errors.join('\n')
      );
      page.errors.length = 0;
      await page.getByTestId(sel.config.url).fill(server.prometheus);
      await page.getByTestId(sel.config.scrapeInterval).fill('1s');
      await page.getByTestId(SAVE_AND_TEST).click();
      const result = page.getByTestId(TEST_RESULT);
      await result.waitFor({ timeout: 30000 });
      const resultText = await result.innerText();
      assert.match(resultText, /akosha/, 'the health message names the down job');
      assert.equal(
        await result.getAttribute('class').then((c) => /error/i.test(c ?? '')),
        false,
        'health is OK despite a down job'
      );

      const saved = (await api(server, '/api/datasources/uid/mcp-new')).body;
      assert.equal(saved.url, server.prometheus, 'the URL typed was saved');
      assert.equal(saved.jsonData.timeInterval, '1s', 'the scrape interval typed was saved');

      await page.getByTestId(sel.config.ecosystemCheck.run).click();
      await page.getByTestId(sel.config.ecosystemCheck.summary).waitFor({ timeout: 30000 });
      const check = (await api(server, '/api/datasources/uid/mcp-new/resources/ecosystemCheck')).body;
      const down = check.jobs.find((j) => !j.up);
      const missing = check.jobs.find((j) => j.families.missing.length > 0);
      assert.equal(down?.job, 'akosha', 'the backend finds akosha down');
      assert.ok(missing, 'the backend finds a job missing a family');
      const downRow = await page.getByTestId(sel.config.ecosystemCheck.job(down.job)).innerText();
      assert.match(downRow, /down/, `the row of ${down.job} shows it down: ${downRow}`);
      const missingRow = await page.getByTestId(sel.config.ecosystemCheck.job(missing.job)).innerText();
      assert.ok(
        missingRow.includes(missing.families.missing[0]),
        `the row of ${missing.job} lists its missing ${missing.families.missing[0]}: ${missingRow}`
      );
      assert.deepEqual(page.errors, [], 'no errors in the page');
      await h.screenshot(page, 'config-light');

      const dark = await h.open({ view: 'config', uid: 'mcp-new', theme: 'dark' });
      await dark.getByTestId(sel.config.ecosystemCheck.summary).waitFor({ timeout: 30000 });
      await h.screenshot(dark, 'config-dark');
    } finally {
      await setScenario(server, 'healthy', { akosha: 'up' });
    }
  });
});
