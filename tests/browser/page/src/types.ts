import type { DataSourceJsonData } from '@grafana/data';

/** A datasource as Grafana's /api/datasources/uid/<uid> shows it. */
export interface HarnessDatasource {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
  typeName?: string;
  typeLogoUrl: string;
  access: 'proxy' | 'direct';
  url: string;
  user: string;
  database: string;
  basicAuth: boolean;
  basicAuthUser: string;
  withCredentials: boolean;
  isDefault: boolean;
  jsonData: DataSourceJsonData;
  secureJsonFields: Record<string, boolean>;
  version: number;
  readOnly: boolean;
}
