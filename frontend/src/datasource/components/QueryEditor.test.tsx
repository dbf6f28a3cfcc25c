import React, { useState } from 'react';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { dateTime, TimeRange } from '@grafana/data';
import { getTemplateSrv, setTemplateSrv } from '@grafana/runtime';

import { selectors } from '../selectors';
import { fakeGrafanaApi, modelQueryTypes, SentRequest, testDataSource, testTemplateSrv } from '../testing';
import { FILTER_FIELDS, McpQuery, QUERY_TYPES, QueryType, QueryTypeInfo } from '../types';
import { QueryEditor } from './QueryEditor';

const range: TimeRange = {
  from: dateTime(1_700_000_040_000),
  to: dateTime(1_700_003_640_000),
  raw: { from: 'now-1h', to: 'now' },
};

/** The backend's answer, read from the model crate: the fields each type reads. */
const queryTypes: QueryTypeInfo[] = modelQueryTypes();
let queryTypesAnswer: () => unknown;
const descriptionOf = (t: QueryType) => queryTypes.find((i) => i.queryType === t)!.description;

let promqlAnswer: (request: SentRequest) => unknown;
let toolsAnswer: () => unknown;
let sent: SentRequest[];

function api(request: SentRequest): unknown {
  const path = request.url.replace('/api/datasources/uid/mcp/resources/', '');
  switch (path) {
    case 'queryTypes':
      return queryTypesAnswer();
    case 'services':
      return ['akosha', 'mahavishnu', 'session-buddy'];
    case 'tools':
      return toolsAnswer();
    case 'promql':
      return promqlAnswer(request);
  }
  throw { status: 404, data: { error: `no resource ${path}` } };
}

beforeEach(() => {
  sent = fakeGrafanaApi(api);
  toolsAnswer = () => ['deploy', 'search'];
  queryTypesAnswer = () => queryTypes;
  promqlAnswer = () => ({
    queries: [
      {
        expr: 'sum by (job) (rate(mcp_http_requests_total[1m]))',
        kind: 'range',
        stepMs: 15000,
        purpose: 'requests per second',
      },
    ],
  });
  setTemplateSrv(testTemplateSrv([{ name: 'service', current: ['akosha'] }]));
});

/** The lists asked for, in order. */
const listsAsked = () => sent.map((r) => r.url.split('/').pop()).filter((p) => p !== 'queryTypes' && p !== 'promql');

function renderEditor(initial: McpQuery) {
  const datasource = testDataSource(getTemplateSrv());
  const changes: McpQuery[] = [];
  let runs = 0;
  let setRange: (r: TimeRange) => void = () => {};
  function Host() {
    const [query, setQuery] = useState(initial);
    const [shown, setShown] = useState(range);
    setRange = setShown;
    return (
      <QueryEditor
        datasource={datasource}
        query={query}
        range={shown}
        onChange={(q) => {
          changes.push(q);
          setQuery(q);
        }}
        onRunQuery={() => runs++}
      />
    );
  }
  render(<Host />);
  return {
    changes,
    runs: () => runs,
    last: () => changes[changes.length - 1],
    setRange: (r: TimeRange) => act(() => setRange(r)),
  };
}

