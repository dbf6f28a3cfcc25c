// The TypeScript copies of the model's names are checked against the model crate, the one
// source: a query type or threshold added there fails here until the editor knows it.
import { THRESHOLDS } from './settings';
import { macroBody, modelQueryTypes, modelSource } from './testing';
import { QUERY_TYPES, THRESHOLD_KEYS } from './types';

describe('the query model', () => {
  it('lists the model crate query types in its order', () => {
    const body = macroBody(modelSource('query.rs'), 'query_types');
    const names = Array.from(body.matchAll(/=> "(\w+)"/g)).map((m) => m[1]);
    expect(names).toHaveLength(15);
    expect([...QUERY_TYPES]).toEqual(names);
    expect(modelQueryTypes().map((t) => t.queryType)).toEqual(names);
  });
});

describe('the status thresholds', () => {
  const source = modelSource('status.rs');
  const gib = 1024 * 1024 * 1024;
  const num = (text: string) => Number(text.replace('* GIB', '').trim()) * (text.includes('GIB') ? gib : 1);
  const band = (warn: string, critical: string) => ({ warn: num(warn), critical: num(critical) });

  it('name every key the model crate reads', () => {
    const keys = Array.from(macroBody(source, 'thresholds').matchAll(/=> "(\w+)";/g)).map((m) => m[1]);
    const toolP95 = /const TOOL_P95: &str = "(\w+)";/.exec(source)?.[1];
    expect(keys.length).toBeGreaterThan(0);
    expect(THRESHOLDS.map((t) => t.key).sort()).toEqual([...keys, toolP95].sort());
    expect([...THRESHOLD_KEYS].sort()).toEqual([...keys, toolP95].sort());
  });

  it('show the model crate defaults and directions of each profile', () => {
    const fieldKey = new Map(
      Array.from(macroBody(source, 'thresholds').matchAll(/(\w+) => "(\w+)";/g)).map((m) => [m[1], m[2]])
    );
    const defaults = source.slice(source.indexOf('pub fn defaults('));
    const seed = new Map<string, { warn: number; critical: number; higherIsWorse: boolean }>();
    for (const m of defaults.matchAll(/(\w+): band\(([^,]+), ([^,]+), (\w+)\)/g)) {
      seed.set(fieldKey.get(m[1])!, { ...band(m[2], m[3]), higherIsWorse: m[4] === 'HigherIsWorse' });
    }
    const p95 = /ProfileKind::Seed => band\(([^,]+), ([^,]+), (\w+)\)/.exec(defaults)!;
    seed.set('p95LatencySeconds', { ...band(p95[1], p95[2]), higherIsWorse: p95[3] === 'HigherIsWorse' });
    const otel = /const OTEL_P95: Band = Band \{\s*warn: ([^,]+),\s*critical: ([^,]+),/.exec(source)!;

    for (const info of THRESHOLDS) {
      const want = seed.get(info.key);
      if (info.key === 'toolP95LatencySeconds') {
        expect(want).toBeUndefined();
        expect(info.seed).toBeUndefined();
        continue;
      }
      expect({ key: info.key, ...info.seed, higherIsWorse: info.higherIsWorse }).toEqual({ key: info.key, ...want });
    }
    expect(THRESHOLDS.find((t) => t.key === 'p95LatencySeconds')?.otel).toEqual(band(otel[1], otel[2]));
  });
});
