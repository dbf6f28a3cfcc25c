import { TimeRange } from '@grafana/data';

import type { McpDataSource } from '../../datasource';
import { Format, McpQuery } from '../../types';

/** What every query type's view gets. */
export interface ViewProps {
  query: McpQuery;
  /** `run`: the change is complete (a selection, a field left), so the query runs. */
  onChange: (query: McpQuery, run: boolean) => void;
  datasource: McpDataSource;
  range?: TimeRange;
  /** The type's default format, from the backend. */
  defaultFormat?: Format;
}
