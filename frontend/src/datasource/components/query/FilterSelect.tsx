// A filter of the query model (services, tools, ...): a multi-select of the values the
// backend lists for the dashboard's time range, narrowed by the query's services, with the
// dashboard's template variables offered too.
import React, { useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { InlineField, MultiSelect } from '@grafana/ui';

import { selectors } from '../../selectors';
import { FilterField } from '../../types';
import type { ViewProps } from './viewProps';
import { Marked } from '../Marked';

export const FILTER_LABELS: Record<FilterField, { label: string; help: string }> = {
  services: { label: 'Services', help: 'Scrape jobs (the job label) to keep; empty keeps every service.' },
  tools: { label: 'Tools', help: 'Tools (tool_name) to keep; empty keeps every tool.' },
  pools: { label: 'Pools', help: 'Worker pools (pool_type) to keep; empty keeps every pool.' },
  agentTypes: { label: 'Agent types', help: 'Agent types (agent_type) to keep; empty keeps every type.' },
  adapters: { label: 'Adapters', help: 'Workflow adapters (adapter) to keep; empty keeps every adapter.' },
  cacheLayers: { label: 'Cache layers', help: 'Cache layers (cache_layer) to keep; empty keeps every layer.' },
  operations: { label: 'Operations', help: 'Operations (operation) to keep; empty keeps every operation.' },
};

function variableOptions(): Array<SelectableValue<string>> {
  return getTemplateSrv()
    .getVariables()
    .map((v) => ({ label: `$${v.name}`, value: `$${v.name}`, description: 'Template variable' }));
}

export function FilterSelect({ field, query, onChange, datasource, range }: ViewProps & { field: FilterField }) {
  const [options, setOptions] = useState<Array<SelectableValue<string>>>([]);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string>();
  const selected = query[field] ?? [];
  const { label, help } = FILTER_LABELS[field];

  const load = () => {
    setLoading(true);
    const services = field === 'services' ? [] : (query.services ?? []);
    datasource.listValues(field, range, services).then(
      (values) => {
        setOptions([...variableOptions(), ...values.map((v) => ({ label: v, value: v }))]);
        setProblem(undefined);
        setLoading(false);
      },
      (e) => {
        setOptions(variableOptions());
        setProblem(`Could not list ${label.toLowerCase()}: ${e?.data?.error ?? e?.message ?? e}`);
        setLoading(false);
      }
    );
  };

  // Values already chosen stay visible even when the range no longer holds them.
  const known = new Set(options.map((o) => o.value));
  const all = [...options, ...selected.filter((v) => !known.has(v)).map((v) => ({ label: v, value: v }))];

  return (
    <InlineField label={label} labelWidth={16} tooltip={help} invalid={problem !== undefined} error={problem}>
      <Marked testId={selectors.query.filter(field)}>
        <MultiSelect<string>
          aria-label={label}
          width={40}
          options={all}
          value={selected}
          isLoading={loading}
          allowCustomValue
          placeholder="All"
          onOpenMenu={load}
          onChange={(items) => {
            const values = items.map((i) => i.value).filter((v): v is string => v !== undefined);
            onChange({ ...query, [field]: values.length > 0 ? values : undefined }, true);
          }}
        />
      </Marked>
    </InlineField>
  );
}
