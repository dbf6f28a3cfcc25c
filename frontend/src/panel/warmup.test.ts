import { createTheme } from '@grafana/data';
import type { Renderer } from 'mcp-render';

import { themeColours } from './theme';
import { rehearse } from './warmup';

/** A renderer that records what it is asked, as the wasm Renderer's API takes it. */
class Recorder {
  static made: Recorder[] = [];
  static failAt?: string;
  calls: string[] = [];
  frames: Record<string, string[]> = {};
  private last = '';
  constructor(
    public canvas: HTMLCanvasElement,
    public dark: boolean
  ) {
    Recorder.made.push(this);
  }
  private call(name: string) {
    this.calls.push(name);
    if (Recorder.failAt === name) {
      throw new Error(`${name} failed`);
    }
  }
  setColour(name: string) {
    this.call(`setColour ${name}`);
  }
  setFontFamily(family: string) {
    this.call(`setFontFamily ${family}`);
  }
  beginFrames() {
    this.call('beginFrames');
  }
  addFrame(name: string) {
    this.last = name;
    this.frames[name] = [];
  }
  numbersBuffer(n: number) {
    return new Float64Array(n);
  }
  addWrittenNumbers(name: string) {
    this.frames[this.last].push(name);
  }
  addTexts(name: string) {
    this.frames[this.last].push(name);
  }
  addKept(name: string) {
    this.frames[this.last].push(name);
  }
  addLabel() {}
  setLink() {}
  setSteps() {}
  endFrames() {
    this.call('endFrames');
    return undefined;
  }
  resize(w: number, h: number) {
    this.call(`resize ${w} ${h}`);
  }
  draw() {
    this.call('draw');
  }
  describe() {
    this.call('describe');
    return '';
  }
  free() {
    this.calls.push('free');
  }
}

const R = Recorder as unknown as typeof Renderer;

describe('the rehearsed draw', () => {
  beforeEach(() => {
    Recorder.made = [];
    Recorder.failAt = undefined;
  });

  it('draws a small ecosystem once, as the panel draws its answer, on a canvas outside the page, then frees it', async () => {
    const theme = createTheme({ colors: { mode: 'light' } });
    await rehearse(R, theme);
    expect(Recorder.made).toHaveLength(1);
    const r = Recorder.made[0];
    expect(r.dark).toBe(false);
    expect(r.canvas.isConnected).toBe(false);
    expect(r.calls).toEqual([
      ...Object.keys(themeColours(theme)).map((name) => `setColour ${name}`),
      `setFontFamily ${theme.typography.fontFamily}`,
      'beginFrames',
      'endFrames',
      expect.stringMatching(/^resize \d+ \d+$/),
      'draw',
      'describe',
      'free',
    ]);
    // The backend's ecosystemSummary answer: the summary's columns and its worst tools and pools.
    expect(Object.keys(r.frames)).toEqual(['ecosystemSummary', 'worst']);
    expect(r.frames.ecosystemSummary).toEqual(
      expect.arrayContaining(['service', 'status', 'reasons', 'up', 'p95 latency', 'memory'])
    );
    expect(r.frames.worst).toEqual(expect.arrayContaining(['service', 'kind', 'tool or pool']));
  });

  it('hands the frames over in one idle period and draws in the next, unless a panel has the renderer by then', async () => {
    const asked: string[] = [];
    await rehearse(R, undefined, () => {
      asked.push(Recorder.made.length ? Recorder.made[0].calls.join() : 'before');
      return asked.length < 2;
    });
    expect(asked).toEqual(['before', 'beginFrames,endFrames']);
    expect(Recorder.made[0].calls).toEqual(['beginFrames', 'endFrames', 'free']);
  });

  it('makes no renderer when a panel has the renderer before the first idle period', async () => {
    await rehearse(R, undefined, () => false);
    expect(Recorder.made).toHaveLength(0);
  });

  it('never throws, and frees the renderer when a step fails', async () => {
    Recorder.failAt = 'draw';
    await expect(rehearse(R, undefined)).resolves.toBeUndefined();
    expect(Recorder.made[0].calls.slice(-2)).toEqual(['draw', 'free']);
  });
});
