// The datasource's settings page, laid out as Grafana's own Prometheus datasource page:
// connection, auth and TLS (Grafana's own HTTP-settings keys), query settings, exemplars and
// trace links, metric names, status thresholds, then the backend's ecosystem check.
import React from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Auth, AuthMethod, ConfigSection, convertLegacyAuthProps, DataSourceDescription } from '@grafana/plugin-ui';
import { Divider, Field, Input } from '@grafana/ui';

import { selectors } from '../selectors';
import { checkUrl } from '../settings';
import { McpOptions, McpSecureJsonData } from '../types';
import { EcosystemCheckSection } from './config/EcosystemCheckSection';
import { MetricSettings } from './config/MetricSettings';
import { QuerySettings } from './config/QuerySettings';
import { ThresholdSettings } from './config/ThresholdSettings';
import { TraceSettings } from './config/TraceSettings';

export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<McpOptions, McpSecureJsonData>;

/** What a section needs: the settings and a way to change some jsonData keys. */
export interface SectionProps {
  jsonData: McpOptions;
  onJsonDataChange: (change: Partial<McpOptions>) => void;
}

export function ConfigEditor(props: ConfigEditorProps) {
  const { options, onOptionsChange } = props;
  const urlProblem = checkUrl(options.url);
  const onJsonDataChange = (change: Partial<McpOptions>) => {
    const jsonData: McpOptions = { ...options.jsonData, ...change };
    // An emptied field goes back to its default rather than being stored as "".
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined || value === '') {
        delete jsonData[key as keyof McpOptions];
      }
    }
    onOptionsChange({ ...options, jsonData });
  };
  const section: SectionProps = { jsonData: options.jsonData, onJsonDataChange };

  return (
    <>
      <DataSourceDescription
        dataSourceName="MCP Ecosystem"
        docsLink="https://github.com/mahavishnu/mcp-grafana#configure-the-datasource"
        hasRequiredFields
      />
      <Divider />
      <ConfigSection title="Connection">
        <Field
          label="Prometheus server URL"
          description="Base URL of a Prometheus-compatible API: Prometheus, VictoriaMetrics, Mimir, Thanos. Put credentials under Authentication, not in the URL."
          required
          invalid={Boolean(options.url) && urlProblem !== undefined}
          error={urlProblem}
        >
          <Input
            data-testid={selectors.config.url}
            aria-label="Prometheus server URL"
            width={60}
            value={options.url}
            placeholder="http://prometheus:9090"
            onChange={(e) => onOptionsChange({ ...options, url: e.currentTarget.value })}
          />
        </Field>
      </ConfigSection>
      <Divider />
      <Auth
        {...convertLegacyAuthProps({ config: options, onChange: onOptionsChange })}
        visibleMethods={[AuthMethod.NoAuth, AuthMethod.BasicAuth]}
      />
      <Divider />
      <QuerySettings {...section} />
      <Divider />
      <TraceSettings {...section} />
      <Divider />
      <MetricSettings {...section} />
      <Divider />
      <ThresholdSettings {...section} />
      <Divider />
      <EcosystemCheckSection uid={options.uid} />
    </>
  );
}
