import React from 'react';
import { ConfigSection } from '@grafana/plugin-ui';
import { Button, Field, IconButton, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import { selectors } from '../../selectors';
import { checkMetricName, DEFAULTS } from '../../settings';
import { MetricProfile } from '../../types';
import type { SectionProps } from '../ConfigEditor';
import { Marked } from '../Marked';

const profiles: Array<{ label: string; value: MetricProfile; description: string }> = [
  {
    label: 'MCP seed',
    value: 'seed',
    description: 'mcp_http_requests_total, mcp_tool_calls_total, ... as the MCP servers export them',
  },
  {
    label: 'OpenTelemetry',
    value: 'otel',
    description:
      'The OpenTelemetry MCP semantic conventions as exported to Prometheus (mcp_server_operation_duration_seconds, ...)',
  },
];

export function MetricSettings({ jsonData, onJsonDataChange }: SectionProps) {
  const overrides = Object.entries(jsonData.metricOverrides ?? {});
  const setOverrides = (rows: Array<[string, string]>) =>
    onJsonDataChange({ metricOverrides: rows.length > 0 ? Object.fromEntries(rows) : undefined });

  return (
    <ConfigSection
      title="Metric names"
      description="Which metric names the MCP servers export."
      isCollapsible
      isInitiallyOpen={overrides.length > 0 || jsonData.metricProfile === 'otel'}
    >
      <Field label="Metric profile" description="The naming convention of the MCP metrics.">
        <Marked testId={selectors.config.metricProfile}>
          <RadioButtonGroup
            options={profiles}
            value={jsonData.metricProfile ?? DEFAULTS.metricProfile}
            onChange={(v) => onJsonDataChange({ metricProfile: v })}
          />
        </Marked>
      </Field>
      <Field
        label="Metric name overrides"
        description="A logical metric (such as toolCalls) read under another name (such as my_tool_calls_total). Save & test names any logical metric the datasource does not know."
      >
        <Marked testId={selectors.config.metricOverrides}>
          <Stack direction="column" gap={1}>
            {overrides.map(([key, name], i) => {
              const problem = checkMetricName(name);
              const update = (row: [string, string]) => setOverrides(overrides.map((r, j) => (j === i ? row : r)));
              return (
                <Stack key={i} direction="row" gap={1} alignItems="center">
                  <Input
                    aria-label={`Logical metric ${i + 1}`}
                    width={24}
                    value={key}
                    placeholder="toolCalls"
                    onChange={(e) => update([e.currentTarget.value, name])}
                  />
                  <Field invalid={problem !== undefined} error={problem} style={{ marginBottom: 0 }}>
                    <Input
                      aria-label={`Metric name ${i + 1}`}
                      width={36}
                      value={name}
                      placeholder="my_tool_calls_total"
                      onChange={(e) => update([key, e.currentTarget.value])}
                    />
                  </Field>
                  <IconButton
                    name="trash-alt"
                    tooltip="Remove this override"
                    onClick={() => setOverrides(overrides.filter((_, j) => j !== i))}
                  />
                </Stack>
              );
            })}
            <div>
              <Button variant="secondary" icon="plus" size="sm" onClick={() => setOverrides([...overrides, ['', '']])}>
                Add override
              </Button>
            </div>
          </Stack>
        </Marked>
      </Field>
    </ConfigSection>
  );
}
