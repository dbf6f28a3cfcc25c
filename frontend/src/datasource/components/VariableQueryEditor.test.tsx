import React, { useState } from 'react';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { dateTime } from '@grafana/data';
import { getTemplateSrv, setTemplateSrv } from '@grafana/runtime';

import { selectors } from '../selectors';
import { fakeGrafanaApi, SentRequest, testDataSource, testTemplateSrv } from '../testing';
import { McpVariableQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

const range = { from: dateTime(1000), to: dateTime(2000), raw: { from: 'now-1h', to: 'now' } };

function renderEditor(initial: McpVariableQuery) {
  const datasource = testDataSource(getTemplateSrv());
  const changes: McpVariableQuery[] = [];
  function Host() {
    const [query, setQuery] = useState(initial);
    return (
      <VariableQueryEditor
        datasource={datasource}
        query={query}
        range={range}
        onRunQuery={() => {}}
        onChange={(q) => {
          changes.push(q);
          setQuery(q);
        }}
      />
    );
  }
  render(<Host />);
  return { last: () => changes[changes.length - 1], changes };
}

let sent: SentRequest[];

beforeEach(() => {
  setTemplateSrv(testTemplateSrv([{ name: 'service', current: 'akosha' }]));
  sent = fakeGrafanaApi(() => ['akosha', 'mahavishnu']);
});

describe('VariableQueryEditor', () => {
  it('chooses the list a variable offers', async () => {
    const { last } = renderEditor({ refId: 'V', resource: 'services' });
    expect(screen.queryByTestId(selectors.variable.services)).not.toBeInTheDocument();
    await userEvent.click(within(screen.getByTestId(selectors.variable.resource)).getByRole('combobox'));
    await userEvent.click(screen.getByText('Cache layers'));
    expect(last()).toEqual({ refId: 'V', resource: 'cacheLayers' });
    expect(screen.getByTestId(selectors.variable.services)).toBeInTheDocument();
  });

  it('narrows a list by services, other variables included', async () => {
    const { last } = renderEditor({ refId: 'V', resource: 'tools' });
    await userEvent.click(within(screen.getByTestId(selectors.variable.services)).getByRole('combobox'));
    await userEvent.click(await screen.findByText('$service'));
    expect(last()).toEqual({ refId: 'V', resource: 'tools', services: ['$service'] });
  });

  it('keeps a stored variable query unchanged until edited', async () => {
    const { changes } = renderEditor({ refId: 'V', resource: 'operations', services: ['mahavishnu'] });
    expect(screen.getByText('mahavishnu')).toBeInTheDocument();
    expect(screen.getByText('Operations')).toBeInTheDocument();
    await waitFor(() => expect(sent.map((r) => r.url)).toEqual(['/api/datasources/uid/mcp/resources/services']));
    expect(changes).toEqual([]);
  });

  it('asks for the services only when the list is narrowed by them', async () => {
    renderEditor({ refId: 'V', resource: 'services' });
    await userEvent.click(within(screen.getByTestId(selectors.variable.resource)).getByRole('combobox'));
    expect(sent).toHaveLength(0);
    await userEvent.click(screen.getByText('Tools'));
    await userEvent.click(within(screen.getByTestId(selectors.variable.services)).getByRole('combobox'));
    expect(await screen.findByText('akosha')).toBeInTheDocument();
    expect(sent).toHaveLength(1);
  });
});
