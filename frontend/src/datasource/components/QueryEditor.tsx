// The query editor of panels, Explore and alert rules: a query type picker with each type's
// one-line description (from the backend), the chosen type's view, and the PromQL preview.
import React, { useEffect, useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, Select } from '@grafana/ui';

import type { McpDataSource } from '../datasource';
import { selectors } from '../selectors';
import { McpOptions, McpQuery, QUERY_TYPES, QueryType, QueryTypeInfo } from '../types';
import { VIEWS } from '../views';
import { Marked } from './Marked';
import { PromqlPreview } from './query/PromqlPreview';

type Props = QueryEditorProps<McpDataSource, McpQuery, McpOptions>;

export function QueryEditor({ query, onChange, onRunQuery, datasource, range, data }: Props) {
  const [types, setTypes] = useState<QueryTypeInfo[]>([]);
  useEffect(() => {
    let current = true;
    datasource.getQueryTypes().then(
      (list) => current && setTypes(list),
      // Without the backend's descriptions the picker still lists every type.
      () => undefined
    );
    return () => {
      current = false;
    };
  }, [datasource]);

  const infoOf = (t?: QueryType) => types.find((i) => i.queryType === t);
  const options: Array<SelectableValue<QueryType>> = QUERY_TYPES.map((t) => ({
    label: VIEWS[t].label,
    value: t,
    description: infoOf(t)?.description,
  }));
  const queryType = query.queryType && VIEWS[query.queryType] ? query.queryType : undefined;
  const info = infoOf(queryType);
  const View = queryType ? VIEWS[queryType].View : undefined;
  const change = (next: McpQuery, run: boolean) => {
    onChange(next);
    if (run) {
      onRunQuery();
    }
  };

  return (
    <div data-testid={selectors.query.editor}>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={16} tooltip="What the query asks; each type needs no PromQL.">
          <Marked testId={selectors.query.queryType}>
            <Select<QueryType>
              aria-label="Query type"
              width={32}
              options={options}
              value={queryType}
              placeholder="Choose a query type"
              onChange={(v) => v.value && change({ ...query, queryType: v.value }, true)}
            />
          </Marked>
        </InlineField>
        {info && (
          <span data-testid={selectors.query.queryTypeDescription} style={{ alignSelf: 'center', opacity: 0.8 }}>
            {info.description}
          </span>
        )}
      </InlineFieldRow>
      {View && (
        <View
          key={`${query.refId}-${queryType}`}
          query={query}
          onChange={change}
          datasource={datasource}
          range={range}
          defaultFormat={info?.defaultFormat}
        />
      )}
      {queryType && (
        <PromqlPreview
          datasource={datasource}
          query={query}
          range={range}
          intervalMs={data?.request?.intervalMs}
          maxDataPoints={data?.request?.maxDataPoints}
        />
      )}
    </div>
  );
}
