import React from 'react';
import { ConfigSection } from '@grafana/plugin-ui';
import { DataSourcePicker } from '@grafana/runtime';
import { Field } from '@grafana/ui';

import { selectors } from '../../selectors';
import { checkTraceIdLabel, checkTraceUrlTemplate, DEFAULTS } from '../../settings';
import type { SectionProps } from '../ConfigEditor';
import { SettingInput } from './SettingInput';
import { Marked } from '../Marked';

export function TraceSettings({ jsonData, onJsonDataChange }: SectionProps) {
  return (
    <ConfigSection
      title="Exemplars and traces"
      description="Exemplars of slow and failing calls carry a trace id; link it to your tracing datasource, or to an external trace viewer."
      isCollapsible
      isInitiallyOpen={Boolean(jsonData.traceDatasourceUid || jsonData.traceUrlTemplate)}
    >
      <Field
        label="Trace datasource"
        description="A Tempo or Jaeger datasource of this Grafana: the trace id opens the trace in it. Takes precedence over the URL template."
      >
        <Marked testId={selectors.config.traceDatasource}>
          <DataSourcePicker
            tracing
            noDefault
            width={40}
            current={jsonData.traceDatasourceUid ?? null}
            onChange={(ds) => onJsonDataChange({ traceDatasourceUid: ds.uid })}
            onClear={() => onJsonDataChange({ traceDatasourceUid: undefined })}
          />
        </Marked>
      </Field>
      <SettingInput
        label="Trace URL template"
        description="Or an external link: the trace id replaces ${__value.raw}."
        testId={selectors.config.traceUrlTemplate}
        width={60}
        value={jsonData.traceUrlTemplate}
        placeholder="https://tracing.example.com/trace/${__value.raw}"
        check={(v) => checkTraceUrlTemplate(v as string | undefined)}
        onChange={(v) => onJsonDataChange({ traceUrlTemplate: v === undefined ? undefined : String(v) })}
      />
      <SettingInput
        label="Exemplar trace id label"
        description="The exemplar label holding the trace id. Empty: trace_id, then traceID."
        testId={selectors.config.exemplarTraceIdLabel}
        value={jsonData.exemplarTraceIdLabel}
        placeholder={DEFAULTS.exemplarTraceIdLabel}
        check={(v) => checkTraceIdLabel(v as string | undefined)}
        onChange={(v) => onJsonDataChange({ exemplarTraceIdLabel: v === undefined ? undefined : String(v) })}
      />
    </ConfigSection>
  );
}
