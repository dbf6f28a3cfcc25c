import { expandList, interpolatePromql } from './variables';
import { testTemplateSrv } from './testing';

const srv = testTemplateSrv([
  { name: 'service', current: ['mahavishnu', 'akosha'], options: ['mahavishnu', 'akosha', 'session-buddy'] },
  { name: 'one', current: 'session-buddy' },
  { name: 'all', current: '$__all', options: ['a', 'b'] },
  { name: 'custom', current: '$__all', options: ['a', 'b'], allValue: 'everything' },
  { name: 'odd', current: ['a,b', 'c"d', 'e|f.*', '100%'] },
]);

describe('expandList', () => {
  it('keeps literal values exactly', () => {
    expect(expandList(['mahavishnu', 'a.b*'], {}, srv)).toEqual(['mahavishnu', 'a.b*']);
  });

  it('expands a multi-value variable into one item per value', () => {
    expect(expandList(['$service'], {}, srv)).toEqual(['mahavishnu', 'akosha']);
    expect(expandList(['${service}', 'literal'], {}, srv)).toEqual(['mahavishnu', 'akosha', 'literal']);
    expect(expandList(['[[service]]'], {}, srv)).toEqual(['mahavishnu', 'akosha']);
  });

  it('expands a single value and a plain string field', () => {
    expect(expandList('$one', {}, srv)).toEqual(['session-buddy']);
  });

  it('turns All without a custom all value into the empty list (every value)', () => {
    expect(expandList(['$all'], {}, srv)).toEqual([]);
    expect(expandList(['x', '${all}'], {}, srv)).toEqual([]);
  });

  it('passes a custom all value through as a value', () => {
    expect(expandList(['$custom'], {}, srv)).toEqual(['everything']);
  });

  it('keeps commas, quotes, regex characters and percent signs inside values', () => {
    expect(expandList(['$odd'], {}, srv)).toEqual(['a,b', 'c"d', 'e|f.*', '100%']);
  });

  it('prefers the scoped value of a repeated panel over All', () => {
    expect(expandList(['$all'], { all: { text: 'b', value: 'b' } }, srv)).toEqual(['b']);
  });

  it('drops duplicates and empty values', () => {
    expect(expandList(['akosha', '$service', ''], {}, srv)).toEqual(['akosha', 'mahavishnu']);
  });

  it('leaves unknown variables as text', () => {
    expect(expandList(['$nope'], {}, srv)).toEqual(['$nope']);
  });
});

describe('interpolatePromql', () => {
  it('writes multi-values as an escaped regex alternative', () => {
    expect(interpolatePromql('up{job=~"$service"}', {}, srv)).toBe('up{job=~"(mahavishnu|akosha)"}');
    expect(interpolatePromql('x{l=~"$odd"}', {}, srv)).toBe('x{l=~"(a,b|c"d|e\\|f\\.\\*|100%)"}');
  });

  it('writes a single value as it is', () => {
    expect(interpolatePromql('up{job="$one"}', {}, srv)).toBe('up{job="session-buddy"}');
  });
});
