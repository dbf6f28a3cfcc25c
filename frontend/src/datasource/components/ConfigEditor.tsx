import React from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, Input } from '@grafana/ui';

import { selectors } from '../selectors';
import { McpOptions, McpSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<McpOptions, McpSecureJsonData>;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  return (
    <Field label="Prometheus server URL" description="Base URL of the Prometheus-compatible API">
      <Input
        data-testid={selectors.config.url}
        value={options.url}
        placeholder="http://prometheus:9090"
        onChange={(e) => onOptionsChange({ ...options, url: e.currentTarget.value })}
      />
    </Field>
  );
}
