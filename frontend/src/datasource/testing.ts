// Test helpers. A TemplateSrv that interpolates the way Grafana's does for the cases the datasource meets:
// $name, ${name}, ${name:format} and [[name]]; multi-values; "All" as every option's value,
// or the custom all value when one is set; scoped variables (repeated panels) first.
import fs from 'fs';
import path from 'path';
import { DataSourceInstanceSettings, ScopedVars, TypedVariableModel } from '@grafana/data';
import { BackendSrv, setBackendSrv, TemplateSrv } from '@grafana/runtime';
import { of, throwError } from 'rxjs';

import { McpDataSource } from './datasource';
import { Format, McpOptions, QueryType, QueryTypeInfo } from './types';

export interface TestVariable {
  name: string;
  /** The selected value(s); '$__all' for All. */
  current: string | string[];
  options?: string[];
  allValue?: string;
}

const REFERENCE = /\$(\w+)|\$\{(\w+)(?::([^}]*))?\}|\[\[(\w+)(?::([^\]]*))?\]\]/g;

type Formatter = (value: string | string[], variable?: unknown) => string;

export function testTemplateSrv(variables: TestVariable[]): TemplateSrv {
  const byName = new Map(variables.map((v) => [v.name, v]));
  const valueOf = (v: TestVariable): string | string[] => {
    const all = v.current === '$__all' || (Array.isArray(v.current) && v.current.includes('$__all'));
    if (all) {
      return v.allValue ?? v.options ?? [];
    }
    return v.current;
  };
  const srv = {
    getVariables: () =>
      variables.map(
        (v) =>
          ({
            name: v.name,
            type: 'query',
            current: { value: v.current, text: v.current },
            allValue: v.allValue ?? null,
          }) as unknown as TypedVariableModel
      ),
    containsTemplate: (target?: string) => {
      if (!target) {
        return false;
      }
      return Array.from(target.matchAll(REFERENCE)).some((m) => byName.has(m[1] ?? m[2] ?? m[4]));
    },
    replace: (target?: string, scopedVars?: ScopedVars, format?: string | Formatter) => {
      if (!target) {
        return '';
      }
      return target.replace(REFERENCE, (whole, a, b, _bf, c) => {
        const name: string = a ?? b ?? c;
        const scoped = scopedVars?.[name];
        const variable = byName.get(name);
        if (!scoped && !variable) {
          return whole;
        }
        const value: string | string[] = scoped ? String(scoped.value) : valueOf(variable!);
        if (typeof format === 'function') {
          return format(value, variable);
        }
        return Array.isArray(value) ? `{${value.join(',')}}` : value;
      });
    },
    updateTimeRange: () => {},
  };
  return srv as unknown as TemplateSrv;
}

/** A request the editors sent to Grafana's HTTP API. */
export interface SentRequest {
  method: string;
  url: string;
  params?: Record<string, string>;
  data?: unknown;
}

/**
 * Stands in for Grafana's HTTP API at the one seam the editors use (BackendSrv.fetch):
 * `answer` gets each request and returns the JSON body, or throws {status, data} as an
 * HTTP error. Returns the requests sent, in order.
 */
export function fakeGrafanaApi(answer: (request: SentRequest) => unknown): SentRequest[] {
  const sent: SentRequest[] = [];
  setBackendSrv({
    fetch: (options: SentRequest) => {
      const request = { method: options.method ?? 'GET', url: options.url, params: options.params, data: options.data };
      sent.push(request);
      try {
        return of({ data: answer(request), status: 200, ok: true });
      } catch (e) {
        return throwError(() => e);
      }
    },
  } as unknown as BackendSrv);
  return sent;
}

export function testDataSource(templateSrv: TemplateSrv = testTemplateSrv([])): McpDataSource {
  const settings = {
    id: 1,
    uid: 'mcp',
    name: 'MCP Ecosystem',
    type: 'mahavishnu-mcp-datasource',
    access: 'proxy',
    jsonData: {},
    meta: { id: 'mahavishnu-mcp-datasource', name: 'MCP Ecosystem', info: { logos: {} } },
    readOnly: false,
  } as unknown as DataSourceInstanceSettings<McpOptions>;
  return new McpDataSource(settings, templateSrv);
}

/** A source file of the model crate (crates/model/src), the one source of the query model. */
export function modelSource(file: string): string {
  return fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'crates', 'model', 'src', file), 'utf8');
}

/** The body of a `macro! { ... }` invocation in a model source. */
export function macroBody(source: string, macro: string): string {
  const start = source.indexOf(`${macro}! {`);
  if (start < 0) {
    throw new Error(`no ${macro}! in the model source`);
  }
  return source.slice(start, source.indexOf('\n}', start));
}

/**
 * The backend's `queryTypes` answer, read from the model crate's `query_types!` (type, default
 * format, fields, description), for tests that stand in for the backend.
 */
export function modelQueryTypes(): QueryTypeInfo[] {
  const body = macroBody(modelSource('query.rs'), 'query_types');
  const entry = /=> "(\w+)", (\w+), \[([^\]]*)\],\s*"((?:[^"\\]|\\.)*)";/g;
  const lowerFirst = (w: string) => w.charAt(0).toLowerCase() + w.slice(1);
  return Array.from(body.matchAll(entry)).map((m) => ({
    queryType: m[1] as QueryType,
    defaultFormat: lowerFirst(m[2]) as Format,
    fields: m[3]
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '')
      .map(lowerFirst),
    description: m[4],
  }));
}
