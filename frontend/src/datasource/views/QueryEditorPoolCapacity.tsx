// Pool capacity (poolCapacity): Active workers per pool; as a table current, min, max and status.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { FormatField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorPoolCapacity(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
        <FilterSelect field="pools" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <FormatField {...props} />
      </InlineFieldRow>
    </>
  );
}
