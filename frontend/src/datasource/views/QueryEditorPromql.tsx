// PromQL (promql): Your own PromQL, for everything else.
import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { ExprField, FormatField, LegendField } from '../components/query/fields';
import type { ViewProps } from '../components/query/viewProps';

export function QueryEditorPromql(props: ViewProps) {
  return (
    <>
      <ExprField {...props} />
      <InlineFieldRow>
        <LegendField {...props} />
        <FormatField {...props} />
      </InlineFieldRow>
    </>
  );
}
