// Grafana's theme as the renderer takes it.
import { GrafanaTheme2 } from '@grafana/data';
import type { Renderer } from 'mcp-render';

/**
 * Colours of Grafana's theme, by the renderer's names for them. A transparent panel's
 * background is the dashboard's, which shows through it.
 */
export function themeColours(theme: GrafanaTheme2, transparent = false): Record<string, string> {
  const viz = (name: string) => theme.visualization.getColorByName(name);
  return {
    background: transparent ? theme.colors.background.canvas : theme.colors.background.primary,
    surface: theme.colors.background.secondary,
    text: theme.colors.text.primary,
    textWeak: theme.colors.text.secondary,
    border: theme.colors.border.medium,
    focus: theme.colors.primary.main,
    ok: viz('green'),
    warn: viz('orange'),
    critical: viz('red'),
    // Status text (a tile's reason, a value out of its band): Grafana's text shades, which
    // the renderer deepens towards the main text where a tinted tile needs it (4.5:1).
    okText: theme.colors.success.text,
    warnText: theme.colors.warning.text,
    criticalText: theme.colors.error.text,
    noData: theme.colors.text.disabled,
    // The lowest percentile drawn, those between and the highest (p50, p95, p99 by default).
    lowestPercentile: viz('light-blue'),
    middlePercentile: viz('blue'),
    highestPercentile: viz('purple'),
    // Not a hue: the latency lines are the palette's blues and purple, and the failing
    // exemplars red.
    exemplar: theme.colors.text.secondary,
  };
}

/**
 * Gives `r` Grafana's colours (one it cannot read keeps its default) and font family; a
 * transparent panel's (`Renderer.setTransparent`) background colour is the dashboard's.
 */
export function applyTheme(
  r: Pick<Renderer, 'setColour' | 'setFontFamily'>,
  theme: GrafanaTheme2,
  transparent = false
) {
  for (const [name, value] of Object.entries(themeColours(theme, transparent))) {
    try {
      r.setColour(name, value);
    } catch {
      // A colour the renderer cannot read keeps its default for this theme.
    }
  }
  r.setFontFamily(theme.typography.fontFamily);
}
