// Workflows (workflows): Workflow executions per adapter; the table adds success.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { FormatField, RateWindowField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorWorkflows(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
        <FilterSelect field="adapters" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <RateWindowField {...props} />
        <FormatField {...props} />
      </InlineFieldRow>
    </>
  );
}
