// The fields a query type's view is made of; each writes one query-model field, worded as
// the backend words a wrong value (crates/model/src/query.rs).
import React, { useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { InlineField, InlineSwitch, Input, RadioButtonGroup, TextArea } from '@grafana/ui';

import { isDuration } from '../../settings';
import { selectors } from '../../selectors';
import { ExemplarSource, Format, McpQuery } from '../../types';
import type { ViewProps } from './viewProps';
import { Marked } from '../Marked';

const LABEL_WIDTH = 16;
const DEFAULT_PERCENTILES = '50, 95, 99';

/** Parses "50, 95, 99.9" into numbers, or says what is wrong with it. */
export function parsePercentiles(text: string): { value?: number[]; problem?: string } {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) {
    return { value: undefined };
  }
  const value: number[] = [];
  for (const part of parts) {
    const p = Number(part);
    if (isNaN(p)) {
      return { problem: `field "percentiles" must be a list of numbers, got ${part}` };
    }
    if (!(p > 0 && p < 100)) {
      return {
        problem: `field "percentiles" has value ${part}: each percentile must be above 0 and below 100, such as 95 or 99.9`,
      };
    }
    if (!value.includes(p)) {
      value.push(p);
    }
  }
  return { value };
}

export function PercentilesField({ query, onChange }: ViewProps) {
  const [text, setText] = useState(query.percentiles?.join(', ') ?? '');
  const { problem } = parsePercentiles(text);
  return (
    <InlineField
      label="Percentiles"
      labelWidth={LABEL_WIDTH}
      tooltip="Latency percentiles, each above 0 and below 100. Empty: 50, 95, 99."
      invalid={problem !== undefined}
      error={problem}
    >
      <Input
        data-testid={selectors.query.percentiles}
        width={24}
        value={text}
        placeholder={DEFAULT_PERCENTILES}
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={() => {
          const parsed = parsePercentiles(text);
          if (!parsed.problem) {
            onChange({ ...query, percentiles: parsed.value }, true);
          }
        }}
      />
    </InlineField>
  );
}

const FORMATS: Array<SelectableValue<Format> & { value: Format }> = [
  { label: 'Time series', value: 'timeseries' },
  { label: 'Table', value: 'table' },
];

/** What each format gives for exemplars, which are not series: the panel that can show them. */
const EXEMPLAR_FORMATS: Record<Format, string> = {
  timeseries:
    'exemplar dots on a time series panel, beside its lines (Grafana hands them to panels as annotations, so a table panel shows no rows)',
  table: 'a row per exemplar for a table panel, the trace id linked',
};

export function FormatField({ query, onChange, defaultFormat }: ViewProps) {
  const exemplars = query.queryType === 'exemplars';
  const options = exemplars ? FORMATS.map((o) => ({ ...o, description: EXEMPLAR_FORMATS[o.value] })) : FORMATS;
  const byDefault = defaultFormat ? `; this type answers as ${defaultFormat} by default` : '';
  const tooltip = exemplars
    ? `${options.map((o) => `${o.label}: ${o.description}`).join('. ')}${byDefault}.`
    : `How the answer is shaped${byDefault}.`;
  return (
    <InlineField label="Format" labelWidth={LABEL_WIDTH} tooltip={tooltip}>
      <Marked testId={selectors.query.format}>
        <RadioButtonGroup
          options={options}
          value={query.format ?? defaultFormat}
          onChange={(format) => onChange({ ...query, format }, true)}
        />
      </Marked>
    </InlineField>
  );
}

export function checkRateWindow(text: string): string | undefined {
  const t = text.trim();
  if (t === '' || t === 'auto' || t.includes('$') || (isDuration(t) && /[1-9]/.test(t))) {
    return undefined;
  }
  return `field "rateWindow" has value "${t}": use "auto" or a Prometheus duration such as 1m or 5m`;
}

export function RateWindowField({ query, onChange }: ViewProps) {
  const [text, setText] = useState(query.rateWindow ?? '');
  const problem = checkRateWindow(text);
  return (
    <InlineField
      label="Rate window"
      labelWidth={LABEL_WIDTH}
      tooltip="The range of rate(): auto follows Grafana's $__rate_interval rule (the larger of step + scrape interval and 4 x scrape interval), or a duration such as 5m."
      invalid={problem !== undefined}
      error={problem}
    >
      <Input
        data-testid={selectors.query.rateWindow}
        width={16}
        value={text}
        placeholder="auto"
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={() => {
          if (!checkRateWindow(text)) {
            onChange({ ...query, rateWindow: text.trim() === '' ? undefined : text.trim() }, true);
          }
        }}
      />
    </InlineField>
  );
}

