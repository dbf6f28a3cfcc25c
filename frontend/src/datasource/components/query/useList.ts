// A list of the backend (services, tools, ...) for a multi-select: asked as soon as the
// field is shown and again whenever its range or services change, so that it is there when
// the user opens the select; an answer that failed is asked again when the user opens it.
import { useEffect, useState } from 'react';
import { TimeRange } from '@grafana/data';

import type { McpDataSource } from '../../datasource';
import { errorMessage } from '../../errors';
import { listKey } from '../../lists';
import { ListResource } from '../../types';

export interface ListState {
  /** The values, once the backend answered for the current range and services. */
  values?: string[];
  /** The backend's words when it could not list them. */
  problem?: string;
  loading: boolean;
  /** For the select's onOpenMenu: asks again after a failure, else nothing. */
  onOpen: () => void;
}

export function useList(
  datasource: McpDataSource,
  resource: ListResource,
  range: TimeRange | undefined,
  services: string[]
): ListState {
  const key = listKey(datasource.listRequest(resource, range, services));
  const [answer, setAnswer] = useState<{ key: string; values?: string[]; problem?: string }>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    datasource.listValues(resource, range, services).then(
      (values) => current && setAnswer({ key, values }),
      (e) => current && setAnswer({ key, problem: errorMessage(e) })
    );
    return () => {
      current = false;
    };
    // `key` stands for resource, range and services: Grafana passes a new range object on
    // every render, the key changes only when the list to ask for does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasource, key, attempt]);

  const settled = answer?.key === key ? answer : undefined;
  return {
    values: settled?.values,
    problem: settled?.problem,
    loading: settled === undefined,
    onOpen: () => {
      if (settled?.problem !== undefined) {
        setAnswer(undefined);
        setAttempt((n) => n + 1);
      }
    },
  };
}
