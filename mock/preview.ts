/**
 * Received values, shown in messages and logs: bounded and never throwing, whatever arrived (a
 * string of a megabyte, an array nested ten thousand deep, a cycle, a getter that throws in-process).
 * The one place a value from a client is turned into text for an error message, a log line or the
 * journal.
 */

/** Characters of a value shown in a validation message. */
export const PREVIEW_CHARS = 40

/** Nesting shown before `[…]`/`{…}`: deeper values are elided, never walked. */
const PREVIEW_DEPTH = 8

/** `text` cut to `max` characters (not splitting a surrogate pair), with `…` when cut. */
export function clip(text: string, max = PREVIEW_CHARS): string {
  if (text.length <= max) return text
  let end = max
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return `${text.slice(0, end)}…`
}

/** A value as JSON-like text of at most `max` characters (plus `…` when cut). */
export function preview(value: unknown, max = PREVIEW_CHARS): string {
  let text: string
  try {
    text = render(value, max + 1)
  } catch {
    text = `(${typeof value})`
  }
  return clip(text, max)
}

/** Renders until `budget` characters are written; deeper than PREVIEW_DEPTH is elided. */
function render(value: unknown, budget: number): string {
  let out = ''
  const walk = (v: unknown, depth: number): void => {
    if (out.length >= budget) return
    switch (typeof v) {
      case 'string':
        out += JSON.stringify(v.length > budget ? v.slice(0, budget) : v)
        return
      case 'number':
      case 'boolean':
      case 'bigint':
        out += String(v)
        return
      case 'undefined':
        out += 'undefined'
        return
      case 'symbol':
        out += v.toString()
        return
      case 'function':
        out += '(function)'
        return
    }
    if (v === null) {
      out += 'null'
      return
    }
    const array = Array.isArray(v)
    if (depth >= PREVIEW_DEPTH) {
      out += array ? '[…]' : '{…}'
      return
    }
    if (array) {
      out += '['
      for (let i = 0; i < v.length && out.length < budget; i++) {
        if (i > 0) out += ','
        walk(v[i], depth + 1)
      }
      out += ']'
      return
    }
    out += '{'
    let first = true
    for (const key in v as object) {
      if (out.length >= budget) break
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue
      if (!first) out += ','
      first = false
      out += `${JSON.stringify(key.length > budget ? key.slice(0, budget) : key)}:`
      walk((v as Record<string, unknown>)[key], depth + 1)
    }
    out += '}'
  }
  walk(value, 0)
  return out
}
