// The fields of a query type, as the backend's `queryTypes` resource lists them for it (the
// model crate's QueryType::fields, the one source): the filters in the first row, the
// PromQL on its own, the other options in the last row. The editor shows only what the
// backend reads, so no field can be set that the query would ignore.
import React, { ComponentType } from 'react';
import { InlineFieldRow } from '@grafana/ui';

import {
  ExemplarsSwitch,
  ExemplarSourceField,
  ExprField,
  FormatField,
  LegendField,
  LimitField,
  PercentilesField,
  RateWindowField,
} from '../components/query/fields';
import { FilterSelect } from '../components/query/FilterSelect';
import type { ViewProps } from '../components/query/viewProps';
import { FILTER_FIELDS, FilterField } from '../types';

const OPTIONS: Record<string, ComponentType<ViewProps>> = {
  percentiles: PercentilesField,
  rateWindow: RateWindowField,
  format: FormatField,
  exemplars: ExemplarsSwitch,
  exemplarSource: ExemplarSourceField,
  limit: LimitField,
  legendFormat: LegendField,
};

const isFilter = (field: string): field is FilterField => (FILTER_FIELDS as readonly string[]).includes(field);

/** The fields `fields` names, in its order within each row; a name the editor does not know is left out. */
export function QueryFields({ fields, ...props }: ViewProps & { fields: string[] }) {
  const filters = fields.filter(isFilter);
  const options = fields.filter((f) => OPTIONS[f] !== undefined);
  return (
    <>
      {filters.length > 0 && (
        <InlineFieldRow>
          {filters.map((field) => (
            <FilterSelect key={field} field={field} {...props} />
          ))}
        </InlineFieldRow>
      )}
      {fields.includes('expr') && <ExprField {...props} />}
      {options.length > 0 && (
        <InlineFieldRow>
          {options.map((field) => {
            const Field = OPTIONS[field];
            return <Field key={field} {...props} />;
          })}
        </InlineFieldRow>
      )}
    </>
  );
}