export function ExemplarsSwitch({ query, onChange, defaultFormat }: ViewProps) {
  const format = query.format ?? defaultFormat;
  return (
    <InlineField
      label="Exemplars"
      labelWidth={LABEL_WIDTH}
      tooltip="Also return trace-linked exemplars of the slowest and failing calls (time series only)."
      disabled={format === 'table'}
    >
      <InlineSwitch
        data-testid={selectors.query.exemplars}
        value={Boolean(query.exemplars)}
        onChange={(e) => onChange({ ...query, exemplars: e.currentTarget.checked || undefined }, true)}
      />
    </InlineField>
  );
}

export function ExemplarSourceField({ query, onChange }: ViewProps) {
  const options: Array<SelectableValue<ExemplarSource>> = [
    { label: 'HTTP requests', value: 'http', description: 'mcp_http_request_duration_seconds' },
    { label: 'Tool calls', value: 'tool', description: 'mcp_tool_duration_seconds' },
  ];
  return (
    <InlineField
      label="Exemplars of"
      labelWidth={LABEL_WIDTH}
      tooltip="Which duration histogram the exemplars come from."
    >
      <Marked testId={selectors.query.exemplarSource}>
        <RadioButtonGroup
          options={options}
          value={query.exemplarSource ?? 'http'}
          onChange={(exemplarSource) => onChange({ ...query, exemplarSource }, true)}
        />
      </Marked>
    </InlineField>
  );
}

export function checkLimit(text: string): string | undefined {
  const t = text.trim();
  if (t === '') {
    return undefined;
  }
  const n = Number(t);
  return Number.isInteger(n) && n >= 1 && n <= 10000
    ? undefined
    : `field "limit" has value ${t}: use a whole number from 1 to 10000`;
}

export function LimitField({ query, onChange }: ViewProps) {
  const [text, setText] = useState(query.limit === undefined ? '' : String(query.limit));
  const problem = checkLimit(text);
  return (
    <InlineField
      label="Limit"
      labelWidth={LABEL_WIDTH}
      tooltip="Rows of a worst-first table, or exemplars kept (failing and slowest first)."
      invalid={problem !== undefined}
      error={problem}
    >
      <Input
        data-testid={selectors.query.limit}
        width={12}
        value={text}
        placeholder="100"
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={() => {
          if (!checkLimit(text)) {
            onChange({ ...query, limit: text.trim() === '' ? undefined : Number(text) }, true);
          }
        }}
      />
    </InlineField>
  );
}

export function ExprField({ query, onChange }: ViewProps) {
  const problem =
    query.expr !== undefined && query.expr.trim() === '' ? 'a promql query needs a PromQL expression' : undefined;
  return (
    <InlineField
      label="PromQL"
      labelWidth={LABEL_WIDTH}
      grow
      tooltip="Sent to the server as written; template variables are replaced, several values as (a|b) for =~ matchers."
      invalid={problem !== undefined}
      error={problem}
    >
      <TextArea
        data-testid={selectors.query.expr}
        rows={3}
        spellCheck={false}
        style={{ fontFamily: 'monospace' }}
        value={query.expr ?? ''}
        placeholder="sum by (job) (rate(mcp_http_requests_total[$__rate_interval]))"
        onChange={(e) => onChange({ ...query, expr: e.currentTarget.value }, false)}
        onBlur={() => onChange(query, true)}
      />
    </InlineField>
  );
}

export function LegendField({ query, onChange }: ViewProps) {
  return (
    <InlineField
      label="Legend"
      labelWidth={LABEL_WIDTH}
      tooltip="Series names from labels, such as {{job}} {{tool_name}}."
    >
      <Input
        data-testid={selectors.query.legendFormat}
        width={40}
        value={query.legendFormat ?? ''}
        placeholder="{{job}}"
        onChange={(e) => onChange({ ...query, legendFormat: e.currentTarget.value || undefined }, false)}
        onBlur={() => onChange(query, true)}
      />
    </InlineField>
  );
}

export type { McpQuery };
