// What the panel says of its queries' errors. One failing query blanks nothing that arrived:
// with the summary there, the panel draws it and names each failed query in a notice; only
// without the summary is the error the panel's message.
import { DataQueryError, LoadingState, PanelData } from '@grafana/data';

import { FRAMES, panelFrames } from './columns';

export interface QueryFailures {
  /** The panel's message in place of the drawing: the summary did not arrive. */
  message?: string;
  /** One line per failed query, shown beside what was drawn. */
  notices: string[];
}

type Answer = Pick<PanelData, 'state' | 'series' | 'annotations' | 'errors' | 'request'>;

/** "query B (requestLatency)": the refId, and the query's type when the request tells it. */
function queryName(error: DataQueryError, data: Answer): string {
  if (!error.refId) {
    return 'a query';
  }
  const target = data.request?.targets?.find((t) => t.refId === error.refId);
  return target?.queryType ? `query ${error.refId} (${target.queryType})` : `query ${error.refId}`;
}

/** "query B (requestLatency) failed: <the datasource's words, as they came>". */
export function queryFailure(error: DataQueryError, data: Answer): string {
  const text = error.message ?? error.data?.message ?? 'no message';
  return `${queryName(error, data)} failed: ${text}`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Whether the panel draws what arrived, with notices, or shows the error as its message. */
export function queryFailures(data: Answer): QueryFailures {
  const failures = (data.errors ?? []).map((e) => queryFailure(e, data));
  if (panelFrames(data).some((f) => f.name === FRAMES.summary)) {
    return { notices: failures.map(capital) };
  }
  if (failures.length > 0 || data.state === LoadingState.Error) {
    return { message: failures.join('; ') || 'the query failed', notices: [] };
  }
  return { notices: [] };
}
