// A user builds queries in the query editor: picks a query type, chooses from lists the
// backend feeds, runs, and reads what the backend answered; picks a dashboard variable
// value and sees it reach the backend escaped; sees a backend error in the editor.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { api, grafanaSelector, poll, useHarness } from './harness.mjs';

const HOSTILE = 'evil"} or vector(1) or {x="';

/** Opens a Select (by the test id around it), types, and clicks the option shown. */
async function pick(page, testId, text) {
  const input = page.getByTestId(testId).locator('input').first();
  await input.click();
  await input.fill(text);
  await page
    .locator(await selectOption(page))
    .filter({ hasText: text })
    .first()
    .click();
  await page.keyboard.press('Escape');
}

/** One option of an open Select (Grafana 10.4 labels it, later releases give it a test id). */
const selectOption = (page) => grafanaSelector(page, 'components.Select.option');

/** The option texts a Select offers when opened. */
async function optionsOf(page, testId) {
  const option = await selectOption(page);
  await page.getByTestId(testId).locator('input').first().click();
  await page.locator(option).first().waitFor();
  const texts = await page.locator(option).allInnerTexts();
  await page.keyboard.press('Escape');
  return texts.map((t) => t.trim());
}

async function runAndWait(page) {
  await page.getByTestId('harness-run').click();
  await poll('the query answered', async () => {
    const state = await page.getByTestId('harness-result').getAttribute('data-state');
    return state === 'Done' || state === 'Error';
  });
}

describe('query editor', () => {
  const ctx = useHarness();

  test('toolHealth: choose a tool from the resource-fed list, run, see the rows the backend answered', async () => {
    const { h, sel } = ctx;
    const { server } = h;
    const errors = [];
    for (const theme of ['light', 'dark']) {
      const page = await h.open({ view: 'query', uid: 'mcp', theme });
      await page.getByTestId(sel.query.editor).waitFor();
      await pick(page, sel.query.queryType, 'Tool health');

      const to = Date.now();
      const listed = (await api(server, `/api/datasources/uid/mcp/resources/tools?from=${to - 3600e3}&to=${to}`)).body;
      assert.ok(listed.length > 1, `the backend lists tools: ${JSON.stringify(listed)}`);
      const offered = await optionsOf(page, sel.query.filter('tools'));
      for (const tool of listed) {
        assert.ok(offered.includes(tool), `the tools list offers ${tool} (offers ${offered.join(', ')})`);
      }
      const tool = listed[0];
      await pick(page, sel.query.filter('tools'), tool);

      await api(server, '/harness/api/queries', { method: 'DELETE' });
      await runAndWait(page);
      // The editor also runs the query when a filter changes; that run may land after the
      // clear above, so every recorded query is judged, not their number.
      const sent = (await api(server, '/harness/api/queries')).body;
      assert.ok(sent.length >= 1, 'Run sent the query');
      for (const q of sent) {
        assert.equal(q.queryType, 'toolHealth');
        assert.deepEqual(q.tools, [tool]);
      }

      // The same query straight to the API: the page shows the rows the backend answered.
      // Right after the harness starts, the tool's first samples can land between the
      // page's run and this one: once the backend answers rows, the page runs again.
      const direct = async () =>
        (
          await api(server, '/api/ds/query', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ from: 'now-15m', to: 'now', queries: [sent[0]] }),
          })
        ).body.results.A.frames[0].data.values[0].length;
      const rows = await poll('the backend answers rows for the tool', direct);
      await runAndWait(page);
      const shown = page.getByTestId('harness-frame').first().locator('tbody tr');
      assert.equal(await shown.count(), rows, 'one row in the page per row of the answer');
      for (const text of await shown.allInnerTexts()) {
        assert.ok(text.includes(tool), `every row is the chosen tool's: ${text}`);
      }
      await h.screenshot(page, `query-editor-${theme}`);
      errors.push(...page.errors);
    }
    assert.deepEqual(errors, [], 'no errors in the pages');
  });

  test('a variable value the user picks reaches the backend escaped', async () => {
    const { h, sel } = ctx;
    const { server } = h;
    const page = await h.open({ view: 'query', uid: 'mcp', extra: { 'var-service': `mahavishnu,${HOSTILE}` } });
    await page.getByTestId(sel.query.editor).waitFor();
    await pick(page, sel.query.queryType, 'Request rate');
    await pick(page, sel.query.filter('services'), '$service');

    await api(server, '/harness/api/queries', { method: 'DELETE' });
    await page.locator('#harness-var-service').click();
    await page
      .locator(await selectOption(page))
      .filter({ hasText: 'evil' })
      .click();
    await poll('the query with the picked value sent to /api/ds/query', async () => {
      const sent = (await api(server, '/harness/api/queries')).body;
      return sent.some((q) => JSON.stringify(q.services) === JSON.stringify([HOSTILE]));
    });
    // The preview asks the backend when opened, with the variable's value at that moment.
    await openPreview(page, sel);
    const preview = page.getByTestId(sel.query.preview);
    await poll('the PromQL preview with the picked value', async () => (await preview.innerText()).includes('evil'));
    const promql = await preview.innerText();
    assert.ok(promql.includes('evil\\"}'), `the value is escaped in the PromQL: ${promql}`);
    assert.ok(!promql.includes('evil"}'), `the raw value never reaches the PromQL: ${promql}`);
  });

  test('a backend error is shown in the editor', async () => {
    const { h, sel } = ctx;
    const { server } = h;
    // The editor lets a variable through (its value is known only when the query runs);
    // the backend refuses the value the variable holds.
    const page = await h.open({ view: 'query', uid: 'mcp', extra: { 'var-window': 'banana' } });
    await page.getByTestId(sel.query.editor).waitFor();
    await pick(page, sel.query.queryType, 'Request rate');
    const rateWindow = page.getByTestId(sel.query.rateWindow);
    await rateWindow.fill('$window');
    await rateWindow.blur();
    await openPreview(page, sel);
    const shown = page.getByTestId(sel.query.previewError);
    await shown.waitFor({ timeout: 30000 });
    const text = await shown.innerText();

    const to = Date.now();
    const answer = await api(server, '/api/datasources/uid/mcp/resources/promql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        query: { refId: 'A', queryType: 'requestRate', rateWindow: 'banana' },
        from: to - 900e3,
        to,
        intervalMs: 1000,
        maxDataPoints: 300,
      }),
    });
    assert.equal(answer.status, 400, `the backend refuses the window: ${JSON.stringify(answer.body)}`);
    assert.ok(text.includes(answer.body.error), `the editor shows the backend's words "${answer.body.error}": ${text}`);
    assert.match(text, /banana/, 'the error names the value');
  });
});

/** Opens the editor's PromQL preview (a collapsed section). */
async function openPreview(page, sel) {
  await page.getByTestId(sel.query.preview).getByText('PromQL preview').click();
}
