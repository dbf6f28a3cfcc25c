import React from 'react';
import { ConfigSection } from '@grafana/plugin-ui';
import { Field, Input, Stack } from '@grafana/ui';

import { selectors } from '../../selectors';
import { checkBand, defaultBand, THRESHOLDS, ThresholdInfo } from '../../settings';
import { Band } from '../../types';
import type { SectionProps } from '../ConfigEditor';

export function ThresholdSettings({ jsonData, onJsonDataChange }: SectionProps) {
  const thresholds = jsonData.thresholds ?? {};
  const setBand = (info: ThresholdInfo, band: Band) => {
    const next = { ...thresholds };
    if (band.warn === undefined && band.critical === undefined) {
      delete next[info.key];
    } else {
      next[info.key] = band;
    }
    onJsonDataChange({ thresholds: Object.keys(next).length > 0 ? next : undefined });
  };

  return (
    <ConfigSection
      title="Status thresholds"
      description="When a service, tool or pool reads as warn or critical in tables and the ecosystem summary. Empty fields keep the defaults shown, which follow the metric profile."
      isCollapsible
      isInitiallyOpen={Object.keys(thresholds).length > 0}
    >
      {THRESHOLDS.map((info) => {
        const band = thresholds[info.key] ?? {};
        const problem = checkBand(info, band, jsonData.metricProfile);
        const base = defaultBand(info, jsonData.metricProfile);
        const worse = info.higherIsWorse ? 'at or above' : 'at or below';
        const input = (which: 'warn' | 'critical') => (
          <Input
            data-testid={selectors.config.threshold(info.key, which)}
            aria-label={`${info.label} ${which}`}
            type="number"
            width={16}
            prefix={which}
            value={band[which] ?? ''}
            placeholder={base ? String(base[which]) : 'off'}
            onChange={(e) => {
              const text = e.currentTarget.value;
              setBand(info, { ...band, [which]: text === '' ? undefined : Number(text) });
            }}
          />
        );
        return (
          <Field
            key={info.key}
            label={`${info.label} (${info.unit})`}
            description={`warn ${worse} the first value, critical beyond the second (${info.higherIsWorse ? 'higher' : 'lower'} is worse)`}
            invalid={problem !== undefined}
            error={problem}
          >
            <Pair>
              {input('warn')}
              {input('critical')}
            </Pair>
          </Field>
        );
      })}
    </ConfigSection>
  );
}

/** Two inputs under one Field (which hands its child an `invalid` flag that a div cannot take). */
function Pair({ children }: { children: React.ReactNode; invalid?: boolean }) {
  return (
    <Stack direction="row" gap={1}>
      {children}
    </Stack>
  );
}
