// Dashboard variables as Grafana's TemplateSrv applies them: $name, ${name}, ${name:format}
// and [[name]], with the named formats a datasource asks for and format functions.
import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

export interface HarnessVariable {
  name: string;
  options: string[];
  multi: boolean;
  current: string[];
}

const variableRegex = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

function escapeRegex(v: string): string {
  return v.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

function formatValue(value: string | string[], format: unknown, variable: unknown): string {
  if (typeof format === 'function') {
    return format(value, variable, formatValue);
  }
  const list = Array.isArray(value) ? value : [value];
  switch (format) {
    case 'raw':
    case 'text':
      return list.join(',');
    case 'csv':
      return list.join(',');
    case 'pipe':
      return list.join('|');
    case 'json':
      return JSON.stringify(value);
    case 'regex':
      return list.length === 1 ? escapeRegex(list[0]) : `(${list.map(escapeRegex).join('|')})`;
    case 'singlequote':
      return list.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
    case 'doublequote':
      return list.map((v) => `"${v.replace(/"/g, '\\"')}"`).join(',');
    case 'queryparam':
      return list
        .map((v) => `var-${encodeURIComponent(String((variable as any)?.name ?? ''))}=${encodeURIComponent(v)}`)
        .join('&');
    case 'percentencode':
      return list.map(encodeURIComponent).join(',');
    case 'glob':
    default:
      return Array.isArray(value) && value.length > 1 ? `{${value.join(',')}}` : list.join(',');
  }
}

export class HarnessTemplateSrv implements TemplateSrv {
  private variables: HarnessVariable[] = [];
  private listeners: Array<() => void> = [];

  setVariables(vars: HarnessVariable[]) {
    this.variables = vars;
    this.listeners.forEach((l) => l());
  }

  setCurrent(name: string, current: string[]) {
    this.variables = this.variables.map((v) => (v.name === name ? { ...v, current } : v));
    this.listeners.forEach((l) => l());
  }

  list(): HarnessVariable[] {
    return this.variables;
  }

  subscribe(l: () => void): () => void {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  getVariables(): TypedVariableModel[] {
    return this.variables.map(
      (v, i) =>
        ({
          id: v.name,
          name: v.name,
          label: v.name,
          type: 'custom',
          rootStateKey: 'harness',
          global: false,
          hide: 0,
          skipUrlSync: false,
          index: i,
          state: 'Done',
          error: null,
          description: null,
          query: v.options.join(','),
          multi: v.multi,
          includeAll: false,
          allValue: null,
          current: { text: v.current, value: v.multi ? v.current : v.current[0], selected: true },
          options: v.options.map((o) => ({ text: o, value: o, selected: v.current.includes(o) })),
        }) as unknown as TypedVariableModel
    );
  }

  containsTemplate(target?: string): boolean {
    if (!target) {
      return false;
    }
    variableRegex.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = variableRegex.exec(target))) {
      const name = m[1] || m[2] || m[4];
      if (this.variables.some((v) => v.name === name)) {
        return true;
      }
    }
    return false;
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(variableRegex, (match, v1, v2, fmt2, v3, _fieldPath, fmt3) => {
      const name = v1 || v2 || v3;
      const fmt = fmt2 || fmt3 || format;
      if (scopedVars && scopedVars[name]) {
        return formatValue(String(scopedVars[name]!.value), fmt, { name });
      }
      const variable = this.variables.find((v) => v.name === name);
      if (!variable) {
        return match;
      }
      const value = variable.multi ? variable.current : (variable.current[0] ?? '');
      return formatValue(value, fmt, variable);
    });
  }

  updateTimeRange(): void {}
}
