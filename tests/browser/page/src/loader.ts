// Loads a plugin's module.js as Grafana does: the modules Grafana shares with plugins are
// registered with SystemJS under their package names, and every plugin source is wrapped so
// that its AMD `define` is Grafana's (window.__grafana_amd_define, the SystemJS AMD extra's
// define moved aside so that Monaco's loader still works). In Grafana 10.4 @grafana/runtime
// brings SystemJS and moves `define`; later runtimes do neither (Grafana's own frontend does),
// so the page brings the same SystemJS and moves `define` when nothing has yet.
import 'systemjs/dist/system';
import 'systemjs/dist/extras/amd';
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
// @ts-ignore lodash ships no types and the frontend package has no @types/lodash.
import * as lodash from 'lodash';
import * as moment from 'moment';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

// CommonJS packages reach an AMD module as their exports object, ES modules as their namespace.
const cjs = (ns: any) => ns.default ?? ns;

const shared: Record<string, unknown> = {
  react: cjs(React),
  'react-dom': cjs(ReactDOM),
  'react/jsx-runtime': cjs(jsxRuntime),
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  lodash: cjs(lodash),
  moment: cjs(moment),
  rxjs,
  'rxjs/operators': rxjsOperators,
};

let installed = false;

/** Grafana's SystemJS, with the AMD extra's define moved aside once. */
function systemJS(): any {
  const w = window as any;
  if (!w.__grafana_amd_define) {
    w.__grafana_amd_define = w.define;
    w.define = undefined;
  }
  return w.System;
}

/**
 * Whether the page's Content-Security-Policy lets scripts evaluate text. SystemJS (and
 * runtime's CommonJS extra) evaluate the fetched source; without 'unsafe-eval' module.js
 * is loaded by a script tag instead, its AMD `define` being Grafana's while it runs.
 */
function evalAllowed(): boolean {
  try {
    return new Function('return true')();
  } catch {
    return false;
  }
}

function install() {
  if (installed) {
    return;
  }
  installed = true;
  const System = systemJS();
  const imports: Record<string, string> = {};
  for (const [name, mod] of Object.entries(shared)) {
    const url = `app:${name}`;
    imports[name] = url;
    System.set(url, { ...(mod as object), default: mod, __useDefault: true });
  }
  System.addImportMap({ imports });
  const proto = System.constructor.prototype;
  const originalFetch = proto.fetch;
  proto.shouldFetch = (url: string) => url.endsWith('.js') || url.includes('.js?');
  if (!evalAllowed()) {
    proto.instantiate = function (this: any, url: string) {
      return new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = url;
        script.onerror = () => reject(new Error(`${url} did not load`));
        script.onload = () => {
          script.remove();
          resolve(this.getRegister(url));
        };
        document.head.appendChild(script);
      });
    };
  }
  proto.fetch = async (url: string, options: RequestInit) => {
    const res: Response = await originalFetch(url, options);
    if (!res.ok || !(url.endsWith('.js') || url.includes('.js?'))) {
      return res;
    }
    const source = await res.text();
    const wrapped = `(function(define) {\n${source}\n})(window.__grafana_amd_define);\n//# sourceURL=${url}`;
    return new Response(new Blob([wrapped], { type: 'text/javascript' }), {
      headers: { 'Content-Type': 'text/javascript' },
    });
  };
}

/** Imports public/plugins/<id>/module.js and returns its exports. */
export async function importPlugin(id: string): Promise<any> {
  install();
  const w = window as any;
  const globalDefine = w.define;
  w.define = w.__grafana_amd_define;
  try {
    // Relative to the page's base ("/", or Grafana's sub-path), as Grafana resolves plugin paths.
    return await systemJS().import(`./public/plugins/${id}/module.js`);
  } finally {
    w.define = globalDefine;
  }
}
