// The TypeScript copies of the model's names are checked against the model crate, the one
// source: a query type or threshold added there fails here until the editor knows it.
import fs from 'fs';
import path from 'path';

import { THRESHOLDS } from './settings';
import { QUERY_TYPES, THRESHOLD_KEYS } from './types';

const modelSource = (file: string) =>
  fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'crates', 'model', 'src', file), 'utf8');

function macroBody(source: string, macro: string): string {
  const start = source.indexOf(`${macro}! {`);
  expect(start).toBeGreaterThan(-1);
  return source.slice(start, source.indexOf('\n}', start));
}

describe('the query model', () => {
  it('lists the model crate query types in its order', () => {
    const body = macroBody(modelSource('query.rs'), 'query_types');
    const names = Array.from(body.matchAll(/=> "(\w+)"/g)).map((m) => m[1]);
    expect(names).toHaveLength(15);
    expect([...QUERY_TYPES]).toEqual(names);
  });
});

describe('the status thresholds', () => {
  it('match the model crate keys, seed defaults and directions', () => {
    const body = macroBody(modelSource('status.rs'), 'thresholds');
    const gib = 1024 * 1024 * 1024;
    const rows = Array.from(body.matchAll(/=> "(\w+)", ([^,]+), ([^,]+), (\w+);/g)).map((m) => ({
      key: m[1],
      warn: Number(m[2].replace('* GIB', '').trim()) * (m[2].includes('GIB') ? gib : 1),
      critical: Number(m[3].replace('* GIB', '').trim()) * (m[3].includes('GIB') ? gib : 1),
      higherIsWorse: m[4] === 'HigherIsWorse',
    }));
    expect(rows).toHaveLength(THRESHOLD_KEYS.length);
    expect(
      THRESHOLDS.map(({ key, warn, critical, higherIsWorse }) => ({ key, warn, critical, higherIsWorse }))
    ).toEqual(rows);
    expect(THRESHOLDS.map((t) => t.key)).toEqual([...THRESHOLD_KEYS]);
  });
});
