// One jsonData setting typed as text: the field shows the backend's words for a wrong value.
import React from 'react';
import { Field, Input } from '@grafana/ui';

interface Props {
  label: string;
  description: string;
  testId: string;
  value: unknown;
  placeholder?: string;
  width?: number;
  /** Returns the problem with a value, worded as the backend words it. */
  check?: (value: unknown) => string | undefined;
  /** Numbers are stored as numbers, so the backend reads them as Grafana's own settings. */
  numeric?: boolean;
  onChange: (value: string | number | undefined) => void;
}

export function SettingInput({
  label,
  description,
  testId,
  value,
  placeholder,
  width,
  check,
  numeric,
  onChange,
}: Props) {
  const problem = check?.(value);
  return (
    <Field label={label} description={description} invalid={problem !== undefined} error={problem}>
      <Input
        data-testid={testId}
        aria-label={label}
        width={width ?? 40}
        value={value === undefined || value === null ? '' : String(value)}
        placeholder={placeholder}
        onChange={(e) => {
          const text = e.currentTarget.value;
          if (text.trim() === '') {
            onChange(undefined);
          } else if (numeric && !isNaN(Number(text))) {
            onChange(Number(text));
          } else {
            onChange(text);
          }
        }}
      />
    </Field>
  );
}
