import { utcOffset } from './zone';

// jest.config.js runs the tests with TZ=UTC: the browser's zone is UTC here.
const SUMMER = Date.UTC(2026, 6, 1, 12); // 1 July 2026, 12:00 UTC
const WINTER = Date.UTC(2026, 0, 15, 12); // 15 January 2026, 12:00 UTC

describe('the time zone handed to the renderer', () => {
  it('reads UTC as no offset, summer and winter', () => {
    const offset = utcOffset('utc');
    expect(offset(SUMMER)).toBe(0);
    expect(offset(WINTER)).toBe(0);
  });

  it('reads an IANA zone with its daylight saving at each instant', () => {
    expect([SUMMER, WINTER].map(utcOffset('Europe/Berlin'))).toEqual([120, 60]);
    expect([SUMMER, WINTER].map(utcOffset('America/New_York'))).toEqual([-240, -300]);
    expect([SUMMER, WINTER].map(utcOffset('Australia/Sydney'))).toEqual([600, 660]);
    expect([SUMMER, WINTER].map(utcOffset('Asia/Kolkata'))).toEqual([330, 330]);
  });

  it('changes at the instant the clocks do', () => {
    // Berlin's clocks went back an hour at 01:00 UTC on 25 October 2026.
    const change = Date.UTC(2026, 9, 25, 1);
    const berlin = utcOffset('Europe/Berlin');
    expect([berlin(change - 1), berlin(change)]).toEqual([120, 60]);
  });

  it("reads 'browser', and the default a dashboard without a zone has, as the browser's zone", () => {
    const browser = -new Date(SUMMER).getTimezoneOffset();
    expect(utcOffset('browser')(SUMMER)).toBe(browser);
    expect(utcOffset('')(SUMMER)).toBe(browser);
    expect(utcOffset(undefined)(SUMMER)).toBe(browser);
  });
});
