// A template variable of this datasource: the values of one list (services, tools, ...),
// optionally narrowed by services, for the dashboard's time range.
import React from 'react';
import { QueryEditorProps, SelectableValue, TimeRange } from '@grafana/data';
import { InlineField, InlineFieldRow, Select } from '@grafana/ui';

import type { McpDataSource } from '../datasource';
import { selectors } from '../selectors';
import { FILTER_FIELDS, ListResource, McpOptions, McpQuery, McpVariableQuery } from '../types';
import { FILTER_LABELS, ListMultiSelect } from './query/FilterSelect';
import { Marked } from './Marked';
import { useList } from './query/useList';

type Props = QueryEditorProps<McpDataSource, McpQuery, McpOptions, McpVariableQuery>;

const resources: Array<SelectableValue<ListResource>> = FILTER_FIELDS.map((field) => ({
  label: FILTER_LABELS[field].label,
  value: field,
  description: FILTER_LABELS[field].help.split(';')[0],
}));

export function VariableQueryEditor({ query, onChange, datasource, range }: Props) {
  const current: McpVariableQuery = {
    ...query,
    refId: query?.refId ?? 'variable',
    resource: query?.resource ?? 'services',
  };

  return (
    <InlineFieldRow>
      <InlineField label="Values of" labelWidth={14} tooltip="The list whose values the variable offers.">
        <Marked testId={selectors.variable.resource}>
          <Select<ListResource>
            aria-label="Values of"
            width={24}
            options={resources}
            value={current.resource}
            onChange={(v) => v.value && onChange({ ...current, resource: v.value })}
          />
        </Marked>
      </InlineField>
      {current.resource !== 'services' && (
        <InlineField
          label="Of services"
          labelWidth={14}
          tooltip="Only values that these services report; empty: every service. Other variables, such as $service, chain the lists."
        >
          <ServicesSelect
            datasource={datasource}
            range={range}
            chosen={current.services ?? []}
            onChange={(services) => onChange({ ...current, services })}
          />
        </InlineField>
      )}
    </InlineFieldRow>
  );
}

/** The services a list is narrowed by: the backend's list for the range and the dashboard's variables. */
function ServicesSelect({
  datasource,
  range,
  chosen,
  onChange,
}: {
  datasource: McpDataSource;
  range?: TimeRange;
  chosen: string[];
  onChange: (services: string[] | undefined) => void;
}) {
  const list = useList(datasource, 'services', range, []);
  return (
    <ListMultiSelect
      testId={selectors.variable.services}
      label="Of services"
      list={list}
      value={chosen}
      onChange={onChange}
    />
  );
}
