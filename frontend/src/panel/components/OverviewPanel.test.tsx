import { render, screen } from '@testing-library/react';
import { FieldType, getDefaultTimeRange, LoadingState, PanelData, PanelProps, toDataFrame } from '@grafana/data';
import React from 'react';

import { selectors } from '../selectors';
import { DEFAULT_OPTIONS, PanelOptions } from '../types';
import { OverviewPanel } from './OverviewPanel';

// A long unbroken word, as a datasource's error carries one.
const URL =
  'http://prometheus.monitoring.svc.cluster.local:9090/api/v1/query_range?query=up%7Bjob%3D%22mahavishnu%22%7D';

/** The renderer's part, as the shell sees it: what it says of the frames, and its description. */
class FakeRenderer {
  static drawn = 0;
  problem: string | undefined = 'No data. Add an ecosystemSummary query of the MCP datasource to this panel.';
  constructor(_canvas: HTMLCanvasElement, _dark: boolean) {}
  setError(message: string) {
    this.problem = `The datasource answered: ${message}`;
  }
  beginFrames() {}
  addFrame() {}
  numbersBuffer(n: number) {
    return new Float64Array(n);
  }
  addWrittenNumbers() {}
  addTexts() {}
  addKept() {}
  addLabel() {}
  setLink() {}
  endFrames() {
    this.problem = undefined;
    return undefined;
  }
  describe() {
    return this.problem ?? 'MCP ecosystem: 1 services, 0 critical, 0 warn, 1 ok.';
  }
  draw() {
    FakeRenderer.drawn++;
  }
  setMode() {}
  setColour() {}
  setFontFamily() {}
  setDrilldown() {}
  setMaxTiles() {}
  setTimeZone() {}
  resize() {}
  leave() {}
  free() {}
}

jest.mock('../wasm', () => ({
  loadedRenderer: () => FakeRenderer,
  loadRenderer: () => Promise.resolve(FakeRenderer),
}));

function props(data: Partial<PanelData>, width = 300): PanelProps<PanelOptions> {
  return {
    data: { state: LoadingState.Done, series: [], timeRange: getDefaultTimeRange(), ...data },
    width,
    height: 200,
    options: { ...DEFAULT_OPTIONS, showThresholds: false },
    replaceVariables: (s: string) => s,
    timeZone: 'utc',
  } as unknown as PanelProps<PanelOptions>;
}

describe('OverviewPanel', () => {
  it("shows the renderer's message as the page's text over the canvas, which screen readers skip", () => {
    render(<OverviewPanel {...props({ state: LoadingState.Error, errors: [{ refId: 'A', message: URL }] })} />);
    const message = screen.getByTestId(selectors.message);
    expect(message.textContent).toBe(`The datasource answered: query A failed: ${URL}`);
    // Breaks inside the URL rather than cutting it off; selectable.
    expect(getComputedStyle(message).overflowWrap).toBe('anywhere');
    expect(getComputedStyle(message).overflow).toBe('auto');
    const canvas = screen.getByTestId(selectors.canvas);
    expect(canvas.getAttribute('aria-hidden')).toBe('true');
    expect(canvas.tabIndex).toBe(-1);
    expect(canvas.hasAttribute('aria-describedby')).toBe(false);
    expect(screen.getByTestId(selectors.description).textContent).toBe('');
    expect(FakeRenderer.drawn).toBeGreaterThan(0);
  });

  it('shows no message over an overview, and the canvas is described', () => {
    const summary = toDataFrame({
      name: 'ecosystemSummary',
      fields: [{ name: 'service', type: FieldType.string, values: ['akosha'] }],
    });
    render(<OverviewPanel {...props({ series: [summary] })} />);
    expect(screen.queryByTestId(selectors.message)).toBeNull();
    const canvas = screen.getByTestId(selectors.canvas);
    expect(canvas.hasAttribute('aria-hidden')).toBe(false);
    expect(canvas.tabIndex).toBe(0);
    const description = screen.getByTestId(selectors.description);
    expect(canvas.getAttribute('aria-describedby')).toBe(description.id);
    expect(description.textContent).toMatch(/^MCP ecosystem: 1 services/);
  });
});
