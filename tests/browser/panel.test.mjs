// The overview panel (mahavishnu-mcpecosystem-panel) over the real datasource, Prometheus and
// simulator, with akosha down: screenshots in both themes, narrow, empty and in error; a
// resize; the down service's tile drawn in the theme's critical colour where the renderer's
// hit-testing puts it; its tooltip carries the backend's reasons.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { api, poll, repo, setScenario, useHarness } from './harness.mjs';

// The panel's test ids (frontend/src/panel/selectors.ts), as selectors.
const PANEL = Object.fromEntries(
  ['canvas', 'description', 'tooltip', 'panel', 'legend', 'announce', 'failure', 'notice', 'message'].map((id) => [
    id,
    `[data-testid="mcp-ecosystem-${id}"]`,
  ])
);

/**
 * The datasource's error in Grafana's error alert (its role, its e2e selector, a title), the
 * message its body and what to do under it, the alert inside the panel's width and scrolled
 * whole when taller than the panel.
 */
async function errorAlert(page) {
  const alert = page.locator(PANEL.panel).getByRole('alert', { name: 'The query failed' });
  assert.equal(await alert.count(), 1, 'an alert titled "The query failed"');
  assert.equal(
    await alert.locator('[data-testid="data-testid Alert error"]').count(),
    1,
    "Grafana's Alert, severity error"
  );
  assert.equal(await alert.locator(PANEL.message).count(), 1, 'the message is its body');
  const text = await alert.textContent();
  assert.match(text, /Fix the query in the panel's editor, or check the datasource with Save & test/, text);
  const panel = await page.locator(PANEL.panel).boundingBox();
  const box = await alert.boundingBox();
  assert.ok(
    box.x >= panel.x - 0.5 && box.x + box.width <= panel.x + panel.width + 0.5,
    `the alert ${JSON.stringify(box)} lies inside the panel's width ${JSON.stringify(panel)}`
  );
  // One scroll, the message box's: nothing inside the alert scrolls on its own.
  const inner = await alert.evaluate(
    (e) => [e, ...e.querySelectorAll('*')].filter((x) => x.scrollHeight > x.clientHeight + 1).length
  );
  assert.equal(inner, 0, 'no part of the alert scrolls on its own');
}

/** The columns of the backend's own ecosystemSummary answer: what the panel must show. */
async function summaryColumns(server) {
  const { status, body } = await api(server, '/api/ds/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      from: 'now-15m',
      to: 'now',
      queries: [
        {
          refId: 'A',
          datasource: { uid: 'mcp' },
          queryType: 'ecosystemSummary',
        },
      ],
    }),
  });
  assert.equal(status, 200, JSON.stringify(body));
  const frame = body.results.A.frames.find((f) => f.schema.name === 'ecosystemSummary');
  const names = frame.schema.fields.map((f) => f.name);
  return (n) => frame.data.values[names.indexOf(n)];
}

/** A service's row of the backend's own ecosystemSummary answer. */
async function summaryRow(server, service) {
  const col = await summaryColumns(server);
  const i = col('service').indexOf(service);
  return i < 0 ? undefined : { status: col('status')[i], reasons: col('reasons')[i] };
}

/**
 * Run in the page (`init`): every text drawn on the panel's own canvas, with where, in
 * `window.drawnTexts` (the rehearsal draws a small ecosystem on a canvas off the page).
 */
function recordDrawnTexts() {
  window.drawnTexts = [];
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    if (this.canvas.dataset.testid === 'mcp-ecosystem-canvas') {
      // Where it lands, in the canvas's CSS pixels, whatever the renderer's zoom.
      const at = this.getTransform().transformPoint({ x, y });
      const dpr = window.devicePixelRatio || 1;
      window.drawnTexts.push({ text: String(text), x: at.x / dpr, y: at.y / dpr });
    }
    return fillText.call(this, text, x, y, ...rest);
  };
}

/** The texts `recordDrawnTexts` saw drawn on the panel's canvas. */
const drawnTexts = async (page) => (await page.evaluate(() => window.drawnTexts)).map(({ text }) => text);

/**
 * Opens the panel and waits until the renderer has drawn the queries' answer; `tz` is the
 * dashboard's time zone, `timezoneId` the browser's.
 */
async function openPanel(
  h,
  { theme = 'light', width = 1000, height = 460, queries, options, tz, timezoneId, init, transparent, from } = {}
) {
  const extra = { width: String(width), height: String(height) };
  if (from) {
    extra.from = from;
  }
  if (transparent) {
    extra.transparent = 'true';
  }
  if (queries) {
    extra.queries = JSON.stringify(queries);
  }
  if (options) {
    extra.options = JSON.stringify(options);
  }
  if (tz) {
    extra.tz = tz;
  }
  const page = await h.open({
    view: 'panel',
    uid: 'mcp',
    theme,
    extra,
    width: width + 80,
    height: height + 80,
    timezoneId,
    init,
  });
  await page.waitForSelector(`${PANEL.canvas}[data-ready="true"]`, {
    timeout: 30000,
  });
  await poll(
    'the panel describes what it drew, or says why it drew nothing',
    async () =>
      (await page.textContent(PANEL.description))?.trim() ||
      (
        await page
          .locator(PANEL.message)
          .textContent({ timeout: 50 })
          .catch(() => '')
      )?.trim()
  );
  return page;
}

/**
 * The panel's message in place of the overview: the page's text, every line of it inside the
 * panel (a long word broken inside it), the canvas under it out of screen readers' way.
 */
async function panelMessage(page) {
  const message = page.locator(PANEL.message);
  const text = (await message.textContent())?.trim();
  const panel = await page.locator(PANEL.panel).boundingBox();
  // Each line box of the text, as the browser laid it out.
  const lines = await message.evaluate((e) => {
    const range = document.createRange();
    range.selectNodeContents(e);
    return [...range.getClientRects()].map((r) => ({ left: r.left, right: r.right }));
  });
  assert.ok(lines.length > 0, 'the message is laid out');
  for (const l of lines) {
    assert.ok(
      l.left >= panel.x - 0.5 && l.right <= panel.x + panel.width + 0.5,
      `a line of the message ${JSON.stringify(l)} lies inside the panel ${JSON.stringify(panel)}: ${text}`
    );
  }
  const canvas = page.locator(PANEL.canvas);
  assert.equal(await canvas.getAttribute('aria-hidden'), 'true', 'the canvas under the message is hidden');
  assert.equal(await canvas.getAttribute('tabindex'), '-1', 'and out of the tab order');
  assert.equal((await page.textContent(PANEL.description))?.trim(), '', 'the message is not said twice');
  // The text can be selected (and so copied).
  const selected = await message.evaluate((e) => {
    const selection = window.getSelection();
    selection.selectAllChildren(e);
    const text = selection.toString();
    selection.removeAllRanges();
    return text;
  });
  assert.equal(selected.trim(), text, 'the message can be selected');
  return { text, lines };
}

/** Hovers over the canvas, coarse to fine, until the tooltip names `service`; returns the point. */
async function findTile(page, service) {
  return hoverUntil(page, `a tile of ${service}`, (tip) => tip.startsWith(`${service}:`));
}

