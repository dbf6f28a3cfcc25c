// Exemplars (exemplars): Trace-linked exemplars of the request or tool duration histogram.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { ExemplarSourceField, LimitField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorExemplars(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
        <FilterSelect field="tools" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <ExemplarSourceField {...props} />
        <LimitField {...props} limitHelp="Exemplars kept: failing and slowest first, the rest spread over time." />
      </InlineFieldRow>
    </>
  );
}
