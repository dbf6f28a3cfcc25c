// OTLP operations (otlpOperations): OTLP operations per second, p95 and average duration, active connections.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { FormatField, RateWindowField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorOtlpOperations(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
        <FilterSelect field="operations" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <RateWindowField {...props} />
        <FormatField {...props} />
      </InlineFieldRow>
    </>
  );
}