/** Hovers over the panel row by row, coarse then fine, until `accept(tip, x, y)` holds. */
async function hoverUntil(page, what, accept) {
  const box = await page.locator(PANEL.canvas).boundingBox();
  for (const step of [60, 20]) {
    for (let y = step / 2; y < box.height; y += step) {
      for (let x = step / 2; x < box.width; x += step) {
        await page.mouse.move(box.x + x, box.y + y);
        const tip = await page
          .locator(PANEL.tooltip)
          .textContent({ timeout: 50 })
          .catch(() => '');
        if (tip && accept(tip, x, y)) {
          return { x, y, tip };
        }
      }
    }
  }
  throw new Error(`no ${what} found by hovering over the panel`);
}

/**
 * Where the pointer's tooltip first matches `pattern` (a trace's: an exemplar dot), moved
 * over the canvas every 6 px from the bottom up in the page (a dot is too small for
 * `hoverUntil`'s steps); undefined when nowhere.
 */
async function exemplarUnderPointer(page, pattern) {
  return page.evaluate(
    async ({ canvasSel, tipSel, source }) => {
      const canvas = document.querySelector(canvasSel);
      const box = canvas.getBoundingClientRect();
      const want = new RegExp(source);
      for (let y = box.height - 4; y > 0; y -= 6) {
        for (let x = 4; x < box.width; x += 6) {
          const at = {
            clientX: box.left + x,
            clientY: box.top + y,
            bubbles: true,
          };
          canvas.dispatchEvent(new MouseEvent('mousemove', at));
          await new Promise((r) => setTimeout(r, 0));
          const tip = document.querySelector(tipSel)?.textContent ?? '';
          if (want.test(tip)) {
            return { x, y, tip };
          }
        }
      }
      return undefined;
    },
    { canvasSel: PANEL.canvas, tipSel: PANEL.tooltip, source: pattern.source }
  );
}

/** The canvas's pixels around (x, y) in CSS pixels, as [r, g, b] triples. */
async function pixelsAround(page, x, y, radius = 6) {
  return page.evaluate(
    ({ sel, x, y, radius }) => {
      const canvas = document.querySelector(sel);
      const dpr = canvas.width / canvas.clientWidth;
      const ctx = canvas.getContext('2d');
      const size = Math.round(2 * radius * dpr);
      const d = ctx.getImageData(Math.round((x - radius) * dpr), Math.round((y - radius) * dpr), size, size).data;
      const out = [];
      for (let i = 0; i < d.length; i += 4) {
        out.push([d[i], d[i + 1], d[i + 2]]);
      }
      return out;
    },
    { sel: PANEL.canvas, x, y, radius }
  );
}

/** The screen's pixel at (x, y) of the page, as [r, g, b]: what the page shows there. */
async function screenPixel(page, x, y) {
  const png = await page.screenshot({ clip: { x, y, width: 1, height: 1 } });
  return page.evaluate(async (data) => {
    const image = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
    const c = document.createElement('canvas');
    c.width = c.height = 1;
    const ctx = c.getContext('2d');
    ctx.drawImage(image, 0, 0);
    return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }, png.toString('base64'));
}

/** The canvas's pixels, for comparing one draw with another. */
const canvasPixels = (page) =>
  page.evaluate((sel) => {
    const c = document.querySelector(sel);
    return {
      w: c.width,
      dpr: c.width / c.clientWidth,
      data: [...c.getContext('2d').getImageData(0, 0, c.width, c.height).data],
    };
  }, PANEL.canvas);

/** The box, in CSS pixels, around every pixel that differs between two of `canvasPixels`. */
function changed(a, b) {
  let box;
  for (let i = 0; i < a.data.length; i += 4) {
    if (
      a.data[i] !== b.data[i] ||
      a.data[i + 1] !== b.data[i + 1] ||
      a.data[i + 2] !== b.data[i + 2] ||
      a.data[i + 3] !== b.data[i + 3]
    ) {
      const [x, y] = [((i / 4) % a.w) / a.dpr, Math.floor(i / 4 / a.w) / a.dpr];
      box = box
        ? {
            left: Math.min(box.left, x),
            right: Math.max(box.right, x),
            top: Math.min(box.top, y),
            bottom: Math.max(box.bottom, y),
          }
        : { left: x, right: x, top: y, bottom: y };
    }
  }
  return box;
}

const rgb = (hex) => {
  const h = hex.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
};

/** Hue in degrees: a tile is its status colour laid thinly over the panel's background. */
function hue([r, g, b]) {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === min) {
    return NaN;
  }
  const d = max - min;
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return h * 60;
}
const hueDistance = (a, b) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

