// The panel's component: hands the query's frames to the renderer as typed columns, sizes
// the canvas to the panel and the screen's pixel ratio, takes its colours from Grafana's
// theme and its time zone from the dashboard, and turns the renderer's hit-testing into
// tooltips, links and keyboard focus. What the panel says instead of the overview (the
// renderer's problem with the frames, or why the renderer cannot start) is the page's text,
// in one message box: it wraps inside long words, can be selected and is read as it is; the
// datasource's error is in Grafana's error alert, with what to do.
import { css } from '@emotion/css';
import { GrafanaTheme2, locationUtil, PanelData, PanelProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { Alert, Portal, useStyles2, useTheme2, VizTooltipContainer } from '@grafana/ui';
import React, { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';

import { handOver, linkDestination, linkRange, panelAnswer, rangeMs, tileLimit, toColumns } from '../columns';
import { ERROR_STATE, queryFailures } from '../errors';
import { thresholdLegend } from '../legend';
import { selectors } from '../selectors';
import { applyTheme } from '../theme';
import { PanelOptions } from '../types';
import { HitInfo, loadedRenderer, loadRenderer, Renderer } from '../wasm';
import { utcOffset } from '../zone';

const LEGEND_LINE_HEIGHT = 18;

/** What a tooltip says of a hit, where a click on it goes, and where its tooltip hangs without a pointer. */
interface Hit {
  kind: string;
  title: string;
  text: string;
  link?: string;
  /** CSS pixels from the canvas's corner; none when it is not drawn. */
  anchor?: [number, number];
}

/** A hit's tooltip where the pointer is. */
interface Tip extends Hit {
  x: number;
  y: number;
}

/** Reads a hit's fields and frees it (wasm-bindgen objects live in the module's memory). */
function take(info: HitInfo | undefined): Hit | undefined {
  if (!info) {
    return undefined;
  }
  const hit = {
    kind: info.kind,
    title: info.title,
    text: info.text,
    link: info.link ?? undefined,
    anchor: info.x !== undefined && info.y !== undefined ? ([info.x, info.y] as [number, number]) : undefined,
  };
  info.free();
  return hit;
}

/** The tooltip of what the keyboard is on, hung where the pointer's would be. */
function keyboardTip(hit: Hit | undefined, canvas: HTMLCanvasElement): Tip | undefined {
  if (!hit?.anchor) {
    return undefined;
  }
  const box = canvas.getBoundingClientRect();
  return { ...hit, x: box.left + hit.anchor[0], y: box.top + hit.anchor[1] };
}

/** `${service}` survives dashboard variables (a dashboard may have one of that name). */
function drilldownTemplate(url: string, replaceVariables: PanelProps['replaceVariables']): string {
  const placeholder = '__MCP_SERVICE__';
  return replaceVariables(url.split('${service}').join(placeholder)).split(placeholder).join('${service}');
}

/**
 * Opens a hit's link: in a new tab when asked (`newTab`) or when it leaves Grafana, else in
 * place, as Grafana's router goes.
 */
function follow(kind: string, link: string, newTab: boolean) {
  const to = linkDestination(kind, link);
  if ('newTab' in to) {
    window.open(to.newTab, '_blank', 'noopener,noreferrer');
  } else if (newTab) {
    window.open(locationUtil.assureBaseUrl(to.inPlace), '_blank', 'noopener,noreferrer');
  } else {
    locationService.push(to.inPlace);
  }
}

/** Ctrl or Cmd (or Shift) held asks for a new tab, as over one of Grafana's link anchors. */
const wantsNewTab = (e: React.MouseEvent | React.KeyboardEvent) => e.ctrlKey || e.metaKey || e.shiftKey;

/** Follows the link of what is under the pointer, if anything. */
function followAt(r: Renderer | undefined, e: React.MouseEvent<HTMLElement>, newTab: boolean) {
  const box = e.currentTarget.getBoundingClientRect();
  const hit = take(r?.hit(e.clientX - box.left, e.clientY - box.top));
  if (hit?.link) {
    follow(hit.kind, hit.link, newTab);
  }
}

export function OverviewPanel({
  data,
  width,
  height,
  options,
  replaceVariables,
  timeZone,
  transparent,
}: PanelProps<PanelOptions>) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const canvas = useRef<HTMLCanvasElement>(null);
  const description = useRef<HTMLDivElement>(null);
  const legendBox = useRef<HTMLDivElement>(null);
  const renderer = useRef<Renderer>();
  const size = useRef({ width: 0, height: 0 });
  // What the renderer was last handed: a resize, the theme or the time zone repaints without
  // converting and handing over the frames again (a few ms for a large ecosystem).
  const handed = useRef<{ renderer: Renderer; data: PanelData; options: PanelOptions }>();
  // What the pointer is on, read from the renderer only when that changes.
  const hovered = useRef<Hit>();
  // Where the pointer is (client pixels) while it is over the canvas: a refresh hovers there
  // again, so a pointer resting on a tile keeps its tooltip, with the new values.
  const pointer = useRef({ over: false, x: 0, y: 0 });
  // The Renderer class: at hand when the .wasm was loaded before this panel mounted.
  const [RendererClass, setRendererClass] = useState(loadedRenderer);
  const [failure, setFailure] = useState<string>();
  // The renderer's message in place of the overview (no data, the datasource's error...).
  const [problem, setProblem] = useState<string>();
  const [tip, setTip] = useState<Tip>();
  const [announce, setAnnounce] = useState('');

  const legend = useMemo(() => (options.showThresholds ? thresholdLegend(data.series) : []), [data.series, options]);
  // The frames drawn, merged once per answer, for the hand-over and the notices alike.
  const answer = useMemo(() => panelAnswer(data), [data]);
  const failures = useMemo(() => queryFailures(data, answer), [data, answer]);
  // Per panel: two panels on a dashboard each describe their own canvas.
  const descriptionId = useId();
  const offset = useMemo(() => utcOffset(timeZone), [timeZone]);

  useEffect(() => {
    if (RendererClass) {
      return;
    }
    let live = true;
    loadRenderer().then(
      (R) => live && setRendererClass(() => R),
      (e: Error) => live && setFailure(e.message)
    );
    return () => {
      live = false;
    };
  }, [RendererClass]);

  // The renderer lives as long as the canvas.
  useLayoutEffect(
    () => () => {
      renderer.current?.free();
      renderer.current = undefined;
    },
    []
  );

  // A layout effect, and its drawing goes through no React state: with the renderer loaded,
  // the panel's first draw is in its first frame, with no re-render before it. The two states
  // it sets after drawing (the renderer's problem, the keyboard's or the pointer's tooltip) are not among its
  // dependencies, so it does not run again for them. The legend and the notices of failed
  // queries wrap to as many lines as the width needs, up to their share of the height
  // (scrolled past it); the canvas takes the height left.
  useLayoutEffect(() => {
    const element = canvas.current;
    if (!RendererClass || !element) {
      return;
    }
    const r = renderer.current ?? new RendererClass(element, theme.isDark);
    renderer.current = r;
    const canvasHeight = Math.max(0, height - (legendBox.current?.offsetHeight ?? 0));
    element.style.height = `${canvasHeight}px`;
    size.current = { width, height: canvasHeight };
    r.setMode(theme.isDark);
    // Grafana's "Transparent background": the dashboard shows through the canvas.
    r.setTransparent(Boolean(transparent));
    applyTheme(r, theme, Boolean(transparent));
    r.setDrilldown(drilldownTemplate(options.drilldownUrl ?? '', replaceVariables));
    r.setMaxTiles(tileLimit(options));
    r.setTimeZone(offset);
    const last = handed.current;
    if (last?.renderer !== r || last.data !== data || last.options !== options) {
      if (failures.message !== undefined) {
        r.setError(failures.message);
      } else {
        try {
          const range = data.timeRange ?? data.request?.range;
          handOver(r, toColumns(answer.frames, options, linkRange(range)), rangeMs(range));
        } catch (e) {
          r.setError(String((e as Error)?.message ?? e));
        }
      }
      handed.current = { renderer: r, data, options };
    } else {
      // The pointer's highlight goes, as with new frames, to be found again where it is.
      r.leave();
    }
    r.resize(width, canvasHeight, window.devicePixelRatio || 1);
    hovered.current = undefined;
    const resting = pointer.current;
    if (resting.over) {
      const box = element.getBoundingClientRect();
      r.hover(resting.x - box.left, resting.y - box.top);
      hovered.current = take(r.hovered());
      element.style.cursor = hovered.current?.link ? 'pointer' : 'default';
    }
    r.draw();
    // With a problem the canvas holds the background alone: the message is the text over it,
    // read as it is, and the canvas has nothing to describe.
    const said = r.problem ?? undefined;
    setProblem(said);
    if (description.current) {
      description.current.textContent = said === undefined ? r.describe() : '';
    }
    element.dataset.ready = 'true';
    // The keyboard stays on what it was on (the renderer finds it again by name), the
    // pointer's highlight on what is under it; the tooltip shows the new values, the
    // keyboard's first.
    const keyed = document.activeElement === element ? keyboardTip(take(r.focused()), element) : undefined;
    const pointed = resting.over && hovered.current ? { ...hovered.current, x: resting.x, y: resting.y } : undefined;
    setTip(keyed ?? pointed);
  }, [
    RendererClass,
    data,
    answer,
    failures,
    options,
    width,
    height,
    legend,
    theme,
    transparent,
    replaceVariables,
    offset,
  ]);

  // A new devicePixelRatio (the window moved to another screen, the page zoomed) redraws.
  // The media query matches one ratio: after each change it is made again for the new one,
  // or only the first change would be seen.
  useEffect(() => {
    if (!RendererClass) {
      return;
    }
    let query: MediaQueryList | undefined;
    const watch = () => {
      query = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      query.addEventListener('change', redraw);
    };
    const redraw = () => {
      query?.removeEventListener('change', redraw);
      renderer.current?.resize(size.current.width, size.current.height, window.devicePixelRatio || 1);
      renderer.current?.draw();
      watch();
    };
    watch();
    return () => query?.removeEventListener('change', redraw);
  }, [RendererClass]);

  const at = (e: React.MouseEvent) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top] as const;
  };

  const onMove = useCallback((e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = renderer.current;
    if (!r) {
      return;
    }
    // Written in place: a move makes no object for it.
    const p = pointer.current;
    p.over = true;
    p.x = e.clientX;
    p.y = e.clientY;
    const [x, y] = at(e);
    if (r.hover(x, y)) {
      // The highlight moved: redraw and read the new tooltip (a move within the same
      // thing only moves the tooltip, and asks the renderer for nothing more).
      hovered.current = take(r.hovered());
      r.draw();
    }
    const hit = hovered.current;
    setTip(hit && { ...hit, x: e.clientX, y: e.clientY });
    e.currentTarget.style.cursor = hit?.link ? 'pointer' : 'default';
  }, []);

  const onLeave = useCallback(() => {
    pointer.current.over = false;
    hovered.current = undefined;
    renderer.current?.leave();
    renderer.current?.draw();
    setTip(undefined);
  }, []);

  // The keyboard's outline and tooltip go with the focus (the pointer's come back at its
  // next move).
  const onBlur = useCallback(() => {
    renderer.current?.blur();
    renderer.current?.draw();
    setTip(undefined);
  }, []);

  // A click follows the link; with Ctrl, Cmd or Shift, or with the middle button, in a
  // new tab, as Grafana's own links do.
  const onClick = useCallback(
    (e: React.MouseEvent<HTMLCanvasElement>) => followAt(renderer.current, e, wantsNewTab(e)),
    []
  );

  const onAuxClick = useCallback((e: React.MouseEvent<HTMLCanvasElement>) => {
    if (e.button === 1) {
      e.preventDefault();
      followAt(renderer.current, e, true);
    }
  }, []);

  const onKeyDown = useCallback((e: React.KeyboardEvent<HTMLCanvasElement>) => {
    const r = renderer.current;
    if (!r) {
      return;
    }
    const moves: Record<string, boolean> = { ArrowRight: false, ArrowDown: false, ArrowLeft: true, ArrowUp: true };
    if (e.key in moves) {
      e.preventDefault();
      const hit = take(r.focusNext(moves[e.key]));
      r.draw();
      setAnnounce(hit ? `${hit.title}. ${hit.text}` : '');
      setTip(keyboardTip(hit, e.currentTarget));
    } else if (e.key === 'Enter' || e.key === ' ') {
      // As a button: Enter or Space follows the link, and Space does not scroll the page.
      e.preventDefault();
      const hit = take(r.focused());
      if (hit?.link) {
        follow(hit.kind, hit.link, wantsNewTab(e));
      }
    }
  }, []);

  if (failure) {
    return (
      <div className={styles.wrapper} style={{ width, height }}>
        <Message testId={selectors.failure}>
          <Alert className={styles.alert} severity="error" title="The MCP Ecosystem panel cannot start">
            {failure}
          </Alert>
        </Message>
      </div>
    );
  }
  return (
    <div className={styles.wrapper} style={{ width, height }} data-testid={selectors.panel}>
      <div className={styles.stage}>
        {/* An application to screen readers, which then leave the arrow keys to the panel; with
            a message instead of the overview, nothing to them (the message is the text). */}
        <canvas
          ref={canvas}
          className={styles.canvas}
          style={{ width }}
          tabIndex={problem === undefined ? 0 : -1}
          role="application"
          aria-roledescription="MCP ecosystem overview"
          aria-label="MCP ecosystem overview: arrow keys move between services, tools, pools and the failing and slowest exemplars; Enter or Space opens a link"
          aria-describedby={problem === undefined ? descriptionId : undefined}
          aria-hidden={problem === undefined ? undefined : true}
          data-testid={selectors.canvas}
          onMouseMove={onMove}
          onMouseLeave={onLeave}
          onClick={onClick}
          onAuxClick={onAuxClick}
          onKeyDown={onKeyDown}
          onBlur={onBlur}
        />
        {/* The datasource's error in an alert, with what to do; the other messages as text. */}
        {problem !== undefined &&
          (failures.message !== undefined ? (
            <Message>
              <Alert className={styles.alert} severity="error" title={ERROR_STATE.title} bottomSpacing={0}>
                <div data-testid={selectors.message}>{problem}</div>
                <div className={styles.advice}>{ERROR_STATE.advice}</div>
              </Alert>
            </Message>
          ) : (
            <Message testId={selectors.message}>{problem}</Message>
          ))}
      </div>
      <div id={descriptionId} ref={description} className={styles.hidden} data-testid={selectors.description} />
      <div className={styles.hidden} aria-live="polite" data-testid={selectors.announce}>
        {announce}
      </div>
      {(legend.length > 0 || failures.notices.length > 0) && (
        <div
          ref={legendBox}
          className={styles.under}
          style={{ maxHeight: Math.floor(failures.notices.length > 0 ? height / 2 : height / 3) }}
        >
          {failures.notices.length > 0 && (
            <div className={styles.notices} style={{ maxHeight: Math.floor(height / 2) }}>
              <Alert
                severity="warning"
                title={failures.title ?? ''}
                topSpacing={0}
                bottomSpacing={0}
                data-testid={selectors.notice}
              >
                {failures.notices.length > 1 && failures.notices.map((notice, i) => <div key={i}>{notice}</div>)}
              </Alert>
            </div>
          )}
          {legend.length > 0 && (
            <div className={styles.legend} style={{ maxHeight: Math.floor(height / 3) }} data-testid={selectors.legend}>
              {legend.map(({ field, bands }) => (
                <span key={field} className={styles.legendEntry}>
                  {bands.map((band, i) => (
                    <React.Fragment key={band}>
                      <span className={styles.legendBand}>
                        {i === 0 ? `${field}: ` : ''}
                        {band}
                        {i < bands.length - 1 ? ',' : ''}
                      </span>{' '}
                    </React.Fragment>
                  ))}
                </span>
              ))}
            </div>
          )}
        </div>
      )}
      {tip && (
        <Portal>
          <VizTooltipContainer position={{ x: tip.x, y: tip.y }} offset={{ x: 12, y: 12 }}>
            <div className={styles.tooltip} data-testid={selectors.tooltip}>
              <strong>{tip.title}</strong>
              {tip.text.split('\n').map((line, i) => (
                <div key={i}>{line}</div>
              ))}
            </div>
          </VizTooltipContainer>
        </Portal>
      )}
    </div>
  );
}