describe('QueryEditor', () => {
  it('lists every query type with the backend description and runs the chosen one', async () => {
    const { last, runs } = renderEditor({ refId: 'A', queryType: 'requestRate' });
    expect(await screen.findByText(descriptionOf('requestRate'))).toBeInTheDocument();
    await userEvent.click(within(screen.getByTestId(selectors.query.queryType)).getByRole('combobox'));
    const menu = screen.getByLabelText('Select options menu');
    for (const t of QUERY_TYPES) {
      expect(within(menu).getByText(descriptionOf(t))).toBeInTheDocument();
    }
    await userEvent.click(within(menu).getByText('Tool health'));
    expect(last()).toEqual({ refId: 'A', queryType: 'toolHealth' });
    expect(runs()).toBe(1);
    expect(screen.getByTestId(selectors.query.filter('tools'))).toBeInTheDocument();
  });

  it('shows only the fields of the chosen type', async () => {
    renderEditor({ refId: 'A', queryType: 'system' });
    expect(await screen.findByTestId(selectors.query.filter('services'))).toBeInTheDocument();
    expect(screen.queryByTestId(selectors.query.rateWindow)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.query.percentiles)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.query.expr)).not.toBeInTheDocument();
  });

  it.each(QUERY_TYPES)('shows for %s exactly the fields the backend says the type reads', async (queryType) => {
    renderEditor({ refId: 'A', queryType });
    const fields = queryTypes.find((t) => t.queryType === queryType)!.fields;
    expect(fields.length).toBeGreaterThan(0);
    const testIdOf = (f: string) =>
      (FILTER_FIELDS as readonly string[]).includes(f)
        ? selectors.query.filter(f)
        : (selectors.query as Record<string, unknown>)[f];
    for (const f of fields) {
      expect(typeof testIdOf(f)).toBe('string');
      expect(await screen.findByTestId(testIdOf(f) as string)).toBeInTheDocument();
    }
    const everyField = [
      ...FILTER_FIELDS,
      'percentiles',
      'format',
      'rateWindow',
      'exemplars',
      'exemplarSource',
      'limit',
      'expr',
      'legendFormat',
    ];
    for (const f of everyField.filter((f) => !fields.includes(f))) {
      expect(screen.queryByTestId(testIdOf(f) as string)).not.toBeInTheDocument();
    }
  });

  it('keeps the query and says why when the backend does not list the query types', async () => {
    queryTypesAnswer = () => {
      throw { status: 502, data: { error: 'the plugin did not answer' } };
    };
    const { changes } = renderEditor({ refId: 'A', queryType: 'toolHealth', tools: ['deploy'] });
    expect(await screen.findByText(/the plugin did not answer/)).toBeInTheDocument();
    expect(screen.queryByTestId(selectors.query.filter('tools'))).not.toBeInTheDocument();
    expect(changes).toEqual([]);
  });

  it('offers exemplars as time series dots or as table rows, saying which panel shows each', async () => {
    const { last, runs } = renderEditor({ refId: 'A', queryType: 'exemplars' });
    const format = await screen.findByTestId(selectors.query.format);
    expect(within(format).getByRole('radio', { name: /time series/i })).toBeChecked();
    expect(within(format).getByText('Time series')).toHaveAttribute(
      'title',
      expect.stringMatching(/time series panel/)
    );
    expect(within(format).getByText('Table')).toHaveAttribute('title', expect.stringMatching(/table panel/));
    await userEvent.click(within(format).getByText('Table'));
    expect(last()).toEqual({ refId: 'A', queryType: 'exemplars', format: 'table' });
    expect(runs()).toBe(1);
  });

  it('leaves a complete query exactly as the dashboard stored it', async () => {
    const stored: McpQuery = {
      refId: 'B',
      queryType: 'requestLatency',
      services: ['$service', 'mahavishnu'],
      percentiles: [90, 99.9],
      rateWindow: '5m',
      format: 'timeseries',
      exemplars: true,
    };
    const { changes } = renderEditor(JSON.parse(JSON.stringify(stored)));
    await screen.findByText(descriptionOf('requestLatency'));
    expect(screen.getByTestId(selectors.query.percentiles)).toHaveValue('90, 99.9');
    expect(screen.getByTestId(selectors.query.rateWindow)).toHaveValue('5m');
    expect(changes).toEqual([]);
  });

  it('explains a wrong percentile in the backend words and keeps the last good list', async () => {
    const { last } = renderEditor({ refId: 'A', queryType: 'requestLatency' });
    const input = await screen.findByTestId(selectors.query.percentiles);
    await userEvent.type(input, '50, 150');
    await userEvent.tab();
    expect(
      screen.getByText(
        'field "percentiles" has value 150: each percentile must be above 0 and below 100, such as 95 or 99.9'
      )
    ).toBeInTheDocument();
    expect(last()).toBeUndefined();
    await userEvent.clear(input);
    await userEvent.type(input, '75, 99.9');
    await userEvent.tab();
    expect(last().percentiles).toEqual([75, 99.9]);
  });

  it('fills a filter from the backend list of the time range, narrowed by the chosen services', async () => {
    const { last } = renderEditor({ refId: 'A', queryType: 'toolHealth', services: ['mahavishnu'] });
    await userEvent.click(within(await screen.findByTestId(selectors.query.filter('tools'))).getByRole('combobox'));
    await userEvent.click(await screen.findByText('deploy'));
    expect(last().tools).toEqual(['deploy']);
    const listed = sent.find((r) => r.url.endsWith('/resources/tools'));
    expect(listed?.params).toEqual({ from: '1700000040000', to: '1700003640000', services: 'mahavishnu' });
  });

  it("asks for the lists of the type's filters when it is shown, so opening one asks nothing", async () => {
    renderEditor({ refId: 'A', queryType: 'toolHealth', services: ['mahavishnu'] });
    await waitFor(() => expect(listsAsked()).toEqual(['services', 'tools']));
    await userEvent.click(within(screen.getByTestId(selectors.query.filter('tools'))).getByRole('combobox'));
    expect(screen.getByText('deploy')).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await userEvent.click(within(screen.getByTestId(selectors.query.filter('services'))).getByRole('combobox'));
    expect(screen.getByText('akosha')).toBeInTheDocument();
    expect(listsAsked()).toEqual(['services', 'tools']);
  });

  it('asks for a list again when the range moves to another minute, not for every new now within one', async () => {
    const { setRange } = renderEditor({ refId: 'A', queryType: 'requestRate' });
    await waitFor(() => expect(listsAsked()).toEqual(['services']));
    // Grafana hands the editor of a relative range a new range, with a new now, on renders.
    const shifted = (ms: number) => ({
      ...range,
      from: dateTime(range.from.valueOf() + ms),
      to: dateTime(range.to.valueOf() + ms),
    });
    setRange(shifted(20_000));
    await waitFor(() => expect(listsAsked()).toHaveLength(2));
    setRange(shifted(25_000));
    setRange(shifted(59_000));
    setRange(shifted(300_000));
    await waitFor(() => expect(listsAsked()).toHaveLength(3));
    expect(sent.filter((r) => r.url.endsWith('/resources/services')).map((r) => r.params)).toEqual([
      { from: '1700000040000', to: '1700003640000' },
      { from: '1700000040000', to: '1700003700000' },
      { from: '1700000340000', to: '1700003940000' },
    ]);
  });

  it('shows why a list is missing and asks again when the user opens it', async () => {
    toolsAnswer = () => {
      throw { status: 502, data: { error: 'Prometheus did not answer' } };
    };
    renderEditor({ refId: 'A', queryType: 'toolHealth' });
    expect(await screen.findByText('Could not list tools: Prometheus did not answer')).toBeInTheDocument();
    toolsAnswer = () => ['deploy', 'search'];
    await userEvent.click(within(screen.getByTestId(selectors.query.filter('tools'))).getByRole('combobox'));
    expect(await screen.findByText('search')).toBeInTheDocument();
    expect(screen.queryByText(/Could not list tools/)).not.toBeInTheDocument();
    expect(listsAsked().filter((l) => l === 'tools')).toHaveLength(2);
  });

  it('offers template variables in filters', async () => {
    const { last } = renderEditor({ refId: 'A', queryType: 'requestRate' });
    await userEvent.click(within(await screen.findByTestId(selectors.query.filter('services'))).getByRole('combobox'));
    await userEvent.click(await screen.findByText('$service'));
    expect(last().services).toEqual(['$service']);
  });

  it('previews the PromQL the backend builds for the query', async () => {
    renderEditor({ refId: 'A', queryType: 'requestRate', services: ['$service'] });
    await userEvent.click(within(screen.getByTestId(selectors.query.preview)).getByText('PromQL preview'));
    expect(await screen.findByText('sum by (job) (rate(mcp_http_requests_total[1m]))')).toBeInTheDocument();
    expect(screen.getByText(/requests per second \(range, step 15s\)/)).toBeInTheDocument();
    const asked = sent.find((r) => r.url.endsWith('/resources/promql'));
    expect(asked?.method).toBe('POST');
    expect(asked?.data).toMatchObject({
      query: { queryType: 'requestRate', services: ['akosha'] },
      from: 1_700_000_040_000,
      to: 1_700_003_640_000,
    });
  });

  it('shows the backend error when the query cannot run', async () => {
    promqlAnswer = () => {
      throw {
        status: 400,
        data: { error: 'field "rateWindow" has value "fast": use "auto" or a Prometheus duration such as 1m or 5m' },
      };
    };
    renderEditor({ refId: 'A', queryType: 'requestRate', rateWindow: 'fast' });
    await userEvent.click(within(screen.getByTestId(selectors.query.preview)).getByText('PromQL preview'));
    const error = await screen.findByTestId(selectors.query.previewError);
    expect(error).toHaveTextContent('field "rateWindow" has value "fast"');
  });

  it('edits PromQL and legend of a promql query', async () => {
    const { last } = renderEditor({ refId: 'A', queryType: 'promql', expr: '' });
    await screen.findByTestId(selectors.query.expr);
    expect(screen.getByText('a promql query needs a PromQL expression')).toBeInTheDocument();
    await userEvent.type(screen.getByTestId(selectors.query.expr), 'up{{job="a"}');
    await userEvent.type(screen.getByTestId(selectors.query.legendFormat), '{{{{job}}');
    await waitFor(() => expect(last()).toMatchObject({ expr: 'up{job="a"}', legendFormat: '{{job}}' }));
  });
});
