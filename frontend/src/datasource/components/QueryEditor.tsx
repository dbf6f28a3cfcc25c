// The query editor of panels, Explore and alert rules: a query type picker with each type's
// one-line description, the fields the chosen type reads (both from the backend's
// `queryTypes` resource), and the PromQL preview.
import React, { useEffect, useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, Select } from '@grafana/ui';

import type { McpDataSource } from '../datasource';
import { errorMessage } from '../errors';
import { selectors } from '../selectors';
import { McpOptions, McpQuery, QUERY_TYPES, QueryType, QueryTypeInfo } from '../types';
import { LABELS, QueryFields } from '../views';
import { Marked } from './Marked';
import { PromqlPreview } from './query/PromqlPreview';

type Props = QueryEditorProps<McpDataSource, McpQuery, McpOptions>;

export function QueryEditor({ query, onChange, onRunQuery, datasource, range, data }: Props) {
  const [types, setTypes] = useState<QueryTypeInfo[]>([]);
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    let current = true;
    datasource.getQueryTypes().then(
      (list) => current && setTypes(list),
      (e) => current && setProblem(errorMessage(e))
    );
    return () => {
      current = false;
    };
  }, [datasource]);

  const infoOf = (t?: QueryType) => types.find((i) => i.queryType === t);
  const options: Array<SelectableValue<QueryType>> = QUERY_TYPES.map((t) => ({
    label: LABELS[t],
    value: t,
    description: infoOf(t)?.description,
  }));
  const queryType = query.queryType && LABELS[query.queryType] ? query.queryType : undefined;
  const info = infoOf(queryType);
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
      {info && (
        <QueryFields
          key={`${query.refId}-${queryType}`}
          fields={info.fields}
          query={query}
          onChange={change}
          datasource={datasource}
          range={range}
          defaultFormat={info.defaultFormat}
        />
      )}
      {queryType && problem && (
        <Alert severity="error" title="The backend did not say which fields this query type has">
          {problem}. The query is kept as it is; open the editor again once the datasource answers.
        </Alert>
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
