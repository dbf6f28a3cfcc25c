import { PanelPlugin, SelectableValue } from '@grafana/data';

import { OverviewPanel } from './components/OverviewPanel';
import { DEFAULT_OPTIONS, PanelOptions, Section, SECTIONS } from './types';
import { preloadRenderer } from './wasm';

preloadRenderer();

export const plugin = new PanelPlugin<PanelOptions>(OverviewPanel).setPanelOptions((builder) =>
  builder
    .addMultiSelect({
      path: 'sections',
      name: 'Sections',
      description: 'What to show beside the service tiles',
      defaultValue: DEFAULT_OPTIONS.sections,
      // Grafana types a multi-select's options by the option's (array) type; each is one value.
      settings: { options: SECTIONS as unknown as Array<SelectableValue<Section[]>> },
    })
    .addRadio({
      path: 'sort',
      name: 'Sort services',
      defaultValue: DEFAULT_OPTIONS.sort,
      settings: {
        options: [
          { value: 'status', label: 'Worst first' },
          { value: 'name', label: 'By name' },
          { value: 'query', label: 'As queried' },
        ],
      },
    })
    .addNumberInput({
      path: 'maxTiles',
      name: 'Maximum tiles',
      description: 'Draw at most this many service tiles (0: all); the header still counts every service',
      defaultValue: DEFAULT_OPTIONS.maxTiles,
      settings: { min: 0, integer: true },
    })
    .addTextInput({
      path: 'drilldownUrl',
      name: 'Drill-down link',
      description: 'Where a click on a service goes; ${service} stands for its name, dashboard variables apply',
      defaultValue: DEFAULT_OPTIONS.drilldownUrl,
      settings: { placeholder: '/d/mcp-ecosystem-overview?var-service=${service}' },
    })
    .addBooleanSwitch({
      path: 'showThresholds',
      name: 'Show thresholds',
      description: 'List the thresholds statuses are judged by (the datasource’s overrides included) under the tiles',
      defaultValue: DEFAULT_OPTIONS.showThresholds,
    })
);
