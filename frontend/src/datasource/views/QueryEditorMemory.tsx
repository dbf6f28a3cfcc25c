// Memory (memory): Memory syncs, memories stored and embeddings generated.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { FormatField, RateWindowField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorMemory(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <RateWindowField {...props} />
        <FormatField {...props} />
      </InlineFieldRow>
    </>
  );
}
