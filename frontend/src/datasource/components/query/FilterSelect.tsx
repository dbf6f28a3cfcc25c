// A filter of the query model (services, tools, ...): a multi-select of the values the
// backend lists for the dashboard's time range, narrowed by the query's services, with the
// dashboard's template variables offered too. The list is asked for when the field is shown
// (useList), so opening the select finds it there.
import React from 'react';
import { SelectableValue } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { InlineField, MultiSelect } from '@grafana/ui';

import { selectors } from '../../selectors';
import { FilterField } from '../../types';
import type { ViewProps } from './viewProps';
import { Marked } from '../Marked';
import { ListState, useList } from './useList';

export const FILTER_LABELS: Record<FilterField, { label: string; help: string }> = {
  services: { label: 'Services', help: 'Scrape jobs (the job label) to keep; empty keeps every service.' },
  tools: { label: 'Tools', help: 'Tools (tool_name) to keep; empty keeps every tool.' },
  pools: { label: 'Pools', help: 'Worker pools (pool_type) to keep; empty keeps every pool.' },
  agentTypes: { label: 'Agent types', help: 'Agent types (agent_type) to keep; empty keeps every type.' },
  adapters: { label: 'Adapters', help: 'Workflow adapters (adapter) to keep; empty keeps every adapter.' },
  cacheLayers: { label: 'Cache layers', help: 'Cache layers (cache_layer) to keep; empty keeps every layer.' },
  operations: { label: 'Operations', help: 'Operations (operation) to keep; empty keeps every operation.' },
};

export function FilterSelect({ field, query, onChange, datasource, range }: ViewProps & { field: FilterField }) {
  const { label, help } = FILTER_LABELS[field];
  const list = useList(datasource, field, range, field === 'services' ? [] : (query.services ?? []));
  const problem = list.problem !== undefined ? `Could not list ${label.toLowerCase()}: ${list.problem}` : undefined;
  return (
    <InlineField label={label} labelWidth={16} tooltip={help} invalid={problem !== undefined} error={problem}>
      <ListMultiSelect
        testId={selectors.query.filter(field)}
        label={label}
        list={list}
        value={query[field] ?? []}
        onChange={(values) => onChange({ ...query, [field]: values }, true)}
      />
    </InlineField>
  );
}

/**
 * A multi-select of a backend list with the dashboard's template variables first; values
 * already chosen stay shown even when the range no longer holds them. `onChange` gets
 * undefined for an empty choice (every value).
 */
export function ListMultiSelect({
  testId,
  label,
  list,
  value,
  onChange,
}: {
  testId: string;
  label: string;
  list: ListState;
  value: string[];
  onChange: (values: string[] | undefined) => void;
}) {
  const options: Array<SelectableValue<string>> = [
    ...getTemplateSrv()
      .getVariables()
      .map((v) => ({ label: `$${v.name}`, value: `$${v.name}`, description: 'Template variable' })),
    ...(list.values ?? []).map((v) => ({ label: v, value: v })),
  ];
  const known = new Set(options.map((o) => o.value));
  return (
    <Marked testId={testId}>
      <MultiSelect<string>
        aria-label={label}
        width={40}
        options={[...options, ...value.filter((v) => !known.has(v)).map((v) => ({ label: v, value: v }))]}
        value={value}
        isLoading={list.loading}
        allowCustomValue
        placeholder="All"
        onOpenMenu={list.onOpen}
        onChange={(items) => {
          const values = items.map((i) => i.value).filter((v): v is string => v !== undefined);
          onChange(values.length > 0 ? values : undefined);
        }}
      />
    </Marked>
  );
}
