const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let second = NaN;
let text = '';

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * `now` as an HTTP date (RFC 9110's IMF-fixdate, what `toUTCString` gives),
 * made once a second from the date's UTC fields. Node's own Date header calls
 * `toUTCString`, and V8's date strings, UTC ones too, first look up the local
 * time zone, which loads ICU's zone data: 0.9 MB of resident pages that a
 * server at rest would hold for its health probe's answer. HttpListener's
 * answers and DNS over HTTPS's (both HTTP versions) carry this one.
 */
export function httpDate(now: number = Date.now()): string {
  const s = Math.floor(now / 1000);
  if (s !== second) {
    const d = new Date(s * 1000);
    text = `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
    second = s;
  }
  return text;
}
