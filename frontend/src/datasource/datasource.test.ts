import { CoreApp, dateTime, DataQueryRequest } from '@grafana/data';
import { lastValueFrom } from 'rxjs';

import { fakeGrafanaApi, SentRequest, testDataSource, testTemplateSrv } from './testing';
import { McpQuery, McpVariableQuery } from './types';
import { McpVariableSupport } from './variableSupport';

const templateSrv = testTemplateSrv([
  { name: 'service', current: ['mahavishnu', 'akosha'] },
  { name: 'tool', current: '$__all', options: ['deploy', 'search'] },
  { name: 'window', current: '5m' },
  { name: 'job', current: ['a.b', 'c'] },
]);

describe('McpDataSource.applyTemplateVariables', () => {
  const ds = testDataSource(templateSrv);

  it('expands list fields into exact values, All into every value, and leaves the rest alone', () => {
    const query: McpQuery = {
      refId: 'A',
      queryType: 'toolHealth',
      services: ['$service'],
      tools: ['$tool'],
      percentiles: [50, 95],
      rateWindow: '$window',
      limit: 10,
      format: 'table',
    };
    expect(ds.applyTemplateVariables(query, {})).toEqual({
      ...query,
      services: ['mahavishnu', 'akosha'],
      tools: [],
      rateWindow: '5m',
    });
  });

  it('uses the repeated panel value of a variable', () => {
    const query: McpQuery = { refId: 'A', queryType: 'requestRate', services: ['$service'] };
    expect(ds.applyTemplateVariables(query, { service: { text: 'akosha', value: 'akosha' } }).services).toEqual([
      'akosha',
    ]);
  });

  it('interpolates PromQL text of a promql query as Prometheus does', () => {
    const query: McpQuery = { refId: 'A', queryType: 'promql', expr: 'up{job=~"$job"}', legendFormat: '{{job}}' };
    expect(ds.applyTemplateVariables(query, {})).toEqual({ ...query, expr: 'up{job=~"(a\\.b|c)"}' });
  });
});

describe('McpDataSource', () => {
  it('skips hidden queries and starts new ones as request rate', () => {
    const ds = testDataSource(templateSrv);
    expect(ds.filterQuery({ refId: 'A', hide: true })).toBe(false);
    expect(ds.filterQuery({ refId: 'A' })).toBe(true);
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toEqual({ queryType: 'requestRate' });
  });

  it('lists variable values from the backend for the range, narrowed by services', async () => {
    const sent: SentRequest[] = fakeGrafanaApi(() => ['deploy', 'search']);
    const ds = testDataSource(templateSrv);
    const range = { from: dateTime(61_000), to: dateTime(3_599_000), raw: { from: 'now-1h', to: 'now' } };
    const request = {
      targets: [{ refId: 'A', resource: 'tools', services: ['$service'] }],
      range,
    } as unknown as DataQueryRequest<McpVariableQuery>;
    const response = await lastValueFrom((ds.variables as McpVariableSupport).query(request));
    expect(response.data).toEqual([
      { text: 'deploy', value: 'deploy' },
      { text: 'search', value: 'search' },
    ]);
    expect(sent[0].url).toBe('/api/datasources/uid/mcp/resources/tools');
    // The range widened to whole minutes (lists.ts).
    expect(sent[0].params).toEqual({ from: '60000', to: '3600000', services: 'mahavishnu,akosha' });
  });

  it('reads a variable saved as plain text as the name of its list', async () => {
    const sent = fakeGrafanaApi(() => ['a']);
    const ds = testDataSource(templateSrv);
    expect(await ds.metricFindQuery('pools')).toEqual([{ text: 'a', value: 'a' }]);
    expect(await ds.metricFindQuery('nonsense')).toEqual([{ text: 'a', value: 'a' }]);
    expect(sent.map((r) => r.url.split('/').pop())).toEqual(['pools', 'services']);
  });
});
