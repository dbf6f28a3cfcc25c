// System (system): CPU, memory, open files and disk per service.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { FormatField } from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorSystem(props: ViewProps) {
  return (
    <>
      <InlineFieldRow>
        <FilterSelect field="services" {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <FormatField {...props} />
      </InlineFieldRow>
    </>
  );
}
