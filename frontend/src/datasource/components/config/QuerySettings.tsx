import React from 'react';
import { ConfigSection } from '@grafana/plugin-ui';
import { Field, RadioButtonGroup } from '@grafana/ui';

import { selectors } from '../../selectors';
import {
  checkCompression,
  checkMaxConcurrentQueries,
  checkMaxResponseBytes,
  checkTimeInterval,
  checkTimeout,
  DEFAULTS,
} from '../../settings';
import type { Compression } from '../../types';
import type { SectionProps } from '../ConfigEditor';
import { SettingInput } from './SettingInput';
import { Marked } from '../Marked';

const methods = [
  { label: 'POST', value: 'POST' },
  { label: 'GET', value: 'GET' },
];

const compressions: Array<{ label: string; value: Compression }> = [
  { label: 'gzip', value: 'gzip' },
  { label: 'None', value: 'none' },
];

export function QuerySettings({ jsonData, onJsonDataChange }: SectionProps) {
  return (
    <ConfigSection
      title="Query settings"
      description="How the backend talks to the Prometheus-compatible server."
      isCollapsible
      isInitiallyOpen
    >
      <SettingInput
        label="Scrape interval"
        description="How often Prometheus scrapes the MCP servers: the smallest step, and the base of the auto rate window (Grafana's $__rate_interval rule)."
        testId={selectors.config.scrapeInterval}
        value={jsonData.timeInterval}
        placeholder={DEFAULTS.timeInterval}
        check={checkTimeInterval}
        onChange={(v) => onJsonDataChange({ timeInterval: v === undefined ? undefined : String(v) })}
      />
      <SettingInput
        label="Timeout"
        description="Seconds one call to the server may take before the query fails."
        testId={selectors.config.timeout}
        value={jsonData.timeout}
        placeholder={String(DEFAULTS.timeout)}
        check={checkTimeout}
        numeric
        onChange={(v) => onJsonDataChange({ timeout: v as number | undefined })}
      />
      <Field
        label="HTTP method"
        description="POST sends long queries in the body; use GET only for servers or proxies that refuse POST."
      >
        <Marked testId={selectors.config.httpMethod}>
          <RadioButtonGroup
            options={methods}
            value={jsonData.httpMethod?.toUpperCase() ?? DEFAULTS.httpMethod}
            onChange={(v) => onJsonDataChange({ httpMethod: v })}
          />
        </Marked>
      </Field>
      <Field
        label="Compression"
        description="gzip asks the server for compressed answers: about a fifth of the bytes on the wire, for the server's time spent compressing. None is faster on loopback and fast networks (the same host or data centre); keep gzip across slower or metered links."
        invalid={checkCompression(jsonData.compression) !== undefined}
        error={checkCompression(jsonData.compression)}
      >
        <Marked testId={selectors.config.compression}>
          <RadioButtonGroup
            options={compressions}
            value={jsonData.compression ?? DEFAULTS.compression}
            onChange={(v) => onJsonDataChange({ compression: v })}
          />
        </Marked>
      </Field>
      <SettingInput
        label="Max response size"
        description="Largest answer in bytes accepted from the server; a larger one fails its query instead of exhausting memory. Default 67108864 (64 MiB)."
        testId={selectors.config.maxResponseBytes}
        value={jsonData.maxResponseBytes}
        placeholder={String(DEFAULTS.maxResponseBytes)}
        check={checkMaxResponseBytes}
        numeric
        onChange={(v) => onJsonDataChange({ maxResponseBytes: v as number | undefined })}
      />
      <SettingInput
        label="Max concurrent queries"
        description="Queries of this datasource sent to the server at once; more wait their turn instead of failing."
        testId={selectors.config.maxConcurrentQueries}
        value={jsonData.maxConcurrentQueries}
        placeholder={String(DEFAULTS.maxConcurrentQueries)}
        check={checkMaxConcurrentQueries}
        numeric
        onChange={(v) => onJsonDataChange({ maxConcurrentQueries: v as number | undefined })}
      />
    </ConfigSection>
  );
}
