import React from 'react';

interface Props {
  testId: string;
  children: React.ReactNode;
  /** Grafana's Field hands its child these flags; a plain element cannot take them. */
  invalid?: boolean;
  disabled?: boolean;
}

/** Gives a Grafana component without a data-testid of its own one for the browser tests. */
export function Marked({ testId, children }: Props) {
  return <div data-testid={testId}>{children}</div>;
}
