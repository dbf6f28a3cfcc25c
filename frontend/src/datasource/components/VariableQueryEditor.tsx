import { QueryEditorProps } from '@grafana/data';

import type { McpDataSource } from '../datasource';
import { McpOptions, McpQuery, McpVariableQuery } from '../types';

type Props = QueryEditorProps<McpDataSource, McpQuery, McpOptions, McpVariableQuery>;

export function VariableQueryEditor(_props: Props) {
  return null;
}