/** The most frequent colour of `pixels`. */
function dominant(pixels) {
  const counts = new Map();
  for (const p of pixels) {
    const k = p.join(',');
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const [k] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return k.split(',').map(Number);
}

describe('the overview panel over the real plugin, akosha down', () => {
  const ctx = useHarness({ scenario: 'service-down' });
  // The time range from the simulator's start (its history is that long), so that the
  // latency lines fill the strip rather than its last minute or two of 15.
  const sinceStart = () => `now-${Math.ceil((Date.now() - ctx.started) / 1000) + 5}s`;

  before(async () => {
    ctx.started = Date.now();
    await setScenario(ctx.h.server, 'service-down', {
      akosha: 'down',
      mahavishnu: 'up',
    });
    await poll(
      'the backend judges akosha critical',
      async () => (await summaryRow(ctx.h.server, 'akosha'))?.status === 'critical',
      90000,
      1000
    );
  });

  for (const theme of ['light', 'dark']) {
    test(`${theme}: akosha's tile has the theme's critical colour where hit-testing finds it, and its tooltip the reasons`, async () => {
      const { h } = ctx;
      const page = await openPanel(h, { theme });
      const description = await page.textContent(PANEL.description);
      assert.match(description, /akosha/, `the text alternative names the down service: ${description}`);

      const row = await summaryRow(h.server, 'akosha');
      const { x, y, tip } = await findTile(page, 'akosha');
      assert.match(tip, /critical/, `the tooltip says akosha is critical: ${tip}`);
      for (const reason of row.reasons.split('; ').filter(Boolean)) {
        assert.ok(tip.includes(reason), `the tooltip carries the backend's reason "${reason}": ${tip}`);
      }
      await h.screenshot(page, `panel-hover-${theme}`);

      await page.mouse.move(0, 0);
      await poll(
        'the tooltip goes away with the pointer',
        async () => (await page.locator(PANEL.tooltip).count()) === 0
      );
      const [critical, ok, warn] = await page.evaluate(() =>
        ['red', 'green', 'orange'].map((c) => window.harness.theme.visualization.getColorByName(c))
      );
      const fill = dominant(await pixelsAround(page, x, y));
      const distances = Object.fromEntries(
        Object.entries({ critical, ok, warn }).map(([status, hex]) => [status, hueDistance(hue(fill), hue(rgb(hex)))])
      );
      const nearest = Object.entries(distances).sort((a, b) => a[1] - b[1])[0][0];
      assert.equal(
        nearest,
        'critical',
        `akosha's tile at (${x}, ${y}) is rgb(${fill}), nearest in hue to ${nearest}: ${JSON.stringify(distances)}`
      );
      assert.ok(distances.critical < 20, `the tile's hue is the critical colour's ${critical}: rgb(${fill})`);
      await h.screenshot(page, `panel-${theme}`);
      assert.deepEqual(page.errors, [], 'no page errors');
    });
  }

  test('keyboard: arrows move between services with their tooltip, Enter or Space opens the drill-down link with ${service} filled in', async () => {
    const { h } = ctx;
    for (const key of ['Enter', 'Space']) {
      const page = await openPanel(h, { options: { drilldownUrl: '/d/mcp-service?var-service=${service}' } });
      const canvas = page.locator(PANEL.canvas);
      // The text alternative is this canvas's own.
      const describedBy = await canvas.getAttribute('aria-describedby');
      assert.equal(await page.locator(PANEL.description).getAttribute('id'), describedBy);
      await canvas.focus();
      await page.keyboard.press('ArrowRight');
      const announced = await poll('the focused service is announced', async () =>
        (await page.locator(PANEL.announce).textContent())?.trim()
      );
      assert.match(announced, /^akosha: critical/, `worst first, akosha is focused first: ${announced}`);
      // The tooltip shows it too, under akosha's tile (the first, at the top left).
      const tip = page.locator(PANEL.tooltip);
      await poll('the focused service has its tooltip', async () => (await tip.textContent())?.startsWith('akosha'));
      const [tipBox, canvasBox] = [await tip.boundingBox(), await canvas.boundingBox()];
      // Under the first tile (its top 32 px down, 104 px tall), in the canvas's left half.
      assert.ok(
        tipBox.x < canvasBox.x + canvasBox.width / 2 && tipBox.y >= canvasBox.y + 32 + 104,
        `the tooltip hangs under the first tile: ${JSON.stringify({ tipBox, canvasBox })}`
      );
      // A page long enough to scroll, which Space would.
      await page.evaluate(() => (document.body.style.minHeight = '4000px'));
      const scrolled = await page.evaluate(() => window.scrollY);
      await page.keyboard.press(key);
      await poll(`${key} follows the drill-down link`, async () => new URL(page.url()).pathname === '/d/mcp-service');
      assert.equal(new URL(page.url()).searchParams.get('var-service'), 'akosha');
      assert.equal(await page.evaluate(() => window.scrollY), scrolled, `${key} does not scroll the page`);
      await page.context().close();
    }
  });

  test('a Ctrl-click or a middle click on a tile opens its drill-down link in a new tab, the panel staying; a click in place', async () => {
    const { h } = ctx;
    const page = await openPanel(h, { options: { drilldownUrl: '/d/mcp-service?var-service=${service}' } });
    const { x, y } = await findTile(page, 'akosha');
    const box = await page.locator(PANEL.canvas).boundingBox();
    const at = [box.x + x, box.y + y];
    const where = page.url();
    for (const [how, click] of [
      [
        'Ctrl',
        async () => {
          await page.keyboard.down('Control');
          await page.mouse.click(...at);
          await page.keyboard.up('Control');
        },
      ],
      ['the middle button', () => page.mouse.click(...at, { button: 'middle' })],
    ]) {
      const [opened] = await Promise.all([page.context().waitForEvent('page', { timeout: 10000 }), click()]);
      await opened.waitForURL(/\/d\/mcp-service/);
      const url = new URL(opened.url());
      assert.equal(url.pathname, '/d/mcp-service', `${how} opens the drill-down link: ${opened.url()}`);
      assert.equal(url.searchParams.get('var-service'), 'akosha');
      assert.equal(page.url(), where, `with ${how} the panel's page stays where it was`);
      await opened.close();
    }
    // A plain click follows the link in place, and opens no page.
    let pages = 0;
    page.context().on('page', () => pages++);
    await page.mouse.click(...at);
    await poll('a click follows the link in place', async () => new URL(page.url()).pathname === '/d/mcp-service');
    assert.equal(pages, 0, 'a plain click opens no page');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("keyboard focus: kept over a refresh, with its tooltip's new values; its outline goes with the panel's focus", async () => {
    const { h } = ctx;
    const page = await openPanel(h);
    const canvas = page.locator(PANEL.canvas);
    const announced = async () => (await page.locator(PANEL.announce).textContent())?.trim();
    const tip = () => page.locator(PANEL.tooltip).textContent({ timeout: 1000 });
    const hash = () =>
      page.evaluate((sel) => {
        const c = document.querySelector(sel);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let x = 0;
        for (let i = 0; i < d.length; i += 4) {
          x = (Math.imul(x, 31) + d[i] + (d[i + 1] << 8) + (d[i + 2] << 16)) | 0;
        }
        return x;
      }, PANEL.canvas);
    await page.mouse.move(0, 0);
    await canvas.focus();
    await page.keyboard.press('ArrowRight');
    await poll('the first service is focused', async () => (await announced())?.startsWith('akosha:'));
    await page.keyboard.press('ArrowRight');
    // Any service but the first (the order is the simulator's moment's).
    const second = await poll('focus moves on to the second service', async () => {
      const now = await announced();
      return now && !now.startsWith('akosha:') && now.slice(0, now.indexOf(':'));
    });
    const asked = await page.evaluate(() => window.harness.requests.length);
    await page.evaluate(() => window.harness.refresh());
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.ok((await page.evaluate(() => window.harness.requests.length)) > asked, 'the queries ran again');
    assert.ok((await tip())?.startsWith(`${second}:`), `after the refresh the tooltip is still ${second}'s`);
    // The renderer's focus, not only the tooltip: back and forth comes back to it.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    await poll(`focus is back on ${second}`, async () => (await announced())?.startsWith(`${second}:`));
    const focused = await hash();
    await page.evaluate(() => document.activeElement.blur());
    await poll('the tooltip goes with the focus', async () => !(await page.locator(PANEL.tooltip).isVisible()));
    await poll('the focus outline goes with the focus', async () => (await hash()) !== focused);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("the pointer's tooltip: kept over a refresh, for the same service, with the new values", async () => {
    const { h } = ctx;
    const page = await openPanel(h);
    // akosha, down, stays the first tile, worst first, whatever the simulator's moment.
    await findTile(page, 'akosha');
    const asked = await page.evaluate(() => window.harness.requests.length);
    // The refresh's new frames, handed to the panel and drawn.
    const drawn = await page.evaluate(async () => {
      const data = await window.harness.refresh();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return data.state;
    });
    assert.equal(drawn, 'Done');
    assert.ok((await page.evaluate(() => window.harness.requests.length)) > asked, 'the queries ran again');
    const tip = await page
      .locator(PANEL.tooltip)
      .textContent({ timeout: 1000 })
      .catch(() => '');
    assert.ok(tip.startsWith('akosha:'), `after the refresh the pointer's tooltip is still akosha's: "${tip}"`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("transparent: the page's background shows through the panel, and a hover's outline goes with the next", async () => {
    const { h } = ctx;
    const page = await openPanel(h, { theme: 'dark', transparent: true });
    const canvas = await page.locator(PANEL.canvas).boundingBox();
    const [pageColour, panel] = await page.evaluate(() => [
      getComputedStyle(document.body).backgroundColor,
      window.harness.theme.colors.background.primary,
    ]);
    const background = pageColour.match(/\d+/g).slice(0, 3).map(Number);
    assert.notDeepEqual(background, rgb(panel), "the page's background is not the panel's");
    // The header's right end, where nothing is drawn.
    const empty = await screenPixel(page, canvas.x + canvas.width - 3, canvas.y + 3);
    assert.deepEqual(empty, background, `the page's background rgb(${background}) shows through: rgb(${empty})`);

    // A hover's outline, then another's: the first goes, as over an opaque background.
    const before = await canvasPixels(page);
    const first = await findTile(page, 'akosha');
    const second = await findTile(page, 'mahavishnu');
    const box = changed(before, await canvasPixels(page));
    const inside = (p) => box && p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom;
    assert.ok(inside(second), `mahavishnu's tile is outlined: ${JSON.stringify(box)}`);
    assert.ok(
      !inside(first),
      `akosha's outline is gone: what changed ${JSON.stringify(box)} takes in ${JSON.stringify(first)}`
    );
    await page.mouse.move(0, 0);
    await poll(
      'the pointer gone, no outline remains',
      async () => changed(before, await canvasPixels(page)) === undefined
    );
    await h.screenshot(page, 'panel-transparent');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('a new devicePixelRatio redraws the canvas at it, every time', async () => {
    const { h } = ctx;
    // Headless chromium changes the ratio (CDP's emulation) but tells no media query of
    // it: the page's queries are recorded, and the one for the old ratio told.
    const page = await openPanel(h, {
      width: 600,
      height: 400,
      init: () => {
        window.mediaQueries = [];
        const matchMedia = window.matchMedia.bind(window);
        window.matchMedia = (query) => {
          const list = matchMedia(query);
          window.mediaQueries.push([query, list]);
          return list;
        };
      },
    });
    const cdp = await page.context().newCDPSession(page);
    const canvas = page.locator(PANEL.canvas);
    let old = 1;
    for (const ratio of [2, 3, 1.5]) {
      await cdp.send('Emulation.setDeviceMetricsOverride', {
        width: 680,
        height: 480,
        deviceScaleFactor: ratio,
        mobile: false,
      });
      await page.evaluate((was) => {
        for (const [query, list] of window.mediaQueries) {
          if (query === `(resolution: ${was}dppx)`) {
            list.dispatchEvent(new Event('change'));
          }
        }
      }, old);
      await poll(`the canvas is redrawn at ${ratio}x`, async () =>
        canvas.evaluate((c, r) => c.width === Math.round(600 * r), ratio)
      );
      old = ratio;
    }
    assert.deepEqual(page.errors, []);
  });

  test('narrow: the tiles reflow into a 360 px panel', async () => {
    const { h } = ctx;
    const page = await openPanel(h, { width: 360, height: 520 });
    const { tip } = await findTile(page, 'akosha');
    assert.match(tip, /critical/);
    // The thresholds legend wraps: every status band whole inside the panel, under the canvas.
    const box = (e) => {
      const r = e.getBoundingClientRect();
      return { text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const panel = await page.$eval(PANEL.panel, box);
    const canvas = await page.$eval(PANEL.canvas, box);
    const bands = await page.$$eval(`${PANEL.legend} span span`, (els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      })
    );
    assert.ok(bands.length >= 6, `the legend shows its bands: ${JSON.stringify(bands)}`);
    assert.ok(new Set(bands.map((b) => b.top)).size > 1, 'a 360 px legend takes more than one line');
    for (const b of bands) {
      assert.ok(
        b.left >= panel.left &&
          b.right <= panel.right + 0.5 &&
          b.top >= canvas.bottom - 0.5 &&
          b.bottom <= panel.bottom + 0.5,
        `legend band "${b.text}" at ${JSON.stringify(b)} lies inside the panel ${JSON.stringify(panel)}, under the canvas`
      );
    }
    await h.screenshot(page, 'panel-narrow');
    assert.deepEqual(page.errors, []);
  });

  test('short and narrow: in 360 x 200 px the legend scrolls in a third of the height, the canvas keeps the rest', async () => {
    const { h } = ctx;
    const page = await openPanel(h, { width: 360, height: 200 });
    const canvas = await page.locator(PANEL.canvas).boundingBox();
    const legend = page.locator(PANEL.legend);
    const box = await legend.boundingBox();
    assert.ok(canvas.height >= (200 * 2) / 3, `the canvas keeps two thirds of 200 px: ${JSON.stringify(canvas)}`);
    assert.ok(
      box.y >= canvas.y + canvas.height - 0.5 && box.y + box.height <= canvas.y + 200 + 0.5,
      `the legend ${JSON.stringify(box)} lies under the canvas ${JSON.stringify(canvas)}, inside the panel`
    );
    // Its bands wrap to more lines than its third shows: it scrolls to the last.
    const scroll = () => legend.evaluate((e) => ({ top: e.scrollTop, height: e.scrollHeight, shown: e.clientHeight }));
    const before = await scroll();
    assert.ok(before.height > before.shown, `the legend is taller than its box: ${JSON.stringify(before)}`);
    await legend.evaluate((e) => e.scrollTo(0, e.scrollHeight));
    assert.ok((await scroll()).top > 0, 'and scrolls');
    // The tiles are there to point at, not only the header.
    const { tip } = await findTile(page, 'akosha');
    assert.match(tip, /critical/);
    await h.screenshot(page, 'panel-short-narrow');
    assert.deepEqual(page.errors, []);
  });

  test("resized: the tiles reflow over the data they have; the keyboard's focus is kept, with its tooltip", async () => {
    const { h } = ctx;
    const page = await openPanel(h);
    const described = (await page.textContent(PANEL.description))?.trim();
    const asked = await page.evaluate(() => window.harness.requests.length);
    const announced = () => page.locator(PANEL.announce).textContent();
    await page.locator(PANEL.canvas).focus();
    await page.keyboard.press('ArrowRight');
    await poll('the first service is focused', async () => (await announced())?.startsWith('akosha:'));
    // Which service comes second depends on the simulator's moment (worst first): any but
    // the first.
    await page.keyboard.press('ArrowRight');
    const second = await poll('focus moves on to the second service', async () => {
      const now = (await announced())?.trim();
      return now && !now.startsWith('akosha:') && now.slice(0, now.indexOf(':'));
    });
    // The first row's third tile or later (which service that is depends on the simulator's
    // moment): in 360 px, at most two tiles a row, it moves down.
    const wide = await hoverUntil(
      page,
      'tile right of 700 px',
      (tip, x) => x > 700 && /^[^:]+: (ok|warn|critical)/.test(tip)
    );
    const service = wide.tip.slice(0, wide.tip.indexOf(':'));
    // The pointer leaves (over the canvas, its tooltip would be the one shown).
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.harness.resize(360, 520));
    await poll(
      'the canvas takes the new width',
      async () => (await page.locator(PANEL.canvas).boundingBox())?.width === 360
    );
    // With the pointer gone, the keyboard's tooltip comes back, where the focused tile now is.
    await poll(`the tooltip is the focused ${second}'s`, async () =>
      (
        await page
          .locator(PANEL.tooltip)
          .textContent({ timeout: 1000 })
          .catch(() => '')
      )?.startsWith(`${second}:`)
    );
    await page.keyboard.press('ArrowLeft');
    await poll('focus goes back from the second service to the first', async () =>
      (await announced())?.startsWith('akosha:')
    );
    const narrow = await findTile(page, service);
    assert.ok(
      narrow.x < 360 && narrow.y > wide.y,
      `in 360 px ${service}'s tile moves under the others: ${JSON.stringify(wide)} -> ${JSON.stringify(narrow)}`
    );
    assert.equal(narrow.tip, wide.tip, 'the same tooltip over the same data');
    assert.equal((await page.textContent(PANEL.description))?.trim(), described);
    assert.equal(await page.evaluate(() => window.harness.requests.length), asked, 'no query ran again');
    assert.deepEqual(page.errors, []);
  });

  test('empty: a query that matches no service says what to do', async () => {
    const { h } = ctx;
    const page = await openPanel(h, {
      queries: [
        {
          refId: 'A',
          queryType: 'ecosystemSummary',
          services: ['no-such-service'],
        },
      ],
    });
    const { text } = await panelMessage(page);
    assert.match(text, /The ecosystemSummary query matched no service\. Check its services filter/, text);
    await h.screenshot(page, 'panel-empty');
    assert.deepEqual(page.errors, []);
  });

  test('no queries: the panel says which query to add', async () => {
    const { h } = ctx;
    const page = await openPanel(h, { queries: [] });
    assert.equal(await page.evaluate(() => window.harness.requests.length), 0, 'nothing was asked');
    const { text } = await panelMessage(page);
    assert.match(text, /^No data\. Add an ecosystemSummary query of the MCP datasource to this panel\./, text);
    assert.equal(await page.locator(PANEL.panel).getByRole('alert').count(), 0, 'not an error');
    await h.screenshot(page, 'panel-no-queries');
    assert.deepEqual(page.errors, []);
  });

  test("error: the datasource's error is the panel's message, naming the query, in Grafana's error alert", async () => {
    const { h } = ctx;
    const page = await openPanel(h, {
      queries: [{ refId: 'A', queryType: 'ecosystemSummary', rateWindow: 'fortnight' }],
    });
    const { text } = await panelMessage(page);
    await errorAlert(page);
    assert.match(text, /^The datasource answered: query A \(ecosystemSummary\) failed: /, text);
    assert.match(text, /rateWindow/, `the backend's error names the field: ${text}`);
    assert.match(text, /fortnight/, `and the value: ${text}`);
    await h.screenshot(page, 'panel-error');
    assert.deepEqual(page.errors, []);
  });

  test('narrow error: a long unbroken word in the message breaks inside the 300 px panel', async () => {
    const { h } = ctx;
    const word = `https://prometheus.example.internal:9090/api/v1/${'query_range'.repeat(6)}`;
    const page = await openPanel(h, {
      width: 300,
      height: 260,
      queries: [{ refId: 'A', queryType: 'ecosystemSummary', rateWindow: word }],
    });
    const { text, lines } = await panelMessage(page);
    assert.ok(text.includes(word), `the value is whole in the text: ${text}`);
    assert.ok(lines.length >= 4, `the message takes several lines: ${JSON.stringify(lines)}`);
    await errorAlert(page);
    await h.screenshot(page, 'panel-error-narrow');
    assert.deepEqual(page.errors, []);
  });

  test('not a summary: frames of another query say which query to add', async () => {
    const { h } = ctx;
    const page = await openPanel(h, { queries: [{ refId: 'A', queryType: 'toolHealth' }] });
    const { text } = await panelMessage(page);
    assert.match(
      text,
      /^This frame \(toolHealth\) is not an ecosystemSummary answer\. Add a query of type ecosystemSummary/,
      text
    );
    await h.screenshot(page, 'panel-not-summary');
    assert.deepEqual(page.errors, []);
  });

  test('one failing query: the tiles still draw, and a notice names the query that failed', async () => {
    const { h } = ctx;
    const page = await openPanel(h, {
      queries: [
        { refId: 'A', queryType: 'ecosystemSummary' },
        { refId: 'B', queryType: 'requestLatency', percentiles: [150] },
      ],
    });
    const notice = await page.locator(PANEL.notice).textContent();
    assert.match(notice, /^Query B \(requestLatency\) failed: /, notice);
    assert.match(notice, /percentile/, `the backend's error names the field: ${notice}`);
    const description = await page.textContent(PANEL.description);
    assert.match(description, /akosha/, `the tiles are drawn, not the error: ${description}`);
    assert.doesNotMatch(description, /The datasource answered/, description);
    assert.equal(await page.locator(PANEL.message).count(), 0, 'no message over the tiles');
    // The canvas takes the height the notice leaves, inside the panel.
    const panel = await page.locator(PANEL.panel).boundingBox();
    const canvas = await page.locator(PANEL.canvas).boundingBox();
    const box = await page.locator(PANEL.notice).boundingBox();
    assert.ok(
      box.y >= canvas.y + canvas.height - 0.5 && box.y + box.height <= panel.y + panel.height + 0.5,
      `the notice ${JSON.stringify(box)} lies under the canvas ${JSON.stringify(canvas)}, inside the panel ${JSON.stringify(panel)}`
    );
    const { x, y } = await findTile(page, 'akosha');
    const [critical] = await page.evaluate(() => [window.harness.theme.visualization.getColorByName('red')]);
    const fill = dominant(await pixelsAround(page, x, y));
    assert.ok(hueDistance(hue(fill), hue(rgb(critical))) < 20, `akosha's tile is drawn critical: rgb(${fill})`);
    await h.screenshot(page, 'panel-query-failed');
    assert.deepEqual(page.errors, []);
  });

  test('poolCapacity in its default format: a notice says to set it to Table, and the tiles still draw', async () => {
    const { h } = ctx;
    const page = await openPanel(h, {
      queries: [
        { refId: 'A', queryType: 'ecosystemSummary' },
        { refId: 'C', queryType: 'poolCapacity' },
      ],
      options: { sections: ['tools', 'pools', 'latency', 'exemplars'] },
    });
    const notice = await page.locator(PANEL.notice).textContent();
    assert.equal(
      notice.trim(),
      'Query C (poolCapacity) returns time series: set its format to Table for the pools section'
    );
    // The plugin's own answer: the pools' series, no poolCapacity table.
    const series = await page.getByTestId('harness-panel').evaluate((e) => JSON.parse(e.dataset.series));
    assert.ok(!series.includes('poolCapacity') && series.length > 2, JSON.stringify(series));
    const description = await page.textContent(PANEL.description);
    assert.match(description, /^MCP ecosystem: 3 services/, `the tiles are drawn: ${description}`);
    assert.equal(await page.locator(PANEL.message).count(), 0, 'no message over the tiles');
    assert.deepEqual(page.errors, []);
  });

  test('two ecosystemSummary answers: the services of both, one answered twice drawn once, named in a notice', async () => {
    const { h } = ctx;
    const page = await openPanel(h, {
      queries: [
        { refId: 'A', queryType: 'ecosystemSummary', services: ['akosha', 'mahavishnu'] },
        { refId: 'B', queryType: 'ecosystemSummary', services: ['mahavishnu', 'session-buddy'] },
      ],
    });
    const notice = await page.locator(PANEL.notice).textContent();
    assert.equal(
      notice.trim(),
      'Answered by more than one ecosystemSummary query, drawn once from the first: mahavishnu'
    );
    const description = await page.textContent(PANEL.description);
    assert.match(description, /^MCP ecosystem: 3 services/, description);
    for (const service of ['akosha', 'mahavishnu', 'session-buddy']) {
      await findTile(page, service);
    }
    assert.deepEqual(page.errors, []);
  });

  test('a click on an exemplar opens its trace as the datasource links it (Tempo here)', async () => {
    const { h } = ctx;
    const page = await openPanel(h, {
      theme: 'dark',
      height: 520,
      queries: [
        { refId: 'A', queryType: 'ecosystemSummary' },
        { refId: 'B', queryType: 'requestLatency', percentiles: [50, 95, 99] },
        { refId: 'C', queryType: 'exemplars', exemplarSource: 'http' },
      ],
    });
    await h.screenshot(page, 'panel-exemplars');
    // The exemplars reach the panel as Grafana's query runner hands them over: annotations.
    const handed = await page.getByTestId('harness-panel').evaluate((e) => ({
      series: JSON.parse(e.dataset.series),
      annotations: JSON.parse(e.dataset.annotations),
    }));
    assert.deepEqual(handed.annotations, ['exemplar'], JSON.stringify(handed));
    assert.ok(!handed.series.includes('exemplar'), JSON.stringify(handed));
    // The renderer's hit-testing finds the dots: hover the canvas until a tooltip is a trace's.
    const found = await exemplarUnderPointer(page, /^trace /);
    assert.ok(found, 'an exemplar dot answers the pointer');
    const traceId = found.tip.match(/^trace (\S+?)(service|duration|$)/)?.[1];
    assert.ok(traceId, `the tooltip names the trace: ${found.tip}`);
    // The service, kept by the shell as the trace ids are, is read for the tooltip.
    assert.match(found.tip, /service (mahavishnu|akosha|session-buddy)/, found.tip);
    const box = await page.locator(PANEL.canvas).boundingBox();
    const [popup] = await Promise.all([
      page.context().waitForEvent('page'),
      page.mouse.click(box.x + found.x, box.y + found.y),
    ]);
    const url = new URL(popup.url());
    assert.equal(url.pathname, '/explore', popup.url());
    const panes = JSON.parse(url.searchParams.get('panes'));
    const pane = Object.values(panes)[0];
    assert.equal(pane.datasource, 'tempo', 'the trace datasource the backend linked');
    assert.equal(pane.queries[0].query, traceId, 'the trace id of the dot clicked');
    // The panel's own range (the harness asks for the last 15 minutes), in ms, not Explore's default.
    const [from, to] = [Number(pane.range.from), Number(pane.range.to)];
    assert.ok(
      Math.abs(to - from - 15 * 60 * 1000) < 1000 && Math.abs(Date.now() - to) < 10 * 60 * 1000,
      `the panel's time range: ${JSON.stringify(pane.range)}`
    );
    await popup.close();

    // From the keyboard: back from nothing is the last target, the latest of the failing
    // and the slowest exemplars; Enter opens its trace.
    await page.locator(PANEL.canvas).focus();
    await page.keyboard.press('ArrowLeft');
    const focused = await poll('the keyboard reaches an exemplar', async () => {
      const text = (await page.locator(PANEL.announce).textContent())?.trim();
      return text?.startsWith('trace ') && text;
    });
    const [keyed] = await Promise.all([page.context().waitForEvent('page'), page.keyboard.press('Enter')]);
    const keyedPane = Object.values(JSON.parse(new URL(keyed.url()).searchParams.get('panes')))[0];
    assert.ok(focused.includes(keyedPane.queries[0].query), `${focused} opens ${keyed.url()}`);
    await keyed.close();
  });

  test("the latency axis reads in the dashboard's time zone, the browser's by default, not UTC", async () => {
    const { h } = ctx;
    const minuteOfDay = (ms, timeZone) => {
      const [hh, mm] = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .format(ms)
        .split(':')
        .map(Number);
      return hh * 60 + mm;
    };
    const apart = (a, b) => Math.min(Math.abs(a - b), 1440 - Math.abs(a - b));
    // Half-hour zones, so that no whole-hour mistake passes; the browser's is not the dashboard's.
    for (const [tz, zone] of [
      ['Asia/Kolkata', 'Asia/Kolkata'],
      [undefined, 'America/St_Johns'],
    ]) {
      // Prometheus answers requestLatency once it has scraped the simulator a few times.
      let page;
      const labels = await poll(
        `${tz ?? 'the browser default'}: the latency strip draws its time axis`,
        async () => {
          await page?.context().close();
          page = await openPanel(h, {
            height: 520,
            queries: [
              { refId: 'A', queryType: 'ecosystemSummary' },
              { refId: 'B', queryType: 'requestLatency', percentiles: [50, 95] },
            ],
            tz,
            timezoneId: 'America/St_Johns',
            init: recordDrawnTexts,
          });
          const drawn = await page.evaluate(() => window.drawnTexts);
          const times = drawn.filter(({ text }) => /^(\d\d\/\d\d )?\d\d:\d\d(:\d\d)?$/.test(text));
          return times.length > 0 && times;
        },
        90000,
        2000
      );
      const now = Date.now();
      // The right-hand label is the panel's range's end: a moment ago.
      const last = labels.reduce((a, b) => (b.x > a.x ? b : a)).text.replace(/^\d\d\/\d\d /, '');
      const [hh, mm] = last.split(':').map(Number);
      const shown = hh * 60 + mm;
      assert.ok(
        apart(shown, minuteOfDay(now, zone)) <= 3,
        `${tz ?? 'the browser default'}: the axis ends at ${last}, now in ${zone} (${JSON.stringify(labels)})`
      );
      assert.ok(apart(shown, minuteOfDay(now, 'UTC')) > 60, `not UTC: ${last}`);
      // The left-hand label is the panel's range's start (the harness asks for the last 15
      // minutes), not the data's first time (Prometheus has scraped for a minute or two).
      const first = labels.reduce((a, b) => (b.x < a.x ? b : a)).text.replace(/^\d\d\/\d\d /, '');
      const [fh, fm] = first.split(':').map(Number);
      assert.ok(
        apart(fh * 60 + fm, minuteOfDay(now - 15 * 60 * 1000, zone)) <= 3,
        `${tz ?? 'the browser default'}: the axis starts at ${first}, 15 minutes ago in ${zone} (${JSON.stringify(labels)})`
      );
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  });

  test("the provisioned dashboard's queries: tiles, tools, pools, latency lines and exemplars", async () => {
    const { h } = ctx;
    // The top panel of the MCP Ecosystem dashboard, its queries and options as provisioned,
    // less what names the dashboard's variables (the panel alone has none).
    const dashboard = JSON.parse(
      fs.readFileSync(path.join(repo, 'provisioning', 'dashboards', 'mcp-ecosystem-overview.json'), 'utf8')
    );
    const top = dashboard.panels.find((p) => p.type === 'mahavishnu-mcpecosystem-panel');
    const queries = top.targets.map(({ datasource, services, ...query }) => query);
    const { drilldownUrl, ...options } = top.options;
    // Prometheus answers requestLatency once it has scraped the simulator a few times.
    let page;
    const handed = await poll(
      'the panel is handed latency lines and exemplars',
      async () => {
        await page?.context().close();
        page = await openPanel(h, { theme: 'dark', width: 1000, height: 560, queries, options, from: sinceStart() });
        const frames = await page.getByTestId('harness-panel').evaluate((e) => ({
          series: JSON.parse(e.dataset.series),
          annotations: JSON.parse(e.dataset.annotations),
        }));
        const lines = frames.series.filter((name) => / p(50|95|99)$/.test(name));
        return lines.length > 0 && frames.annotations.includes('exemplar') && { ...frames, lines };
      },
      90000,
      2000
    );
    assert.ok(handed.series.includes('ecosystemSummary'), JSON.stringify(handed));
    const description = await page.textContent(PANEL.description);
    assert.match(description, /^MCP ecosystem: 3 services/, description);
    await h.screenshot(page, 'panel-dashboard-queries');
    if (process.env.MCP_UPDATE_DOCS_IMG) {
      const file = path.join(repo, 'docs', 'img', 'panel-dark.png');
      await page.locator(PANEL.panel).screenshot({ path: file });
    }
    assert.deepEqual(page.errors, []);
  });

  test('the pointer on a latency line names its service and percentile, with its value and time', async () => {
    const { h } = ctx;
    // Prometheus answers requestLatency once it has scraped the simulator a few times (a
    // minute or more after the harness starts; the tests before this one waited for it): the
    // panel is opened again until the pointer finds a line.
    let page;
    const found = await poll(
      'the pointer finds a latency line',
      async () => {
        await page?.context().close();
        page = await openPanel(h, {
          theme: 'dark',
          height: 520,
          from: sinceStart(),
          queries: [
            { refId: 'A', queryType: 'ecosystemSummary' },
            { refId: 'B', queryType: 'requestLatency', percentiles: [50, 95, 99] },
          ],
          init: recordDrawnTexts,
        });
        // The lines lie in the strip at the bottom: the canvas is hovered from its bottom up.
        return page.evaluate(
          async ({ canvasSel, tipSel }) => {
            const canvas = document.querySelector(canvasSel);
            const box = canvas.getBoundingClientRect();
            for (let y = box.height - 4; y > box.height / 2; y -= 5) {
              for (let x = 4; x < box.width; x += 8) {
                canvas.dispatchEvent(
                  new MouseEvent('mousemove', { clientX: box.left + x, clientY: box.top + y, bubbles: true })
                );
                await new Promise((r) => setTimeout(r, 0));
                const tip = document.querySelector(tipSel)?.textContent ?? '';
                if (/^(mahavishnu|akosha|session-buddy) p(50|95|99)latency /.test(tip)) {
                  return { x, y, tip };
                }
              }
            }
            return undefined;
          },
          { canvasSel: PANEL.canvas, tipSel: PANEL.tooltip }
        );
      },
      150000,
      2000
    );
    // The value in the crate's duration format, the time in the tooltips' full format.
    assert.match(found.tip, /latency [\d.]+ (ms|s)at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, found.tip);
    // Without a pointer, the slowest p99's service (the text alternative's) is named at the
    // right end of the strip: the last text drawn there, in its lower half, but the time
    // axis's last label.
    const description = await page.textContent(PANEL.description);
    const slowest = /p99 [\d.]+ (?:ms|s) \(([^)]+)\)/.exec(description)?.[1];
    assert.ok(slowest, `the text alternative names the slowest p99: ${description}`);
    const { width, height } = await page.locator(PANEL.canvas).boundingBox();
    const label = (await page.evaluate(() => window.drawnTexts))
      .filter(({ text, x, y }) => x > width - 40 && x < width && y > height / 2 && !/\d\d:\d\d/.test(text))
      .at(-1);
    assert.equal(label?.text, slowest, `the label at the strip's right end: ${JSON.stringify(label)}`);
    await h.screenshot(page, 'panel-latency-line-hover');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('the panel streams its .wasm from the plugin’s public path, as application/wasm', async () => {
    // What the page instantiates: the response the panel's glue hands to
    // instantiateStreaming (which refuses any other content type: the glue would then warn
    // and copy the module whole before compiling it).
    const page = await openPanel(ctx.h, {
      init: () => {
        window.wasmLoads = [];
        const streaming = WebAssembly.instantiateStreaming;
        WebAssembly.instantiateStreaming = async (source, ...rest) => {
          const response = await source;
          window.wasmLoads.push({ url: response.url, type: response.headers.get('content-type') });
          return streaming.call(WebAssembly, response, ...rest);
        };
      },
    });
    const plugin = '/public/plugins/mahavishnu-mcpecosystem-panel/';
    const loads = await page.evaluate(() => window.wasmLoads);
    assert.deepEqual(
      loads.map(({ url, type }) => ({ path: new URL(url).pathname, type })),
      [{ path: `${plugin}mcp_render_bg.wasm`, type: 'application/wasm' }],
      'one .wasm, streamed'
    );
    const requested = page.requests.map((u) => new URL(u).pathname);
    assert.ok(requested.includes(`${plugin}module.js`), `module.js from the public path: ${requested}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});

describe('the overview panel over the OpenTelemetry profile, a tool failing', () => {
  // Tool calls as the OpenTelemetry MCP conventions export them: a failed call's histogram
  // series (and so its exemplars) carries error_type; mahavishnu's deploy fails about 40 %.
  const ctx = useHarness({ scenario: 'tool-failures', profile: 'otel' });

  test("a failed call's exemplar is drawn in the critical colour, and its tooltip says it failed", async () => {
    const { h } = ctx;
    const queries = [
      { refId: 'A', queryType: 'ecosystemSummary' },
      { refId: 'B', queryType: 'requestLatency', percentiles: [50, 95, 99] },
      { refId: 'C', queryType: 'exemplars', exemplarSource: 'tool' },
    ];
    // Opened again until Prometheus holds a failed call's exemplar: the text alternative
    // counts them ("120 exemplars, 40 of failed requests").
    let page;
    const counted = await poll(
      'the panel is handed exemplars of failed calls',
      async () => {
        await page?.context().close();
        page = await openPanel(h, { height: 520, queries });
        const failed = (await page.textContent(PANEL.description))?.match(/(\d+) of failed requests/);
        return Number(failed?.[1]) > 0 && failed[0];
      },
      90000,
      2000
    );
    await h.screenshot(page, 'panel-failed-exemplars');
    const found = await exemplarUnderPointer(page, /^trace .*failed request/);
    assert.ok(found, `a failed exemplar's dot answers the pointer (${counted})`);
    assert.match(found.tip, /service (mahavishnu|akosha|session-buddy)/, found.tip);

    // The scan's moves were the page's own: the pointer there and away, so the highlight goes.
    const box = await page.locator(PANEL.canvas).boundingBox();
    await page.mouse.move(box.x + found.x, box.y + found.y);
    await page.mouse.move(0, 0);
    await poll('the tooltip goes away with the pointer', async () => (await page.locator(PANEL.tooltip).count()) === 0);
    const critical = rgb(await page.evaluate(() => window.harness.theme.visualization.getColorByName('red')));
    // The dot is 3 px across its radius: its centre, within the pointer's 6 px steps of
    // where the tooltip showed, is the critical colour itself.
    const pixels = await pixelsAround(page, found.x, found.y, 6);
    const distance = (p) => Math.max(...p.map((c, i) => Math.abs(c - critical[i])));
    const nearest = pixels.reduce((a, b) => (distance(a) <= distance(b) ? a : b));
    assert.ok(
      distance(nearest) <= 8,
      `the failed dot near (${found.x}, ${found.y}) is rgb(${critical}): rgb(${nearest})`
    );
    assert.deepEqual(page.errors, [], 'no page errors');
    await page.context().close();
  });
});

describe('the overview panel over fifty services', () => {
  const ctx = useHarness({ extraServers: 47 });

  /** The panel opened (again, while Prometheus has not yet scraped them all) until it has all fifty. */
  async function openFifty(h, more = {}) {
    let page;
    await poll(
      'the panel sees all fifty services',
      async () => {
        await page?.context().close();
        page = await openPanel(h, { theme: 'dark', width: 1200, height: 640, ...more });
        return /^MCP ecosystem: 50 services/.test(await page.textContent(PANEL.description));
      },
      90000,
      2000
    );
    return page;
  }

  test('fifty services: a tile each, its name drawn, counted in the text alternative', async () => {
    const page = await openFifty(ctx.h, { init: recordDrawnTexts });
    const services = (await summaryColumns(ctx.h.server))('service');
    assert.equal(services.length, 50, `the backend answers fifty: ${services}`);
    const drawn = await drawnTexts(page);
    // A name too long for its tile ends in an ellipsis, after a few of its letters.
    const named = (service) =>
      drawn.some((t) => t === service || (t.length > 4 && t.endsWith('…') && service.startsWith(t.slice(0, -1))));
    assert.deepEqual(
      services.filter((service) => !named(service)),
      [],
      'every service has its name drawn'
    );
    await ctx.h.screenshot(page, 'panel-50-services');
    assert.deepEqual(page.errors, []);
  });

  test('maximum tiles: the first ten drawn, every service still counted', async () => {
    const page = await openFifty(ctx.h, { options: { maxTiles: 10 }, init: recordDrawnTexts });
    const drawn = await drawnTexts(page);
    assert.ok(drawn.includes('50 services'), `the header counts every service: ${drawn.slice(0, 8)}`);
    assert.ok(drawn.includes('+40 more services'), 'and says how many are not drawn');
    // A tile's pill says its status: ten tiles, ten pills.
    const pills = drawn.filter((t) => ['OK', 'WARN', 'CRITICAL', 'DOWN'].includes(t));
    assert.equal(pills.length, 10, `one pill a tile: ${pills}`);
    assert.deepEqual(page.errors, []);
  });
});

describe('the overview panel under a Content-Security-Policy that refuses WebAssembly', () => {
  // Scripts from the page's origin only: no 'unsafe-eval', no 'wasm-unsafe-eval'.
  const ctx = useHarness({ csp: "script-src 'self'" });

  test('the panel says which setting lets it start', async () => {
    const page = await ctx.h.open({
      view: 'panel',
      uid: 'mcp',
      extra: { width: '1000', height: '460' },
      width: 1080,
      height: 540,
    });
    const failure = page.locator(PANEL.failure);
    await failure.waitFor({ timeout: 30000 });
    const text = await failure.textContent();
    assert.match(text, /Content-Security-Policy blocks WebAssembly/, text);
    assert.match(text, /'wasm-unsafe-eval'/, text);
    assert.match(text, /content_security_policy_template/, text);
    assert.equal(await page.locator(PANEL.canvas).count(), 0, 'no canvas is left half started');
    await ctx.h.screenshot(page, 'panel-csp');
    // Chromium reports what the policy refused; nothing else may fail.
    assert.deepEqual(
      page.errors.filter((e) => !/Content Security Policy/i.test(e)),
      [],
      'no other page errors'
    );
  });
});

describe('the overview panel under a sub-path, as Grafana with serve_from_sub_path', () => {
  // Everything under /grafana/: a request outside it is a 404, which the page's errors list.
  const ctx = useHarness({ scenario: 'service-down', subPath: '/grafana' });

  test('module.js and the .wasm come from /grafana/public/plugins/, a tile click lands under /grafana once', async () => {
    const { h } = ctx;
    const plugin = '/grafana/public/plugins/mahavishnu-mcpecosystem-panel/';
    const root = new URL('/public/plugins/mahavishnu-mcpecosystem-panel/module.js', h.server.url);
    assert.equal((await fetch(root)).status, 404, 'nothing is served outside the sub-path');
    await poll(
      'the backend judges akosha critical',
      async () => (await summaryRow(h.server, 'akosha'))?.status === 'critical',
      90000,
      1000
    );
    const page = await openPanel(h, { options: { drilldownUrl: '/d/abc/services?var-service=${service}' } });
    assert.deepEqual(page.errors, [], 'no request outside the sub-path');
    const requested = page.requests.map((u) => new URL(u).pathname);
    assert.ok(requested.includes(`${plugin}module.js`), `module.js under the sub-path: ${requested}`);
    assert.ok(requested.includes(`${plugin}mcp_render_bg.wasm`), `the .wasm under the sub-path: ${requested}`);
    const { x, y, tip } = await findTile(page, 'akosha');
    assert.match(tip, /critical/, `the tooltip says akosha is critical: ${tip}`);

    const box = await page.locator(PANEL.canvas).boundingBox();
    await page.mouse.click(box.x + x, box.y + y);
    await poll(
      'the click follows the drill-down link',
      async () => new URL(page.url()).pathname !== '/grafana/harness/'
    );
    const to = new URL(page.url());
    assert.equal(to.pathname, '/grafana/d/abc/services', `the sub-path once: ${page.url()}`);
    assert.equal(to.searchParams.get('var-service'), 'akosha');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
