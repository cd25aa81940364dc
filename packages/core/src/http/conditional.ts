// Conditional GET evaluation (RFC 9110, sections 13.1.2 and 13.1.3): does a client's
// If-None-Match or If-Modified-Since let the server answer 304 Not Modified?
// Malformed header values never match, so they lead to a 200, never to an error.

/** The conditional request headers, raw, as received (`undefined` when absent). */
export interface ConditionalHeaders {
  /** The `If-None-Match` header: a list of entity-tags, or `*`. */
  readonly ifNoneMatch?: string | undefined
  /** The `If-Modified-Since` header: an HTTP-date. */
  readonly ifModifiedSince?: string | undefined
}

/** What a cached entry offers for validation: its quoted ETag and Last-Modified time in ms. */
export interface Validators {
  /** The strong, quoted entity-tag (`"3f9a…"`). */
  readonly etag: string
  /** Last-Modified, in milliseconds since the epoch (whole seconds). */
  readonly lastModified: number
}

/** True when the request carries a usable precondition (so a 304 is possible). */
export function hasPreconditions(headers: ConditionalHeaders): boolean {
  return nonEmpty(headers.ifNoneMatch) || nonEmpty(headers.ifModifiedSince)
}

/**
 * True when the client's copy is current: If-None-Match matches the ETag (weak comparison, lists,
 * `*`), or, only when If-None-Match is absent, If-Modified-Since is a valid HTTP-date not in the
 * future and not earlier than Last-Modified.
 */
export function isNotModified(
  headers: ConditionalHeaders,
  validators: Validators,
  now: number = Date.now(),
): boolean {
  if (nonEmpty(headers.ifNoneMatch)) return etagMatches(headers.ifNoneMatch, validators.etag)
  if (!nonEmpty(headers.ifModifiedSince)) return false
  const since = parseHttpDate(headers.ifModifiedSince)
  // Stryker disable next-line ConditionalExpression: an undefined date fails the comparison below too; the check is for the type
  if (since === undefined || since > now) return false
  return validators.lastModified <= since
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== ''
}

/**
 * Weak comparison of an If-None-Match value against a quoted ETag: `W/"x"` matches `"x"`, and
 * unquoted members are compared leniently as if quoted. `*` matches anything only as the whole
 * field value (RFC 9110 §13.1.2); inside a list it is not an entity-tag and matches nothing.
 */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true
  const target = stripWeak(etag)
  for (const member of entityTags(ifNoneMatch)) {
    if (member === '*') continue
    const tag = stripWeak(member)
    // Stryker disable next-line MethodExpression: a member with a quote at one end only never matches a quoted tag either way
    if (tag === target || (!tag.startsWith('"') && `"${tag}"` === target)) return true
  }
  return false
}

/** `W/"x"` → `"x"`; anything else unchanged. */
export function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}

/** Splits a list of entity-tags on the commas outside quotes, trimming each member. */
function entityTags(list: string): string[] {
  // Stryker disable next-line ArrayDeclaration: a placeholder member could only match an ETag that spells it
  const members: string[] = []
  let start = 0
  let quoted = false
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN, neither a quote nor a comma
  for (let index = 0; index < list.length; index++) {
    const char = list.charCodeAt(index)
    if (char === 34 /* " */) quoted = !quoted
    else if (char === 44 /* , */ && !quoted) {
      pushMember(members, list.slice(start, index))
      start = index + 1
    }
  }
  pushMember(members, list.slice(start))
  return members
}

function pushMember(members: string[], member: string): void {
  const trimmed = member.trim()
  if (trimmed !== '') members.push(trimmed)
}

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec'
// IMF-fixdate:  Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/
// RFC 850:      Sunday, 06-Nov-94 08:49:37 GMT
const RFC_850 = /^[A-Z][a-z]+, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/
// asctime:      Sun Nov  6 08:49:37 1994
const ASCTIME = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/

/**
 * Parses an HTTP-date in any of the three formats RFC 9110 requires recipients to accept, into
 * milliseconds since the epoch; `undefined` for anything else.
 */
export function parseHttpDate(text: string): number | undefined {
  const value = text.trim()
  // No HTTP-date is this long: refuse long input before any pattern runs over it (the patterns
  // would refuse it too, so the outcome is the same either way).
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a guard for speed; the patterns refuse any such text
  if (value.length > 64) return undefined
  let match = IMF_FIXDATE.exec(value)
  if (match) return utc(match[3]!, match[2]!, match[1]!, match[4]!, match[5]!, match[6]!)
  match = RFC_850.exec(value)
  if (match) {
    // Two-digit years: RFC 9110 says to read a year more than 50 years ahead as the past century.
    // From 2050 on, the same digits can also mean the next century.
    const short = Number(match[3])
    const thisYear = new Date().getUTCFullYear()
    let year = Math.floor(thisYear / 100) * 100 + short
    if (year > thisYear + 50) year -= 100
    else if (year <= thisYear - 50) year += 100
    return utc(String(year), match[2]!, match[1]!, match[4]!, match[5]!, match[6]!)
  }
  match = ASCTIME.exec(value)
  // The day may be space-padded (`Nov  6`): Number() ignores the space.
  if (match) return utc(match[6]!, match[1]!, match[2]!, match[3]!, match[4]!, match[5]!)
  return undefined
}

function utc(
  year: string,
  month: string,
  day: string,
  hours: string,
  minutes: string,
  seconds: string,
): number | undefined {
  // The patterns admit only `Abc`, and in MONTHS a capital starts every month and nothing else.
  const monthIndex = MONTHS.indexOf(month)
  if (monthIndex < 0) return undefined
  const [y, d, h, m, s] = [year, day, hours, minutes, seconds].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ]
  // Out-of-range clock fields would roll over (08:60 into 09:00); 60 seconds is a leap second.
  // An hour past 23 rolls into another day, which the day check below refuses.
  if (m > 59 || s > 60) return undefined
  const time = Date.UTC(y, monthIndex / 3, d, h, m, Math.min(s, 59))
  // Reject days that do not exist: day 0 and 31 Feb roll over into a neighbouring month.
  return new Date(time).getUTCDate() === d ? time : undefined
}

/** Formats milliseconds since the epoch as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`). */
export function formatHttpDate(time: number): string {
  // Most responses in a row carry the same Last-Modified: format it once.
  // Stryker disable next-line ConditionalExpression: formatting every time gives the same text
  if (time !== lastFormatted.time) lastFormatted = { time, text: new Date(time).toUTCString() }
  return lastFormatted.text
}

let lastFormatted = { time: Number.NaN, text: '' }
