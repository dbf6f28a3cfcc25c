import React from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, Select } from '@grafana/ui';

import type { McpDataSource } from '../datasource';
import { McpOptions, McpQuery, QUERY_TYPES, QueryType } from '../types';

type Props = QueryEditorProps<McpDataSource, McpQuery, McpOptions>;

const typeOptions: Array<SelectableValue<QueryType>> = QUERY_TYPES.map((t) => ({ label: t, value: t }));

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  return (
    <InlineField label="Query type">
      <Select
        options={typeOptions}
        value={query.queryType}
        onChange={(v) => {
          onChange({ ...query, queryType: v.value });
          onRunQuery();
        }}
      />
    </InlineField>
  );
}
