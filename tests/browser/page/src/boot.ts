// The page's first module: Grafana's boot data must exist before @grafana/runtime is
// evaluated (its `config` is built from window.grafanaBootData on import), so this file
// fetches what Grafana would have rendered into the page, then loads the rest.
//
// URL: /harness/?view=config|query&uid=<datasource uid>&theme=light|dark[&plugin=<id>]
import type { HarnessDatasource } from './types';

declare const __GRAFANA_VERSION__: string;

async function boot() {
  const params = new URLSearchParams(window.location.search);
  const theme = params.get('theme') === 'dark' ? 'dark' : 'light';
  // Grafana's sub-path (root_url's path, served with serve_from_sub_path), from the page's
  // <base> as Grafana's index page writes it: '' at the root, '/grafana' under /grafana/.
  const appSubUrl = new URL(document.baseURI).pathname.replace(/\/$/, '');
  const datasources: HarnessDatasource[] = await (await fetch('api/datasources')).json();
  const byName: Record<string, unknown> = {};
  for (const ds of datasources) {
    byName[ds.name] = { uid: ds.uid, type: ds.type, name: ds.name, isDefault: ds.isDefault };
  }
  const defaultDs = datasources.find((ds) => ds.isDefault);
  (window as any).grafanaBootData = {
    settings: {
      appUrl: `${window.location.origin}${appSubUrl}/`,
      appSubUrl,
      buildInfo: {
        version: __GRAFANA_VERSION__,
        commit: '',
        env: 'production',
        edition: 'Open Source',
        latestVersion: '',
        hasUpdate: false,
        hideVersion: false,
      },
      datasources: byName,
      defaultDatasource: defaultDs?.name ?? '',
      featureToggles: {},
      theme2: undefined,
    },
    user: {
      theme,
      isSignedIn: true,
      login: 'admin',
      orgId: 1,
      orgRole: 'Admin',
      timezone: 'browser',
      weekStart: 'monday',
      locale: 'en-US',
    },
    navTree: [],
  };
  const { start } = await import('./app');
  await start({ theme, params, datasources });
}

boot().catch((err) => {
  (window as any).harnessError = String(err?.stack ?? err);
  document.body.setAttribute('data-harness-state', 'error');
  const pre = document.createElement('pre');
  pre.setAttribute('data-testid', 'harness-boot-error');
  pre.textContent = String(err?.stack ?? err);
  document.body.appendChild(pre);
});
