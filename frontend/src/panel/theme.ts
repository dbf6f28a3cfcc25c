// Grafana's theme as the renderer takes it.
import { GrafanaTheme2 } from '@grafana/data';

/** Colours of Grafana's theme, by the renderer's names for them. */
export function themeColours(theme: GrafanaTheme2): Record<string, string> {
  const viz = (name: string) => theme.visualization.getColorByName(name);
  return {
    background: theme.colors.background.primary,
    surface: theme.colors.background.secondary,
    text: theme.colors.text.primary,
    textWeak: theme.colors.text.secondary,
    border: theme.colors.border.medium,
    focus: theme.colors.primary.main,
    ok: viz('green'),
    warn: viz('orange'),
    critical: viz('red'),
    noData: theme.colors.text.disabled,
    exemplar: viz('purple'),
  };
}
