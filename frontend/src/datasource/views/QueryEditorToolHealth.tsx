// Tool health (toolHealth): Calls, success, errors and latency per tool; as time series, success per tool.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { ExemplarsSwitch, FormatField, LimitField, RateWindowField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorToolHealth(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
        <FilterSelect field="tools" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <RateWindowField {...props} />
        <FormatField {...props} />
        <ExemplarsSwitch {...props} />
        <LimitField {...props} limitHelp="Rows of the table, worst first." />
      </InlineFieldRow>
    </>
  );
}
