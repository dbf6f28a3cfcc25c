// A TemplateSrv that interpolates the way Grafana's does for the cases the datasource meets:
// $name, ${name}, ${name:format} and [[name]]; multi-values; "All" as every option's value,
// or the custom all value when one is set; scoped variables (repeated panels) first.
import { ScopedVars, TypedVariableModel } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

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
