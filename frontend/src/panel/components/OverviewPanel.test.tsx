import { act, fireEvent, render, screen } from '@testing-library/react';
import {
  CoreApp,
  DataQueryRequest,
  dateTime,
  FieldType,
  LoadingState,
  PanelData,
  PanelProps,
  toDataFrame,
} from '@grafana/data';
import { locationService } from '@grafana/runtime';
import React from 'react';

import { selectors } from '../selectors';
import { DEFAULT_OPTIONS, PanelOptions } from '../types';
import { OverviewPanel } from './OverviewPanel';

/** What the panel asked of its renderer, in order. */
let calls: string[] = [];
/** What the fake renderer answers for the focused thing. */
let focusedHit: { kind: string; link?: string } | undefined;

// The renderer is WebAssembly in the browser; here a stand-in that records what it is asked.
class FakeRenderer {
  error?: string;
  free() {}
  setMode() {}
  setColour() {}
  setFontFamily() {}
  setDrilldown() {}
  setTimeZone() {}
  setMaxTiles() {}
  leave() {}
  draw() {
    calls.push('draw');
  }
  resize(width: number, height: number, dpr: number) {
    calls.push(`resize ${width}x${height}@${dpr}`);
  }
  setError(message: string) {
    this.error = message;
    calls.push(`error ${message}`);
  }
  beginFrames() {
    this.error = undefined;
  }
  addFrame(name: string) {
    calls.push(`frame ${name}`);
  }
  numbersBuffer(n: number) {
    return new Float64Array(n);
  }
  addWrittenNumbers() {}
  addTexts() {}
  addKept() {}
  addLabel() {}
  setLink() {}
  endFrames() {
    return undefined;
  }
  describe() {
    return this.error ? `The datasource answered: ${this.error}` : 'MCP ecosystem: 1 service';
  }
  focused() {
    return focusedHit && { index: 0, title: 'focused', text: '', ...focusedHit, free() {} };
  }
  focusNext() {
    return undefined;
  }
}

jest.mock('../wasm', () => ({
  loadedRenderer: () => FakeRenderer,
  loadRenderer: () => Promise.resolve(FakeRenderer),
}));

const summary = toDataFrame({
  name: 'ecosystemSummary',
  refId: 'A',
  fields: [
    { name: 'service', type: FieldType.string, values: ['akosha'] },
    { name: 'status', type: FieldType.string, values: ['ok'] },
  ],
});

const range = { from: dateTime(0), to: dateTime(15 * 60 * 1000), raw: { from: 'now-15m', to: 'now' } };

/** A request of the panel's queries, as Grafana's query runner hands it with the data. */
const request = (...targets: Array<[string, string]>) =>
  ({
    app: CoreApp.Dashboard,
    requestId: 'test',
    interval: '15s',
    intervalMs: 15000,
    range,
    scopedVars: {},
    timezone: 'browser',
    startTime: 0,
    targets: targets.map(([refId, queryType]) => ({ refId, queryType })),
  }) as DataQueryRequest;

function props(data: Partial<PanelData>, options: Partial<PanelOptions> = {}): PanelProps<PanelOptions> {
  return {
    data: { state: LoadingState.Done, series: [], timeRange: range, ...data },
    width: 600,
    height: 300,
    options: { ...DEFAULT_OPTIONS, showThresholds: false, ...options },
    replaceVariables: (s: string) => s,
    timeZone: 'utc',
  } as unknown as PanelProps<PanelOptions>;
}

beforeEach(() => {
  calls = [];
  focusedHit = undefined;
});

