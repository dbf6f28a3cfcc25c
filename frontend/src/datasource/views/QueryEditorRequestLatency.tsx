// Request latency (requestLatency): Request duration percentiles per service, optionally with exemplars.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { ExemplarsSwitch, FormatField, PercentilesField, RateWindowField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorRequestLatency(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <PercentilesField {...props} />
        <RateWindowField {...props} />
        <FormatField {...props} />
        <ExemplarsSwitch {...props} />
      </InlineFieldRow>
    </>
  );
}
