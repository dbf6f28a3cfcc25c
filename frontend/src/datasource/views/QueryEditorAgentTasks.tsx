// Agent tasks (agentTasks): Task rate per agent type; the table adds success and p95.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { FormatField, RateWindowField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorAgentTasks(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
        <FilterSelect field="agentTypes" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <RateWindowField {...props} />
        <FormatField {...props} />
      </InlineFieldRow>
    </>
  );
}
