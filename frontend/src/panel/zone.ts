// The dashboard's time zone as the renderer reads it: how many minutes it is ahead of UTC at
// an instant, asked at each time the renderer writes, so that daylight saving is right there.
import { dateTimeForTimeZone, getTimeZone } from '@grafana/data';
import { TimeZone } from '@grafana/schema';

/**
 * The offset from UTC, in minutes, of `timeZone` (PanelProps.timeZone: 'browser', 'utc' or an
 * IANA name; empty for the user's or the organisation's default) at `ms` since the epoch, as
 * Grafana's own panels read the zone.
 */
export function utcOffset(timeZone: TimeZone | undefined): (ms: number) => number {
  const zone = getTimeZone({ timeZone });
  return (ms) => dateTimeForTimeZone(zone, ms).utcOffset();
}