/**
 * What the panel says instead of the overview, over the panel's (or the canvas's) whole
 * box: centred, every line inside the width (a long URL breaks inside the word), scrolled
 * when taller than the box.
 */
function Message({ testId, children }: { testId?: string; children: React.ReactNode }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.message} data-testid={testId}>
      <div className={styles.messageText}>{children}</div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative', overflow: 'hidden' }),
  stage: css({ position: 'relative' }),
  canvas: css({
    display: 'block',
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}`, outlineOffset: -2 },
  }),
  hidden: css({
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  }),
  // Under the canvas: the notices and the legend, together at most a third of the panel's
  // height (half with a notice), each shrinking to its share and scrolling past it, so the
  // canvas keeps the rest however many lines they wrap to.
  under: css({ display: 'flex', flexDirection: 'column' }),
  legend: css({
    flex: '0 1 auto',
    minHeight: 0,
    overflowY: 'auto',
    padding: '2px 0',
    lineHeight: `${LEGEND_LINE_HEIGHT}px`,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  // Lines break between bands, never inside one, so every band stays whole.
  legendEntry: css({ marginRight: theme.spacing(2) }),
  legendBand: css({ whiteSpace: 'nowrap' }),
  tooltip: css({ maxWidth: 360, whiteSpace: 'normal' }),
  // A flex box whose child takes `margin: auto`: centred while it fits, scrolled from its
  // top when it does not (centring by align-items would cut its top off).
  message: css({
    position: 'absolute',
    inset: 0,
    display: 'flex',
    overflow: 'auto',
    padding: theme.spacing(1),
    color: theme.colors.text.secondary,
    textAlign: 'center',
    overflowWrap: 'anywhere',
    userSelect: 'text',
  }),
  messageText: css({ margin: 'auto', maxWidth: '100%' }),
  // An alert's lines read from the left, as Grafana's own; its body is not held to half the
  // window's height (the alert's own limit): the message box scrolls the alert whole.
  alert: css({ textAlign: 'left', '& div': { maxHeight: 'none' } }),
  advice: css({ marginTop: theme.spacing(1), color: theme.colors.text.secondary }),
  // A failed query's notice: the panel's lower half at most, scrolled past that.
  notices: css({ flex: '0 1 auto', minHeight: 0, overflowY: 'auto', paddingTop: theme.spacing(0.5) }),
});
