// The view of the rate-based query types whose only choices are the services, at most one
// more filter, the rate window and the format (requestRate, errorRate, memory, agentTasks,
// workflows, sessions, cache, otlpOperations).
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { FormatField, RateWindowField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';
import type { FilterField } from '../types';

/** A view with the services filter, `filter` beside it when given, the rate window and the format. */
export function rateView(filter?: Exclude<FilterField, 'services'>) {
  return function RateView(props: ViewProps) {
    return (
      <>
        <InlineFieldRow>
          <FilterSelect field="services" {...props} />
          {filter && <FilterSelect field={filter} {...props} />}
        </InlineFieldRow>
        <InlineFieldRow>
          <RateWindowField {...props} />
          <FormatField {...props} />
        </InlineFieldRow>
      </>
    );
  };
}
