// Template variables inside a query: list fields expand into arrays of exact values (the
// backend escapes each one before it reaches PromQL); only the promql type's own text is
// interpolated as PromQL, the way Grafana's Prometheus datasource does it.
import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

/** Grafana's value of a variable set to "All". */
const ALL_VALUE = '$__all';
/** A list item that is one whole variable reference: $name, ${name}, ${name:fmt}, [[name]]. */
const WHOLE_VARIABLE = /^(?:\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\])$/;

/**
 * Expands each item of a list field. A variable set to "All" without a custom all value
 * makes the whole list empty (= every value); multi-values become separate items; values
 * keep commas, quotes and regex characters exactly as they are.
 */
export function expandList(
  items: string[] | string | undefined,
  scopedVars: ScopedVars,
  templateSrv: TemplateSrv
): string[] {
  const list = typeof items === 'string' ? [items] : (items ?? []);
  const out: string[] = [];
  for (const item of list) {
    const values = expandItem(item, scopedVars, templateSrv);
    if (values === 'all') {
      return [];
    }
    for (const value of values) {
      if (value !== '' && !out.includes(value)) {
        out.push(value);
      }
    }
  }
  return out;
}

function expandItem(item: string, scopedVars: ScopedVars, templateSrv: TemplateSrv): string[] | 'all' {
  if (!templateSrv.containsTemplate(item)) {
    return [item];
  }
  const match = WHOLE_VARIABLE.exec(item);
  const name = match && (match[1] ?? match[2] ?? match[3]);
  if (name && !scopedVars[name] && selectsAllWithoutCustomValue(name, templateSrv)) {
    return 'all';
  }
  // Each value is URI-encoded so that the separator cannot occur inside one.
  const text = templateSrv.replace(item, scopedVars, (value: string | string[]) =>
    (Array.isArray(value) ? value : [value]).map((v) => encodeURIComponent(String(v))).join(',')
  );
  return text.split(',').map(decode);
}

function selectsAllWithoutCustomValue(name: string, templateSrv: TemplateSrv): boolean {
  const variable = templateSrv.getVariables().find((v) => v.name === name) as
    { current?: { value?: unknown }; allValue?: string | null } | undefined;
  const value = variable?.current?.value;
  const all = value === ALL_VALUE || (Array.isArray(value) && value.includes(ALL_VALUE));
  return all && !variable?.allValue;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Escapes a value for a PromQL regex matcher, as Grafana's Prometheus datasource does. */
function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');
}

/**
 * Interpolates the PromQL text of a promql query: a single value as it is, several values
 * as a regex alternative (a|b) for `=~` matchers.
 */
export function interpolatePromql(expr: string, scopedVars: ScopedVars, templateSrv: TemplateSrv): string {
  return templateSrv.replace(expr, scopedVars, (value: string | string[]) => {
    if (typeof value === 'string') {
      return value;
    }
    if (value.length === 1) {
      return value[0];
    }
    return '(' + value.map(escapeRegex).join('|') + ')';
  });
}
