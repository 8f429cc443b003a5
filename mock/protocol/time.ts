/**
 * Times on the wire are Beijing time (Asia/Shanghai, UTC+8, no daylight saving), written
 * `yyyy-MM-dd HH:mm:ss` with no zone suffix (docs/upstream.md §3, derived from the documented cursor).
 */

const OFFSET_MS = 8 * 3600_000
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/
/** The wire format of every time, `yyyy-MM-dd HH:mm:ss` (a format check; parseBeijing also checks the date exists). */
export const BEIJING_TIME_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * The moments the wire format can write, as epoch seconds: 0000-01-01 00:00:00 to
 * 9999-12-31 23:59:59 Beijing time (a five-digit or negative year has no `yyyy`).
 */
export const BEIJING_RANGE_SEC = {
  first: new Date(0).setUTCFullYear(0, 0, 1) / 1000 - 8 * 3600,
  last: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000 - 8 * 3600,
} as const

/** The ISO text of a Beijing moment; a moment the format cannot write is an error, never odd text. */
function beijingIso(epochSec: number): string {
  if (!(epochSec >= BEIJING_RANGE_SEC.first && epochSec < BEIJING_RANGE_SEC.last + 1)) {
    throw new RangeError(`epoch second ${epochSec} is outside the times yyyy-MM-dd HH:mm:ss can write (years 0000 to 9999, Beijing time)`)
  }
  return new Date(epochSec * 1000 + OFFSET_MS).toISOString()
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time for epoch seconds (a RangeError outside BEIJING_RANGE_SEC). */
export function formatBeijing(epochSec: number): string {
  const iso = beijingIso(epochSec)
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

/** `yyyy-MM-dd` in Beijing time for epoch seconds (a RangeError outside BEIJING_RANGE_SEC). */
export function formatBeijingDate(epochSec: number): string {
  return beijingIso(epochSec).slice(0, 10)
}

/** Epoch seconds for a `yyyy-MM-dd HH:mm:ss` Beijing time, or undefined when it is not one (bad format or no such date). */
export function parseBeijing(text: string): number | undefined {
  const m = DATE_TIME.exec(text)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  // Date.UTC rolls 02-30 over to 03-02 and 24:00 to the next day: reject whatever does not round-trip.
  if (formatBeijing(ms / 1000 - OFFSET_MS / 1000) !== text) return undefined
  return (ms - OFFSET_MS) / 1000
}

/** Epoch seconds of 00:00:00 Beijing time on a `yyyy-MM-dd` date, or undefined. */
export function parseBeijingDate(text: string): number | undefined {
  return DATE.test(text) ? parseBeijing(`${text} 00:00:00`) : undefined
}
