// Template variables of this datasource: a list resource, optionally narrowed by services.
import { CustomVariableSupport, DataQueryRequest, DataQueryResponse } from '@grafana/data';
import { Observable } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { McpDataSource } from './datasource';
import { McpVariableQuery } from './types';

export class McpVariableSupport extends CustomVariableSupport<McpDataSource, McpVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: McpDataSource) {
    super();
  }

  query(request: DataQueryRequest<McpVariableQuery>): Observable<DataQueryResponse> {
    return this.datasource.variableValues(request);
  }
}
