/**
 * The CI gate (`tanma-mock coverage --require '<spec>'`) and the baseline diff (`--baseline old.json`),
 * both read a CoverageReport only (mock/coverage/schema.ts). docs/coverage.md "Reports and the CI gate"
 * documents the spec language:
 *
 *   spec      = clause *(";" clause)
 *   clause    = target ":" variant *("," variant)
 *   target    = ["all-"] ("endpoints" | "cursor-lists" | "pushes" | "faults")   every group of that kind the consumer used
 *                                                                              (with "all-": every group of that kind)
 *             | "used-endpoints" | "push" | "fault"                            the same as endpoints, pushes, faults
 *             | <group key>        an endpoint path (/v3/add-clue), push:<type> or fault:<rule id>
 *   variant   = a part of an item id after `#`, whole `:`-separated segments: `1002` matches `error:1002`,
 *               `end` matches `paging:end`; `*` means every item of the group
 *
 * A variant is met for a group when one of the group's matching items is covered (in any tenant: the
 * consumer's tests as a whole). With a target of several groups, a group that has no such item is not
 * asked for it (only endpoints with a `size` field have `validation:size`), but a variant no selected
 * group has is a mistake in the spec, and said so. An explicit group key must name a group of the report.
 */
import type { CoverageItem, CoverageReport } from './schema.js'

export type GroupKind = 'endpoint' | 'push' | 'fault'
export type Target = { selector: 'endpoints' | 'cursor-lists' | 'pushes' | 'faults'; all: boolean } | { key: string }
export interface Requirement {
  /** The clause as written (trimmed). */
  clause: string
  target: Target
  variants: string[]
}

/** A requirement a report does not meet: the clause, the group and what it is missing, in the report's labels. */
export interface Unmet {
  clause: string
  group: string
  variant: string
  message: string
}

/** A spec that cannot be read, or names what no report can have: a usage error, not an unmet requirement. */
export class SpecError extends Error {}

const SELECTORS: Record<string, { selector: 'endpoints' | 'cursor-lists' | 'pushes' | 'faults'; all: boolean }> = {
  endpoints: { selector: 'endpoints', all: false },
  'used-endpoints': { selector: 'endpoints', all: false },
  'all-endpoints': { selector: 'endpoints', all: true },
  'cursor-lists': { selector: 'cursor-lists', all: false },
  'all-cursor-lists': { selector: 'cursor-lists', all: true },
  pushes: { selector: 'pushes', all: false },
  push: { selector: 'pushes', all: false },
  'all-pushes': { selector: 'pushes', all: true },
  faults: { selector: 'faults', all: false },
  fault: { selector: 'faults', all: false },
  'all-faults': { selector: 'faults', all: true },
}

