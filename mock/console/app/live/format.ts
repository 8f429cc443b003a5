/** Pure formatting for the live pages (no DOM): times on the fake's clock, JSON bodies indented. */

/** Epoch ms as Beijing time `yyyy-MM-dd HH:mm:ss` (the wire's format). */
export function beijing(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')
}

/**
 * A JSON text indented by two spaces, its tokens as they are: numbers are not parsed and
 * re-printed, so an int64 (a push's noise, 19 digits) keeps every digit (JSON.parse would round it).
 * A text that is not JSON comes back as it is.
 */
export function pretty(text: string): string {
  try {
    JSON.parse(text)
  } catch {
    return text
  }
  let out = ''
  let depth = 0
  const indent = () => `\n${'  '.repeat(depth)}`
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '"') {
      let j = i + 1
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      out += text.slice(i, j + 1)
      i = j
    } else if (c === '{' || c === '[') {
      let j = i + 1
      while (/\s/.test(text[j]!)) j++
      if (text[j] === (c === '{' ? '}' : ']')) {
        out += c + text[j]
        i = j
      } else {
        depth++
        out += c + indent()
      }
    } else if (c === '}' || c === ']') {
      depth--
      out += indent() + c
    } else if (c === ',') out += `,${indent()}`
    else if (c === ':') out += ': '
    else if (!/\s/.test(c)) out += c
  }
  return out
}
