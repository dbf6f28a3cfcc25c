// Cache (cache): Cache hit ratio per cache layer.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { FormatField, RateWindowField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorCache(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
        <FilterSelect field="cacheLayers" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <RateWindowField {...props} />
        <FormatField {...props} />
      </InlineFieldRow>
    </>
  );
}