describe('one failing query', () => {
  it("draws the summary that arrived and names the failed query and its type in a notice, in the datasource's words", () => {
    render(
      <OverviewPanel
        {...props({
          state: LoadingState.Error,
          series: [summary],
          errors: [{ refId: 'B', message: 'percentiles: 100 is not between 0 and 100 (exclusive)' }],
          request: request(['A', 'ecosystemSummary'], ['B', 'requestLatency']),
        })}
      />
    );
    expect(calls).toContain('frame ecosystemSummary');
    expect(calls.filter((c) => c.startsWith('error'))).toEqual([]);
    expect(screen.getByTestId(selectors.notice)).toHaveTextContent(
      'Query B (requestLatency) failed: percentiles: 100 is not between 0 and 100 (exclusive)'
    );
    expect(screen.getByTestId(selectors.description)).toHaveTextContent('MCP ecosystem: 1 service');
  });

  it('names each of several failed queries, the type left out where the request does not tell it', () => {
    render(
      <OverviewPanel
        {...props({
          state: LoadingState.Error,
          series: [summary],
          errors: [
            { refId: 'B', message: 'bad gateway' },
            { refId: 'C', message: 'timeout' },
          ],
          request: request(['A', 'ecosystemSummary'], ['B', 'exemplars']),
        })}
      />
    );
    const notice = screen.getByTestId(selectors.notice);
    expect(notice).toHaveTextContent("2 of the panel's queries failed");
    expect(notice).toHaveTextContent('Query B (exemplars) failed: bad gateway');
    expect(notice).toHaveTextContent('Query C failed: timeout');
  });

  it("without the summary, the error is the panel's message, naming the query", () => {
    render(
      <OverviewPanel
        {...props({
          state: LoadingState.Error,
          errors: [{ refId: 'A', message: 'rateWindow: "fortnight" is not a Prometheus duration' }],
          request: request(['A', 'ecosystemSummary']),
        })}
      />
    );
    expect(calls).toContain(
      'error query A (ecosystemSummary) failed: rateWindow: "fortnight" is not a Prometheus duration'
    );
    expect(calls.filter((c) => c.startsWith('frame'))).toEqual([]);
    expect(screen.queryByTestId(selectors.notice)).toBeNull();
    expect(screen.getByTestId(selectors.description)).toHaveTextContent(
      'The datasource answered: query A (ecosystemSummary) failed'
    );
  });
});

describe('keyboard', () => {
  it('Space opens the focused link as Enter does, and does not scroll the page', () => {
    const open = jest.spyOn(window, 'open').mockImplementation(() => null);
    const push = jest.spyOn(locationService, 'push').mockImplementation(() => {});
    render(<OverviewPanel {...props({ series: [summary] })} />);
    const canvas = screen.getByTestId(selectors.canvas);

    focusedHit = { kind: 'exemplar', link: 'https://traces.example/trace/abc' };
    expect(fireEvent.keyDown(canvas, { key: ' ' })).toBe(false); // false: the default was prevented
    expect(open).toHaveBeenCalledWith('https://traces.example/trace/abc', '_blank', 'noopener,noreferrer');

    focusedHit = { kind: 'service', link: '/d/mcp-service?var-service=akosha' };
    fireEvent.keyDown(canvas, { key: ' ' });
    fireEvent.keyDown(canvas, { key: 'Enter' });
    expect(push.mock.calls).toEqual([['/d/mcp-service?var-service=akosha'], ['/d/mcp-service?var-service=akosha']]);
    open.mockRestore();
    push.mockRestore();
  });

  it('two panels on one dashboard each describe their own canvas', () => {
    render(
      <>
        <OverviewPanel {...props({ series: [summary] })} />
        <OverviewPanel {...props({ series: [summary] })} />
      </>
    );
    const canvases = screen.getAllByTestId(selectors.canvas);
    const descriptions = screen.getAllByTestId(selectors.description);
    const ids = canvases.map((c) => c.getAttribute('aria-describedby'));
    expect(new Set(ids).size).toBe(2);
    expect(ids).toEqual(descriptions.map((d) => d.id));
  });
});

describe('the screen’s pixel ratio', () => {
  it('redraws at every new ratio, not only the first', () => {
    const queries: Array<{ media: string; listeners: Set<() => void> }> = [];
    const matchMedia = jest.spyOn(window, 'matchMedia').mockImplementation((media: string) => {
      const q = { media, listeners: new Set<() => void>() };
      queries.push(q);
      return {
        media,
        addEventListener: (_: string, f: () => void) => q.listeners.add(f),
        removeEventListener: (_: string, f: () => void) => q.listeners.delete(f),
      } as unknown as MediaQueryList;
    });
    const ratio = (dpr: number) =>
      Object.defineProperty(window, 'devicePixelRatio', { value: dpr, configurable: true });
    /** The screen changes: the query for the old ratio stops matching. */
    const change = () =>
      act(() => queries.filter((q) => q.listeners.size > 0).forEach((q) => q.listeners.forEach((f) => f())));

    ratio(1);
    const { unmount } = render(<OverviewPanel {...props({ series: [summary] })} />);
    for (const dpr of [2, 3, 1.5]) {
      ratio(dpr);
      calls = [];
      change();
      expect(calls).toEqual([`resize 600x300@${dpr}`, 'draw']);
      const watched = queries.filter((q) => q.listeners.size > 0);
      expect(watched.map((q) => q.media)).toEqual([`(resolution: ${dpr}dppx)`]);
    }
    unmount();
    expect(queries.filter((q) => q.listeners.size > 0)).toEqual([]);
    matchMedia.mockRestore();
    ratio(1);
  });
});
