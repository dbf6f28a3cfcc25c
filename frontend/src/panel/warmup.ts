// A draw rehearsed while the panel's query runs. The browser compiles the renderer's
// functions one by one, on their first call, and the shell's code is cold too: a panel's
// first draw paid for both (about 150 functions compiled, half of its time). A small
// ecosystem drawn once on a canvas outside the page, in the page's idle time once the .wasm
// is instantiated, makes every step of the first draw (colours, frames -> columns, the summary, the layout,
// tiles, text fitting and stamps, the description) run for the second time when the
// panel's answer comes. Nothing of it stays: the rehearsal's renderer and canvas are freed.
import { DataFrame, FieldType, GrafanaTheme2, toDataFrame } from '@grafana/data';
import type { Renderer } from 'mcp-render';

import { handOver, toColumns } from './columns';
import { applyTheme } from './theme';
import { DEFAULT_OPTIONS } from './types';

/** The rehearsal's size, in CSS pixels: room for its tiles, tools and pools. */
const WIDTH = 640;
const HEIGHT = 320;

/**
 * An ecosystemSummary answer as the backend shapes it (crates/model/src/columns.rs, held to it by
 * crates/render/tests/rehearsal.rs): three services, one down, a failing tool and a short pool.
 */
function rehearsalFrames(): DataFrame[] {
  const number = (name: string, values: Array<number | null>) => ({ name, type: FieldType.number, values });
  const text = (name: string, values: string[]) => ({ name, type: FieldType.string, values });
  return [
    toDataFrame({
      name: 'ecosystemSummary',
      fields: [
        text('service', ['alpha', 'beta', 'gamma-service']),
        text('status', ['ok', 'critical', 'warn']),
        text('reasons', ['', 'down', 'p95 620 ms, over 500 ms; tool success 91.2 %, under 95 %']),
        number('up', [1, 0, 1]),
        number('request rate', [12.5, null, 153.2]),
        number('5xx %', [0, null, 2.75]),
        number('p95 latency', [0.0421, null, 0.62]),
        number('tool success %', [99.5, null, 91.2]),
        number('tool calls/s', [3.25, null, 0.5]),
        number('active workers', [4, 0, 2]),
        number('active sessions', [7, null, 1]),
        number('CPU %', [12.3, null, 64.1]),
        number('memory', [512 * 2 ** 20, null, 5.5 * 2 ** 30]),
      ],
    }),
    toDataFrame({
      name: 'worst',
      fields: [
        text('service', ['gamma-service', 'gamma-service']),
        text('kind', ['tool', 'pool']),
        text('tool or pool', ['search', 'workers']),
        text('status', ['warn', 'warn']),
        text('reasons', ['success 91.2 %, under 95 %', '2 workers']),
        number('success %', [91.2, null]),
        number('active workers', [null, 2]),
      ],
    }),
  ];
}

/**
 * Resolves when the page is idle (requestIdleCallback; the next task where there is none):
 * what the page has to do first (render, issue its queries, take in an answer) comes first.
 */
export function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') {
      requestIdleCallback(() => resolve());
    } else {
      setTimeout(resolve, 0);
    }
  });
}

/**
 * Draws a small ecosystem once with `R`, as the panel draws its answer, in `theme`, on a
 * canvas outside the page, in the page's idle time: the frames handed over in one idle
 * period, drawn in the next, so that the page's own work waits for one step at most; it
 * stops once `wanted` says no (a panel has the renderer). Never throws: a rehearsal that
 * fails leaves the first draw as it was.
 */
export async function rehearse(
  R: typeof Renderer,
  theme: GrafanaTheme2 | undefined,
  wanted: () => boolean = () => true
): Promise<void> {
  let r: Renderer | undefined;
  try {
    await whenIdle();
    if (!wanted()) {
      return;
    }
    r = new R(document.createElement('canvas'), theme?.isDark ?? true);
    if (theme) {
      applyTheme(r, theme);
    }
    handOver(r, toColumns(rehearsalFrames(), DEFAULT_OPTIONS));
    await whenIdle();
    if (wanted()) {
      r.resize(WIDTH, HEIGHT, window.devicePixelRatio || 1);
      r.draw();
      r.describe();
    }
  } catch {
    // Nothing to undo: the panel's renderer is another.
  } finally {
    r?.free();
  }
}
