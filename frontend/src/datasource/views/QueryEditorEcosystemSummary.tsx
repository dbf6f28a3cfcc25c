// Ecosystem summary (ecosystemSummary): A row per service with its status and reasons, and the worst tools and pools.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { FormatField, LimitField, RateWindowField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorEcosystemSummary(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <RateWindowField {...props} />
        <FormatField {...props} />
        <LimitField {...props} limitHelp="Rows of the worst tools and pools table." />
      </InlineFieldRow>
    </>
  );
}
