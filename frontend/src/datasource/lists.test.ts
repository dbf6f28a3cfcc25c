import { dateTime, TimeRange } from '@grafana/data';

import { ListCache, listRange } from './lists';
import { fakeGrafanaApi, SentRequest, testDataSource, testTemplateSrv } from './testing';

/** A promise settled by the test. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function rangeOf(fromMs: number, toMs: number): TimeRange {
  return { from: dateTime(fromMs), to: dateTime(toMs), raw: { from: 'now-1h', to: 'now' } };
}

const T0 = 1_700_000_040_000; // a whole minute

describe('ListCache', () => {
  it('shares one load among the callers of a key while it is in flight and after it arrived', async () => {
    const cache = new ListCache<string[]>();
    const answer = deferred<string[]>();
    const load = jest.fn(() => answer.promise);
    const first = cache.get('tools', load);
    const second = cache.get('tools', load);
    answer.resolve(['deploy']);
    expect(await first).toEqual(['deploy']);
    expect(await second).toEqual(['deploy']);
    expect(await cache.get('tools', load)).toEqual(['deploy']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps no failure: every caller of the failed load sees it, the next caller loads again', async () => {
    const cache = new ListCache<string[]>();
    const failing = deferred<string[]>();
    const load = jest.fn().mockReturnValueOnce(failing.promise).mockResolvedValueOnce(['deploy']);
    const first = cache.get('tools', load);
    const second = cache.get('tools', load);
    failing.reject(new Error('upstream down'));
    await expect(first).rejects.toThrow('upstream down');
    await expect(second).rejects.toThrow('upstream down');
    expect(await cache.get('tools', load)).toEqual(['deploy']);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('loads again once an answer is older than its maximum age', async () => {
    let now = T0;
    const cache = new ListCache<number>({ maxAgeMs: 60_000, now: () => now });
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await cache.get('k', load)).toBe(1);
    now += 59_999;
    expect(await cache.get('k', load)).toBe(1);
    now += 1;
    expect(await cache.get('k', load)).toBe(2);
  });

  it('pushes out the least recently used list when full', async () => {
    const cache = new ListCache<string>({ size: 2 });
    const loaded: string[] = [];
    const get = (k: string) =>
      cache.get(k, () => {
        loaded.push(k);
        return Promise.resolve(k);
      });
    await get('a');
    await get('b');
    await get('a'); // a used last: b goes first
    await get('c');
    await get('a');
    await get('b');
    expect(loaded).toEqual(['a', 'b', 'c', 'b']);
  });
});

describe('listRange', () => {
  it('widens a range to whole minutes, so the renders of one minute share a list', () => {
    expect(listRange(rangeOf(T0 + 12_345, T0 + 3_600_000 - 1_000))).toEqual({ from: T0, to: T0 + 3_600_000 });
    expect(listRange(rangeOf(T0 + 59_000, T0 + 3_600_001))).toEqual({ from: T0, to: T0 + 3_660_000 });
    expect(listRange(rangeOf(T0, T0 + 60_000))).toEqual({ from: T0, to: T0 + 60_000 });
    expect(listRange(undefined)).toBeUndefined();
  });
});

describe('McpDataSource lists', () => {
  let sent: SentRequest[];
  let answer: (request: SentRequest) => unknown;
  const templateSrv = testTemplateSrv([{ name: 'service', current: ['mahavishnu'] }]);
  const hour = rangeOf(T0, T0 + 3_600_000);
  const listsAsked = () => sent.map((r) => `${r.url.split('/').pop()} ${JSON.stringify(r.params)}`);

  beforeEach(() => {
    answer = (r) => (r.url.endsWith('/services') ? ['akosha', 'mahavishnu'] : ['deploy', 'search']);
    sent = fakeGrafanaApi((r) => answer(r));
  });

  it('asks once per list, range and services however many callers ask at once', async () => {
    const ds = testDataSource(templateSrv);
    const answers = await Promise.all([
      ds.listValues('tools', hour, ['mahavishnu']),
      ds.listValues('tools', hour, ['mahavishnu']),
      ds.listValues('tools', rangeOf(T0 + 1_000, T0 + 3_599_000), ['$service']),
      ds.listValues('services', hour),
    ]);
    expect(answers).toEqual([
      ['deploy', 'search'],
      ['deploy', 'search'],
      ['deploy', 'search'],
      ['akosha', 'mahavishnu'],
    ]);
    await ds.listValues('tools', hour, ['mahavishnu']);
    expect(listsAsked()).toEqual([
      `tools {"from":"${T0}","to":"${T0 + 3_600_000}","services":"mahavishnu"}`,
      `services {"from":"${T0}","to":"${T0 + 3_600_000}"}`,
    ]);
  });

  it('asks again when the time range moves to another minute', async () => {
    const ds = testDataSource(templateSrv);
    await ds.listValues('tools', hour);
    await ds.listValues('tools', rangeOf(T0 + 60_000, T0 + 3_660_000));
    await ds.listValues('tools', rangeOf(T0 + 60_000, T0 + 3_660_000));
    expect(listsAsked()).toEqual([
      `tools {"from":"${T0}","to":"${T0 + 3_600_000}"}`,
      `tools {"from":"${T0 + 60_000}","to":"${T0 + 3_660_000}"}`,
    ]);
  });

  it('asks again when the services narrowing the list change, through a variable too', async () => {
    const variable = { name: 'service', current: ['mahavishnu'] };
    const ds = testDataSource(testTemplateSrv([variable]));
    await ds.listValues('tools', hour, ['$service']);
    variable.current = ['akosha'];
    await ds.listValues('tools', hour, ['$service']);
    await ds.listValues('tools', hour, ['akosha']);
    await ds.listValues('tools', hour);
    expect(sent.map((r) => r.params?.services)).toEqual(['mahavishnu', 'akosha', undefined]);
  });

  it('keeps no failed answer: the next caller asks the backend again', async () => {
    const ds = testDataSource(templateSrv);
    answer = () => {
      throw { status: 502, data: { error: 'Prometheus at http://prometheus:9090 did not answer' } };
    };
    await expect(ds.listValues('tools', hour)).rejects.toMatchObject({ status: 502 });
    answer = () => ['deploy'];
    expect(await ds.listValues('tools', hour)).toEqual(['deploy']);
    expect(await ds.listValues('tools', hour)).toEqual(['deploy']);
    expect(sent).toHaveLength(2);
  });

  it('keeps each datasource its own lists', async () => {
    await testDataSource(templateSrv).listValues('tools', hour);
    await testDataSource(templateSrv).listValues('tools', hour);
    expect(sent).toHaveLength(2);
  });
});
