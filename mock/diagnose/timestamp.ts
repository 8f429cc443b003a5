/**
 * Diagnosis of a 1003 (timestamp outside the window): the skew and its direction against the fake's
 * clock, and whether it looks like seconds instead of milliseconds (or micro/nanoseconds), or like a
 * consumer on real time while the fake's virtual clock is set elsewhere or frozen.
 */
import type { ClockState } from '../clock.js'
import { formatBeijing } from '../protocol/time.js'

/** `5 min 12 s`, `3 d 4 h`, `850 ms`. */
export function duration(ms: number): string {
  ms = Math.abs(Math.round(ms))
  if (ms < 1000) return `${ms} ms`
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]]
  const parts: string[] = []
  let rest = ms
  for (const [name, size] of units) {
    const n = Math.floor(rest / size)
    if (n > 0 && parts.length < 2) parts.push(`${n} ${name}`)
    if (parts.length > 0) rest -= n * size
    if (parts.length === 2) break
  }
  return parts.join(' ')
}

const beijing = (ms: number) => {
  try {
    return `${formatBeijing(Math.floor(ms / 1000))} Beijing`
  } catch {
    return `epoch ms ${ms}`
  }
}

/** The diagnosis of a timestamp outside ±skewMs of the clock. */
export function diagnoseTimestamp(timestamp: string, clock: ClockState, skewMs: number): string {
  const sent = Number(timestamp)
  const drift = clock.now - sent
  const limit = `the limit is ±${duration(skewMs)}`
  const head = `timestamp ${duration(drift)} ${drift > 0 ? 'behind' : 'ahead of'} the fake's clock (${beijing(clock.now)}${clock.frozen ? ', frozen' : ''}); ${limit}`
  const near = (value: number) => Math.abs(clock.now - value) <= skewMs
  if (near(sent * 1000)) return `${head}. It looks like epoch seconds, not milliseconds: ${timestamp} × 1000 is within the window`
  if (near(sent / 1000)) return `${head}. It looks like epoch microseconds, not milliseconds: ${timestamp} / 1000 is within the window`
  if (near(sent / 1_000_000)) return `${head}. It looks like epoch nanoseconds, not milliseconds`
  const real = clock.now - clock.offsetMs
  if (Math.abs(clock.offsetMs) > skewMs && Math.abs(real - sent) <= skewMs) {
    const how = clock.frozen ? `frozen at ${beijing(clock.now)}` : `set ${duration(clock.offsetMs)} ${clock.offsetMs > 0 ? 'ahead of' : 'behind'} real time`
    return `${head}. The timestamp follows real time, but the fake's virtual clock is ${how}: sign with the fake's clock (GET /__mock/clock, or mock.sign in-process)`
  }
  if (clock.frozen) return `${head}. The fake's clock is frozen at ${beijing(clock.now)} (${duration(clock.offsetMs)} ${clock.offsetMs >= 0 ? 'ahead of' : 'behind'} real time)`
  if (clock.offsetMs !== 0) return `${head}. The fake's clock runs ${duration(clock.offsetMs)} ${clock.offsetMs > 0 ? 'ahead of' : 'behind'} real time`
  return `${head}. A reused or cached timestamp, or the consumer's clock drifts`
}
