// A template variable of this datasource: the values of one list (services, tools, ...),
// optionally narrowed by services, for the dashboard's time range.
import React, { useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { InlineField, InlineFieldRow, MultiSelect, Select } from '@grafana/ui';

import type { McpDataSource } from '../datasource';
import { selectors } from '../selectors';
import { FILTER_FIELDS, ListResource, McpOptions, McpQuery, McpVariableQuery } from '../types';
import { FILTER_LABELS } from './query/FilterSelect';
import { Marked } from './Marked';

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
  const [services, setServices] = useState<Array<SelectableValue<string>>>([]);
  const [loading, setLoading] = useState(false);

  const loadServices = () => {
    setLoading(true);
    const variables = getTemplateSrv()
      .getVariables()
      .map((v) => ({ label: `$${v.name}`, value: `$${v.name}` }));
    datasource.listValues('services', range).then(
      (values) => {
        setServices([...variables, ...values.map((v) => ({ label: v, value: v }))]);
        setLoading(false);
      },
      () => {
        setServices(variables);
        setLoading(false);
      }
    );
  };
  const chosen = current.services ?? [];
  const known = new Set(services.map((s) => s.value));

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
          <Marked testId={selectors.variable.services}>
            <MultiSelect<string>
              aria-label="Of services"
              width={40}
              options={[...services, ...chosen.filter((s) => !known.has(s)).map((s) => ({ label: s, value: s }))]}
              value={chosen}
              isLoading={loading}
              allowCustomValue
              placeholder="All"
              onOpenMenu={loadServices}
              onChange={(items) => {
                const values = items.map((i) => i.value).filter((v): v is string => v !== undefined);
                onChange({ ...current, services: values.length > 0 ? values : undefined });
              }}
            />
          </Marked>
        </InlineField>
      )}
    </InlineFieldRow>
  );
}
