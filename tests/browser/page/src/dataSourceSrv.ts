// Grafana's DataSourceSrv for the harness: instance settings from /api/datasources, plugin
// meta from each plugin's plugin.json, instances built from the loaded plugin's class.
import type {
  DataSourceApi,
  DataSourceInstanceSettings,
  DataSourcePlugin,
  DataSourcePluginMeta,
  DataSourceRef,
} from '@grafana/data';
import type { DataSourceSrv, GetDataSourceListFilters } from '@grafana/runtime';

import type { HarnessDatasource } from './types';

/** Meta of a datasource type the harness does not load (Tempo for the trace pickers). */
function foreignMeta(ds: HarnessDatasource): DataSourcePluginMeta {
  return {
    id: ds.type,
    name: ds.typeName ?? ds.type,
    type: 'datasource' as any,
    module: '',
    baseUrl: '',
    tracing: ds.type === 'tempo' || ds.type === 'jaeger' || ds.type === 'zipkin',
    info: {
      author: { name: 'Grafana Labs' },
      description: '',
      links: [],
      logos: { small: ds.typeLogoUrl, large: ds.typeLogoUrl },
      screenshots: [],
      updated: '',
      version: '',
    },
  } as DataSourcePluginMeta;
}

export class HarnessDataSourceSrv implements DataSourceSrv {
  private settings: Array<DataSourceInstanceSettings<any>> = [];
  private instances = new Map<string, DataSourceApi>();

  constructor(
    private readonly plugin: DataSourcePlugin<any, any, any, any>,
    private readonly meta: DataSourcePluginMeta
  ) {}

  setDatasources(list: HarnessDatasource[]) {
    this.settings = list.map((ds) => ({
      id: ds.id,
      uid: ds.uid,
      type: ds.type,
      name: ds.name,
      meta: ds.type === this.meta.id ? this.meta : foreignMeta(ds),
      url: `/api/datasources/proxy/uid/${ds.uid}`,
      jsonData: ds.jsonData,
      access: ds.access,
      readOnly: ds.readOnly,
      isDefault: ds.isDefault,
      withCredentials: ds.withCredentials,
    }));
    this.instances.clear();
  }

  async reload(): Promise<void> {
    const list: HarnessDatasource[] = await (await fetch('api/datasources')).json();
    this.setDatasources(list);
  }

  getInstanceSettings(ref?: string | DataSourceRef | null): DataSourceInstanceSettings<any> | undefined {
    if (ref === undefined || ref === null) {
      return this.settings.find((s) => s.isDefault);
    }
    const key = typeof ref === 'string' ? ref : ref.uid;
    return this.settings.find((s) => s.uid === key || s.name === key);
  }

  async get(ref?: string | DataSourceRef | null): Promise<DataSourceApi> {
    const settings = this.getInstanceSettings(ref);
    if (!settings) {
      throw new Error(`Datasource ${JSON.stringify(ref)} was not found`);
    }
    const cached = this.instances.get(settings.uid);
    if (cached) {
      return cached;
    }
    if (settings.type !== this.meta.id) {
      throw new Error(`the harness loads only ${this.meta.id}, not ${settings.type}`);
    }
    const ds: DataSourceApi = new this.plugin.DataSourceClass(settings);
    ds.meta = this.meta;
    ds.components = this.plugin.components;
    this.instances.set(settings.uid, ds);
    return ds;
  }

  getList(filters: GetDataSourceListFilters = {}): Array<DataSourceInstanceSettings<any>> {
    return this.settings
      .filter((s) => !filters.tracing || s.meta.tracing)
      .filter((s) => !filters.metrics || s.meta.metrics)
      .filter((s) => !filters.logs || s.meta.logs)
      .filter((s) => !filters.pluginId || s.meta.id === filters.pluginId)
      .filter(
        (s) => !filters.type || (Array.isArray(filters.type) ? filters.type.includes(s.type) : s.type === filters.type)
      )
      .filter((s) => !filters.filter || filters.filter(s))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
