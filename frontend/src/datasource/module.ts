import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { McpDataSource } from './datasource';
import { McpOptions, McpQuery, McpSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<McpDataSource, McpQuery, McpOptions, McpSecureJsonData>(McpDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
