// What the panel says of its queries' answers. One failing query blanks nothing that arrived:
// with the summary there, the panel draws it and names each failed query in a notice; only
// without the summary is the error the panel's message. A query whose table the panel reads
// but which answered time series is named in a notice too, with the setting that fixes it,
// and so are the services, tools and pools several answers named, which the panel draws once.
import { DataQueryError, LoadingState, PanelData } from '@grafana/data';

import { PanelAnswer, panelAnswer, seriesForTables } from './columns';
import { FRAMES } from './names';

export interface QueryFailures {
  /** The panel's message in place of the drawing: the summary did not arrive. */
  message?: string;
  /** One line per failed query (or query to fix), shown beside what was drawn. */
  notices: string[];
  /** The notices' title: the notice itself when there is one, else how many there are and of what. */
  title?: string;
}

type Answer = Pick<PanelData, 'state' | 'series' | 'annotations' | 'errors' | 'request'>;

/**
 * The panel's error state, an alert around the datasource's error (`message`, which the
 * renderer words "The datasource answered: …"): its title, and the line that says what to do.
 */
export const ERROR_STATE = {
  title: 'The query failed',
  advice:
    "Fix the query in the panel's editor, or check the datasource with Save & test if it cannot reach Prometheus.",
} as const;

/** "query B (requestLatency)": the refId, and the query's type when the request tells it. */
function queryName(refId: string | undefined, data: Answer): string {
  if (!refId) {
    return 'a query';
  }
  const target = data.request?.targets?.find((t) => t.refId === refId);
  return target?.queryType ? `query ${refId} (${target.queryType})` : `query ${refId}`;
}

/** "query B (requestLatency) failed: <the datasource's words, as they came>". */
export function queryFailure(error: DataQueryError, data: Answer): string {
  const text = error.message ?? error.data?.message ?? 'no message';
  return `${queryName(error.refId, data)} failed: ${text}`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** How many services, tools or pools a notice names before it counts the rest. */
const NAMED = 3;

/** "akosha, mahavishnu, crackerjack and 2 more". */
function someOf(names: string[]): string {
  const shown = names.slice(0, NAMED).join(', ');
  return names.length > NAMED ? `${shown} and ${names.length - NAMED} more` : shown;
}

/**
 * Whether the panel draws what arrived, with notices, or shows the error as its message;
 * `answer` is what the panel draws of `data` (`panelAnswer`), when it has it at hand.
 */
export function queryFailures(data: Answer, answer: PanelAnswer = panelAnswer(data)): QueryFailures {
  const failures = (data.errors ?? []).map((e) => queryFailure(e, data));
  if (
    !answer.frames.some((f) => f.name === FRAMES.summary) &&
    (failures.length > 0 || data.state === LoadingState.Error)
  ) {
    return { message: failures.join('; ') || 'the query failed', notices: [] };
  }
  // What to fix beside the failures: a table answered as time series; services, tools or
  // pools answered twice.
  const fixes = seriesForTables(data).map(
    (q) => `${queryName(q.refId, data)} returns time series: set its format to Table for the ${q.section} section`
  );
  for (const { queryType, names, within } of answer.repeated) {
    fixes.push(
      within
        ? `named twice in one ${queryType} answer, drawn once from its first row: ${someOf(names)}`
        : `answered by more than one ${queryType} query, drawn once from the first: ${someOf(names)}`
    );
  }
  const notices = [...failures, ...fixes].map(capital);
  if (notices.length === 0) {
    return { notices };
  }
  const title =
    notices.length === 1
      ? notices[0]
      : fixes.length === 0
        ? `${notices.length} of the panel's queries failed`
        : `${notices.length} of the panel's queries need a look`;
  return { notices, title };
}
