/** Stable test ids of the panel, for the browser tests. */
export const selectors = {
  panel: 'mcp-ecosystem-panel',
  canvas: 'mcp-ecosystem-canvas',
  description: 'mcp-ecosystem-description',
  legend: 'mcp-ecosystem-legend',
  tooltip: 'mcp-ecosystem-tooltip',
  announce: 'mcp-ecosystem-announce',
  failure: 'mcp-ecosystem-failure',
  message: 'mcp-ecosystem-message',
  notice: 'mcp-ecosystem-notice',
} as const;
