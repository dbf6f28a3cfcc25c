/** Parts of the panel beside the service tiles a user can hide, each fed by its own frames. */
export type Section = 'tools' | 'pools' | 'latency' | 'exemplars';

export const SECTIONS: Array<{ value: Section; label: string; description: string }> = [
  { value: 'tools', label: 'Tools', description: 'the failing tools (toolHealth, or the summary’s worst rows)' },
  { value: 'pools', label: 'Pools', description: 'worker pools near exhaustion (poolCapacity)' },
  { value: 'latency', label: 'Latency', description: 'request latency per service (requestLatency)' },
  { value: 'exemplars', label: 'Exemplars', description: 'slow requests with their traces (exemplars)' },
];

/** How service tiles are ordered. */
export type SortOrder = 'status' | 'name' | 'query';

export interface PanelOptions {
  sections: Section[];
  sort: SortOrder;
  /** At most this many service tiles drawn (the worst first when sorted by status), every service counted; 0 = all. */
  maxTiles: number;
  /** Where a click on a service tile goes; `${service}` stands for the service's name. */
  drilldownUrl: string;
  /** Lists the thresholds each status was judged by under the tiles. */
  showThresholds: boolean;
}

export const DEFAULT_OPTIONS: PanelOptions = {
  sections: SECTIONS.map((s) => s.value),
  sort: 'status',
  maxTiles: 0,
  drilldownUrl: '',
  showThresholds: true,
};
