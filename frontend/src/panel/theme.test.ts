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
});
