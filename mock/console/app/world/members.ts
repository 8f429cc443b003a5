/** Members by department (`#/members`): the department tree, each with its members, counts and who left. GET departments. */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { status, Table, useApi } from '../components.js'
import { t } from '../i18n.js'

interface Staff { qwUserId: string; name: string; mobile: string; salesId: number; deleted: 0 | 1 }
interface Department { id: number; name: string; parentId: number | null; members: Staff[] }

/** Departments in tree order (depth first, children after their parent), each with its depth. */
function tree(departments: readonly Department[]): { department: Department; depth: number }[] {
  const children = new Map<number | null, Department[]>()
  for (const d of departments) children.set(d.parentId, [...(children.get(d.parentId) ?? []), d])
  const known = new Set(departments.map((d) => d.id))
  const out: { department: Department; depth: number }[] = []
  const walk = (d: Department, depth: number) => {
    out.push({ department: d, depth })
    for (const child of children.get(d.id) ?? []) walk(child, depth + 1)
  }
  // Roots: no parent, or a parent this list does not hold.
  for (const d of departments) if (d.parentId === null || !known.has(d.parentId)) walk(d, 0)
  return out
}

export function Members(): VNode {
  const loaded = useApi<Department[]>('departments')
  const shown = status(loaded)
  if (shown) return shown
  return html`<section>
    <h2>${t('members')}</h2>
    ${tree(loaded.data!).map(({ department: d, depth }) => {
      const left = d.members.filter((m) => m.deleted).length
      return html`<div class="department" data-test="department" style=${{ marginLeft: `${depth * 1.5}rem` }}>
        <h3>${d.name} <span class="muted">(${d.members.length} ${t('memberCount')}${left > 0 ? `, ${left} ${t('leftCount')}` : ''})</span></h3>
        ${d.members.length > 0 &&
        html`<${Table}
          test="members"
          rows=${d.members}
          rowKey=${(m: Staff) => m.qwUserId}
          columns=${[
            { head: 'name', cell: (m: Staff) => html`${m.name}${m.deleted ? html`<span class="muted"> (${t('left')})</span>` : null}` },
            { head: 'id', cell: (m: Staff) => m.qwUserId },
            { head: 'mobile', cell: (m: Staff) => m.mobile },
          ]}
        />`}
      </div>`
    })}
  </section>`
}
