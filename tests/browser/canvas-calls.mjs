// What chromium's 2D canvas costs a call, issued and rasterised (a benchmark, not a test;
// figures go to docs/PERFORMANCE.md, "Where a new-data repaint's time goes"): a repaint
// of 1920 x 1080 filled, then N calls of one kind, then a one-pixel getImageData; every
// kind in turn, round after round, the median of each. A kind's cost a call is its time
// less the fill's, over N. Inter from Debian's fonts-inter as a web font, as the harness
// serves it.
//
//   node tests/browser/canvas-calls.mjs [rounds]
import fs from 'node:fs';
import path from 'node:path';

import { CHROMIUM, CHROMIUM_FLAGS, frontendRequire } from './harness.mjs';

const { chromium } = frontendRequire('playwright-core');
const rounds = Number(process.argv[2] ?? 200);
const FONTS = '/usr/share/fonts/opentype/inter';

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.route('http://canvas.test/**', (route) => {
    const { pathname } = new URL(route.request().url());
    if (pathname.startsWith('/fonts/')) {
      return route.fulfill({
        contentType: 'font/otf',
        body: fs.readFileSync(path.join(FONTS, path.basename(pathname))),
      });
    }
    return route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><style>@font-face { font-family: Inter; font-weight: 600; src: url('/fonts/Inter-SemiBold.otf'); }
        body { margin: 0 }</style><canvas width="1920" height="1080"></canvas>`,
    });
  });
  await page.goto('http://canvas.test/');
  const res = await page.evaluate(async (rounds) => {
    await document.fonts.load('600 12px Inter');
    const canvas = document.querySelector('canvas');
    const ctx = canvas.getContext('2d');
    const stamp = document.createElement('canvas');
    stamp.width = 64;
    stamp.height = 512;
    const s = stamp.getContext('2d');
    s.font = '600 12px Inter';
    s.fillStyle = '#ccccdc';
    for (let i = 0; i < 30; i++) {
      s.fillText(`${(i * 3.7).toFixed(1)} %`, 0, 14 + i * 16);
    }
    const digits = (n) => Array.from({ length: n }, (_, i) => String((i * 7 + n) % 10)).join('');
    const at = (i) => [100 + (i % 20) * 90, 20 + Math.floor(i / 20) * 14];
    // [name, calls, one call]
    const kinds = [
      ['the fill alone', 0, () => {}],
      ['fillRect 24 x 12', 550, (i, [x, y]) => ctx.fillRect(x - 24, y - 10, 24, 12)],
      ['fillText, 1 glyph', 550, (i, [x, y]) => ctx.fillText('7', x, y)],
      ['fillText, 6 glyphs', 550, (i, [x, y]) => ctx.fillText(digits(6), x, y)],
      ['fillText, 12 glyphs (half the calls)', 275, (i, [x, y]) => ctx.fillText(digits(12), x, y)],
      ['fillText, "98.5 %" (2 words)', 550, (i, [x, y]) => ctx.fillText('98.5 %', x, y)],
      ['fillText, "98.5\\u00a0%" (1 word)', 550, (i, [x, y]) => ctx.fillText('98.5\u00a0%', x, y)],
      [
        'fillText, two values a text, the gap between them its word spacing',
        275,
        (i, [x, y]) => {
          ctx.wordSpacing = `${40 + (i % 7) * 0.37}px`;
          ctx.fillText('98.7\u00a0% 0.13\u00a0%', x, y);
        },
      ],
      [
        'the size set again, the same, then the fill again',
        1,
        () => {
          canvas.width = 1920;
          canvas.height = 1080;
          ctx.fillStyle = '#181b1f';
          ctx.fillRect(0, 0, 1920, 1080);
        },
      ],
      [
        'drawImage of part of a canvas',
        550,
        (i, [x, y]) => ctx.drawImage(stamp, 0, (i % 30) * 16, 48, 16, x - 48, y - 12, 48, 16),
      ],
    ];
    const once = ([, calls, call]) => {
      const t0 = performance.now();
      ctx.fillStyle = '#181b1f';
      ctx.fillRect(0, 0, 1920, 1080);
      ctx.font = '600 12px Inter';
      ctx.fillStyle = '#ccccdc';
      ctx.textAlign = 'right';
      for (let i = 0; i < calls; i++) {
        call(i, at(i));
      }
      ctx.wordSpacing = '0px';
      ctx.getImageData(0, 0, 1, 1);
      return performance.now() - t0;
    };
    kinds.forEach((k) => Array.from({ length: 20 }, () => once(k)));
    const times = kinds.map(() => []);
    for (let r = 0; r < rounds; r++) {
      kinds.forEach((k, j) => times[j].push(once(k)));
    }
    const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
    const fill = median(times[0]);
    return kinds.map(([name, calls], j) => {
      const m = median(times[j]);
      return calls
        ? `${name}: ${m.toFixed(2)} ms for ${calls}, ${((1000 * (m - fill)) / calls).toFixed(2)} µs a call`
        : `${name}: ${m.toFixed(2)} ms`;
    });
  }, rounds);
  console.log(res.join('\n'));
} finally {
  await browser.close();
}
