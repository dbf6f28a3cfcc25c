import { createTheme } from '@grafana/data';

import { themeColours } from './theme';

describe('themeColours', () => {
  it.each([true, false])('gives exemplars a colour no latency line has (dark: %s)', (isDark) => {
    const theme = createTheme({ colors: { mode: isDark ? 'dark' : 'light' } });
    const lines = ['super-light-blue', 'light-blue', 'blue', 'dark-blue', 'light-purple', 'purple', 'dark-purple'].map(
      (name) => theme.visualization.getColorByName(name).toLowerCase()
    );
    const { exemplar, critical } = themeColours(theme);
    expect(lines).not.toContain(exemplar.toLowerCase());
    expect(exemplar).not.toBe(critical);
    expect(exemplar).toBe(theme.colors.text.secondary);
  });

  it.each([true, false])("a transparent panel's background is the dashboard's (dark: %s)", (isDark) => {
    const theme = createTheme({ colors: { mode: isDark ? 'dark' : 'light' } });
    expect(themeColours(theme).background).toBe(theme.colors.background.primary);
    expect(themeColours(theme, true).background).toBe(theme.colors.background.canvas);
  });

  it.each([true, false])("draws the latency lines in the theme's blues and purple (dark: %s)", (isDark) => {
    const theme = createTheme({ colors: { mode: isDark ? 'dark' : 'light' } });
    const viz = (name: string) => theme.visualization.getColorByName(name);
    const { lowestPercentile, middlePercentile, highestPercentile } = themeColours(theme);
    expect([lowestPercentile, middlePercentile, highestPercentile]).toEqual([
      viz('light-blue'),
      viz('blue'),
      viz('purple'),
    ]);
  });

  it.each([true, false])("gives status text Grafana's text shades, not the status hues (dark: %s)", (isDark) => {
    const theme = createTheme({ colors: { mode: isDark ? 'dark' : 'light' } });
    const { okText, warnText, criticalText, ok, warn, critical } = themeColours(theme);
    expect([okText, warnText, criticalText]).toEqual([
      theme.colors.success.text,
      theme.colors.warning.text,
      theme.colors.error.text,
    ]);
    expect([okText, warnText, criticalText]).not.toContain(ok);
    expect([okText, warnText, criticalText]).not.toContain(warn);
    expect([okText, warnText, criticalText]).not.toContain(critical);
  });
});