/** Reads a spec; a SpecError names the clause that cannot be read. */
export function parseSpec(spec: string): Requirement[] {
  const clauses = spec.split(/[;\n]/).map((c) => c.trim()).filter((c) => c !== '')
  if (clauses.length === 0) throw new SpecError('the --require spec is empty (e.g. "used-endpoints:success,1002; cursor-lists:end")')
  return clauses.map((clause) => {
    const segments = clause.split(':').map((s) => s.trim())
    let target: Target
    let rest: string[]
    if ((segments[0] === 'push' || segments[0] === 'fault') && segments.length >= 3) {
      // push:<type>:<variants>, fault:<rule id>:<variants> (push:<variants> alone is the target "every push type used")
      target = { key: `${segments[0]}:${segments[1]}` }
      rest = segments.slice(2)
    } else if (segments[0]! in SELECTORS) {
      target = SELECTORS[segments[0]!]!
      rest = segments.slice(1)
    } else if (segments[0]!.startsWith('/')) {
      target = { key: segments[0]! }
      rest = segments.slice(1)
    } else {
      throw new SpecError(`"${clause}": "${segments[0]}" is not a target: an endpoint path (/v3/…), push:<type>, fault:<rule id>, or one of ${Object.keys(SELECTORS).join(', ')}`)
    }
    const variants = rest.join(':').split(',').map((v) => v.trim()).filter((v) => v !== '')
    if (variants.length === 0) throw new SpecError(`"${clause}": no variant after the target (e.g. "${segments[0]}:success")`)
    for (const v of variants) if (/\s|#/.test(v)) throw new SpecError(`"${clause}": "${v}" is not a variant (no spaces or #: a part of an item id such as success, 1002, end, error:40417)`)
    return { clause, target, variants }
  })
}

/** The part of an item id after `#`. */
export const variantOf = (id: string) => id.slice(id.indexOf('#') + 1)

/** Whether a spec's variant names an item: its `:`-separated segments appear, in order and together, in the item's variant. */
export function variantMatches(wanted: string, itemId: string): boolean {
  if (wanted === '*') return true
  const have = variantOf(itemId).split(':')
  const want = wanted.split(':')
  for (let start = 0; start + want.length <= have.length; start++) if (want.every((w, k) => have[start + k] === w)) return true
  return false
}

interface MergedGroup {
  key: string
  kind: GroupKind
  title: string
  used: boolean
  items: Map<string, CoverageItem>
}

/** The report's groups with the tenants merged: used in any tenant, an item covered in any tenant. */
export function mergeTenants(report: CoverageReport): Map<string, MergedGroup> {
  const groups = new Map<string, MergedGroup>()
  for (const tenant of report.tenants) {
    for (const g of tenant.groups) {
      const merged = groups.get(g.key) ?? { key: g.key, kind: g.kind, title: g.title, used: false, items: new Map<string, CoverageItem>() }
      merged.used ||= g.used
      for (const item of g.items) {
        const seen = merged.items.get(item.id)
        merged.items.set(item.id, seen ? { ...seen, covered: seen.covered || item.covered, count: seen.count + item.count } : item)
      }
      groups.set(g.key, merged)
    }
  }
  return groups
}

const isCursorList = (g: MergedGroup) => g.kind === 'endpoint' && [...g.items.values()].some((i) => i.kind === 'paging')
const NOUN = { endpoints: 'endpoint', 'cursor-lists': 'cursor list', pushes: 'push type', faults: 'fault rule' } as const

function selected(groups: Map<string, MergedGroup>, target: Target): MergedGroup[] {
  if ('key' in target) return groups.has(target.key) ? [groups.get(target.key)!] : []
  const all = [...groups.values()]
  const kind: Record<typeof target.selector, (g: MergedGroup) => boolean> = { endpoints: (g) => g.kind === 'endpoint', 'cursor-lists': isCursorList, pushes: (g) => g.kind === 'push', faults: (g) => g.kind === 'fault' }
  const ofKind = all.filter(kind[target.selector])
  return target.all ? ofKind : ofKind.filter((g) => g.used)
}

/** The variants a set of groups has (for "did you mean" in a spec error). */
const knownVariants = (groups: MergedGroup[]) => [...new Set(groups.flatMap((g) => [...g.items.keys()].map(variantOf)))]

/**
 * What a report is missing against a spec (a parsed one or its text): one Unmet per group and variant,
 * naming the group and the item labels in the vendor's terms. Empty: the gate passes. A SpecError for a
 * spec that names an unknown group or a variant no selected group has.
 */
export function checkRequirements(report: CoverageReport, spec: string | Requirement[]): Unmet[] {
  const requirements = typeof spec === 'string' ? parseSpec(spec) : spec
  const groups = mergeTenants(report)
  const unmet: Unmet[] = []
  for (const { clause, target, variants } of requirements) {
    const chosen = selected(groups, target)
    if ('key' in target && chosen.length === 0) {
      const near = [...groups.keys()].filter((k) => k.includes(target.key) || target.key.includes(k) || k.split('/').pop() === target.key.split('/').pop())
      throw new SpecError(`"${clause}": the report has no group ${target.key}${near.length > 0 ? ` (did you mean ${near.slice(0, 3).join(' or ')}?)` : ''}`)
    }
    if (!('key' in target) && chosen.length === 0) {
      // A target of used groups that selects none: the consumer never used any, which is missing too.
      const scope = target.all ? 'the report has no' : 'the consumer used no'
      unmet.push({ clause, group: target.selector, variant: variants.join(','), message: `${scope} ${NOUN[target.selector]} (${clause})` })
      continue
    }
    for (const variant of variants) {
      const withVariant = chosen.filter((g) => [...g.items.keys()].some((id) => variantMatches(variant, id)))
      if (withVariant.length === 0) {
        const known = knownVariants(chosen)
        throw new SpecError(`"${clause}": no ${'key' in target ? `item of ${target.key}` : `${NOUN[target.selector]}'s item`} matches "${variant}" (variants: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''})`)
      }
      for (const g of withVariant) {
        const items = [...g.items.values()].filter((i) => variantMatches(variant, i.id))
        const missing = variant === '*' ? items.filter((i) => !i.covered) : items.some((i) => i.covered) ? [] : items
        if (missing.length === 0) continue
        const labels = missing.map((i) => i.label)
        const what = variant === '*' ? labels.join('; ') : labels.length === 1 ? labels[0]! : `any of ${labels.join('; ')}`
        unmet.push({ clause, group: g.key, variant, message: `${g.key} (${g.title})${g.used ? '' : ' never used'}: not covered: ${what} (${clause})` })
      }
    }
  }
  return unmet
}

export interface BaselineDiff {
  /** Item ids covered now and not in the baseline. */
  gained: string[]
  /** Item ids covered in the baseline and not now. */
  lost: string[]
  /** Labels of those items, by id (from whichever report has them). */
  labels: Record<string, string>
}

/** What a change of the consumer's tests gained or lost: item ids covered in one report and not the other (tenants merged). */
export function diffBaseline(old: CoverageReport, now: CoverageReport): BaselineDiff {
  const covered = (report: CoverageReport) => {
    const items = new Map<string, CoverageItem>()
    for (const g of mergeTenants(report).values()) for (const item of g.items.values()) items.set(item.id, item)
    return items
  }
  const before = covered(old)
  const after = covered(now)
  const gained = [...after.values()].filter((i) => i.covered && !before.get(i.id)?.covered).map((i) => i.id).sort()
  const lost = [...before.values()].filter((i) => i.covered && !after.get(i.id)?.covered).map((i) => i.id).sort()
  const labels: Record<string, string> = {}
  for (const id of [...gained, ...lost]) labels[id] = (after.get(id) ?? before.get(id))!.label
  return { gained, lost, labels }
}

/** The diff as lines for a terminal or a CI log. */
export function renderBaselineDiff(diff: BaselineDiff): string {
  const line = (sign: string, id: string) => `  ${sign} ${id}  ${diff.labels[id]}`
  return [
    `against the baseline: ${diff.gained.length} gained, ${diff.lost.length} lost`,
    ...diff.gained.map((id) => line('+', id)),
    ...diff.lost.map((id) => line('-', id)),
  ].join('\n') + '\n'
}
