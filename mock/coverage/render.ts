/**
 * The coverage report's formats (issue 13), each from a CoverageReport only (mock/coverage/schema.ts):
 * a terminal table, JUnit XML (one test case per coverage item, so CI systems show it) and one
 * self-contained HTML page (inline CSS and script, no network: a Content-Security-Policy forbids any).
 * JSON is the report itself. docs/coverage.md "Reports and the CI gate" shows each.
 */
import type { CoverageGroup, CoverageItem, CoverageReport, Diagnosis, TenantCoverage } from './schema.js'

const percent = (covered: number, items: number) => (items === 0 ? '–' : `${Math.floor((covered / items) * 100)}%`)
const coveredIn = (g: CoverageGroup) => g.items.filter((i) => i.covered).length
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

// ── terminal table ──

/**
 * Per tenant, one line per group the consumer used (covered/total, then the items not covered, by
 * their labels), the groups never used in one line, the diagnoses of failed calls, and a summary line.
 */
export function renderTable(report: CoverageReport, { color = false }: { color?: boolean } = {}): string {
  const paint = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text)
  const [green, red, dim, bold] = [paint('32'), paint('31'), paint('2'), paint('1')]
  const lines: string[] = []
  for (const tenant of report.tenants) {
    const t = tenant.totals
    lines.push(bold(`tenant ${tenant.appId}`) + `  ${t.covered}/${t.items} items covered (${percent(t.covered, t.items)}), ${t.groupsUsed}/${t.groups} groups used`)
    const used = tenant.groups.filter((g) => g.used)
    const width = Math.max(0, ...used.map((g) => g.key.length))
    for (const g of used) {
      const covered = coveredIn(g)
      const done = covered === g.items.length
      lines.push(`  ${done ? green('✔') : red('✘')} ${g.key.padEnd(width)}  ${`${covered}/${g.items.length}`.padStart(5)}  ${dim(g.title)}`)
      const missing = g.items.filter((i) => !i.covered)
      if (missing.length > 0) lines.push(`      ${red('not covered:')} ${missing.map((i) => i.label).join('; ')}`)
    }
    const unused = tenant.groups.filter((g) => !g.used)
    if (unused.length > 0) lines.push(`  ${dim('·')} never used (${unused.length}): ${unused.map((g) => g.key).join(', ')}`)
    if (tenant.diagnoses.length > 0) {
      lines.push(`  failed calls (${tenant.diagnoses.length}):`)
      for (const d of tenant.diagnoses) lines.push(`    #${d.seq} ${d.path} → ${d.code}: ${d.diagnosis}`)
    }
    lines.push('')
  }
  const t = report.totals
  const diagnoses = report.tenants.reduce((n, tenant) => n + tenant.diagnoses.length, 0)
  lines.push(
    `coverage: ${t.covered} of ${t.items} items covered (${percent(t.covered, t.items)}), ${t.groupsUsed} of ${t.groups} groups used, ${plural(report.tenants.length, 'tenant')}, ${plural(diagnoses, 'failed call')} diagnosed (source: ${report.source})`,
  )
  return lines.join('\n') + '\n'
}

// ── JUnit XML ──

/** Text for XML 1.0: the five entities escaped, and characters XML cannot hold at all (NUL, most C0 controls, lone surrogates) replaced. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

const attrs = (values: Record<string, string | number>) => Object.entries(values).map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('')
const entriesText = (item: CoverageItem) => `${item.count} journal ${item.count === 1 ? 'entry' : 'entries'}${item.entries.length > 0 ? `: seq ${item.entries.join(', ')}${item.count > item.entries.length ? ', …' : ''}` : ''}`

/**
 * JUnit XML: a <testsuite> per tenant and group (tests, failures, skipped), a <testcase> per item
 * (classname `<appId> <group key>`, name the item's label). An item not covered in a group the
 * consumer used is a <failure>; the items of a group never used are <skipped> (the group as a whole
 * is what is missing). Diagnoses of failed calls go to the <system-err> of their endpoint's suite
 * (of a suite `<appId> other paths` for paths no group has).
 */
export function renderJunit(report: CoverageReport): string {
  const suites: string[] = []
  let tests = 0
  let failures = 0
  let skipped = 0
  for (const tenant of report.tenants) {
    const byPath = new Map<string, Diagnosis[]>()
    for (const d of tenant.diagnoses) byPath.set(d.path, [...(byPath.get(d.path) ?? []), d])
    const diagnosesText = (ds: Diagnosis[]) => ds.map((d) => `#${d.seq} ${d.path} → ${d.code}: ${d.diagnosis}`).join('\n')
    for (const g of tenant.groups) {
      const classname = `${tenant.appId} ${g.key}`
      const cases = g.items.map((item) => {
        const head = `    <testcase${attrs({ classname, name: item.label, time: 0 })}>`
        if (item.covered) return `${head}<system-out>${xmlEscape(`${item.id}: covered by ${entriesText(item)}`)}</system-out></testcase>`
        if (!g.used) return `${head}<skipped${attrs({ message: `not covered: ${g.key} was never used` })}/></testcase>`
        return `${head}<failure${attrs({ message: `not covered: ${item.label}`, type: 'uncovered' })}>${xmlEscape(`${item.id}: no journal entry covers "${item.label}" of ${g.key} (${g.title})`)}</failure></testcase>`
      })
      const failed = g.used ? g.items.filter((i) => !i.covered).length : 0
      const skips = g.used ? 0 : g.items.length
      tests += g.items.length
      failures += failed
      skipped += skips
      const ds = byPath.get(g.key)
      byPath.delete(g.key)
      suites.push(
        [
          `  <testsuite${attrs({ name: classname, tests: g.items.length, failures: failed, errors: 0, skipped: skips, time: 0 })}>`,
          `    <properties><property${attrs({ name: 'title', value: g.title })}/><property${attrs({ name: 'used', value: String(g.used) })}/></properties>`,
          ...cases,
          ...(ds ? [`    <system-err>${xmlEscape(diagnosesText(ds))}</system-err>`] : []),
          '  </testsuite>',
        ].join('\n'),
      )
    }
    const rest = [...byPath.values()].flat()
    if (rest.length > 0) {
      suites.push(`  <testsuite${attrs({ name: `${tenant.appId} other paths`, tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 })}>\n    <system-err>${xmlEscape(diagnosesText(rest))}</system-err>\n  </testsuite>`)
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'tanma-mock coverage', tests, failures, errors: 0, skipped, time: 0 })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}

// ── HTML ──

export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1d232a;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.meta,.dim{color:#66707a}.bar{display:inline-block;width:8rem;height:.6rem;background:#f1d4d4;border-radius:.3rem;overflow:hidden;vertical-align:middle}
.bar i{display:block;height:100%;background:#2e9c5a}
label.filter{display:inline-block;margin:1rem 0;padding:.3rem .6rem;border:1px solid #ccd;border-radius:.3rem;cursor:pointer}
details{border:1px solid #e3e6ea;border-radius:.3rem;margin:.3rem 0;padding:.2rem .6rem}
summary{cursor:pointer}summary code{font-weight:600}
.done>summary::before{content:"✔ ";color:#2e9c5a}.open>summary::before{content:"✘ ";color:#c62828}.unused>summary::before{content:"· ";color:#66707a}
table{border-collapse:collapse;margin:.4rem 0}td,th{text-align:left;padding:.15rem .6rem;border-bottom:1px solid #eef0f2;vertical-align:top}
tr.covered td.state{color:#2e9c5a}tr.uncovered td.state{color:#c62828;font-weight:600}
body.only-uncovered tr.covered,body.only-uncovered details.done{display:none}
`
const SCRIPT = `{
  const box = document.getElementById('only-uncovered');
  const apply = () => document.body.classList.toggle('only-uncovered', box.checked);
  box.addEventListener('change', apply); apply();
}`

function groupHtml(g: CoverageGroup): string {
  const covered = coveredIn(g)
  const state = !g.used ? 'unused' : covered === g.items.length ? 'done' : 'open'
  const rows = g.items.map(
    (i) =>
      `<tr class="${i.covered ? 'covered' : 'uncovered'}" data-id="${htmlEscape(i.id)}"><td class="state">${i.covered ? 'covered' : 'not covered'}</td><td>${htmlEscape(i.label)}</td><td class="dim">${htmlEscape(i.kind)}</td><td class="dim">${i.count > 0 ? `${i.count} × seq ${i.entries.join(', ')}${i.count > i.entries.length ? ', …' : ''}` : ''}</td></tr>`,
  )
  return `<details class="group ${state}" data-key="${htmlEscape(g.key)}"${state === 'open' ? ' open' : ''}><summary><code>${htmlEscape(g.key)}</code> ${htmlEscape(g.title)} <span class="dim">${covered}/${g.items.length}${g.used ? '' : ', never used'}</span></summary><table><tbody>${rows.join('')}</tbody></table></details>`
}

function tenantHtml(t: TenantCoverage): string {
  const bar = `<span class="bar"><i style="width:${t.totals.items === 0 ? 0 : (t.totals.covered / t.totals.items) * 100}%"></i></span>`
  const diagnoses =
    t.diagnoses.length === 0
      ? ''
      : `<h3>Failed calls</h3><table class="diagnoses"><thead><tr><th>seq</th><th>path</th><th>code</th><th>why</th></tr></thead><tbody>${t.diagnoses.map((d) => `<tr><td>${d.seq}</td><td><code>${htmlEscape(d.path)}</code></td><td>${d.code}</td><td>${htmlEscape(d.diagnosis)}</td></tr>`).join('')}</tbody></table>`
  return `<section class="tenant" data-app-id="${htmlEscape(t.appId)}"><h2>tenant <code>${htmlEscape(t.appId)}</code></h2><p class="totals">${bar} ${t.totals.covered}/${t.totals.items} items covered (${percent(t.totals.covered, t.totals.items)}), ${t.totals.groupsUsed}/${t.totals.groups} groups used</p>${t.groups.map(groupHtml).join('')}${diagnoses}</section>`
}

/**
 * One self-contained HTML page: per tenant its totals, each group collapsible (the used groups with
 * items not covered open), a switch that shows only what is not covered, and the diagnoses of failed
 * calls. Inline CSS and script only; the page's Content-Security-Policy allows no network at all.
 */
export function renderHtml(report: CoverageReport): string {
  const t = report.totals
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tanma-mock coverage: ${t.covered}/${t.items} items</title>
<style>${CSS}</style></head>
<body>
<h1>tanma-mock coverage</h1>
<p class="meta" id="totals">${t.covered} of ${t.items} items covered (${percent(t.covered, t.items)}), ${t.groupsUsed} of ${t.groups} groups used, ${plural(report.tenants.length, 'tenant')} · source ${htmlEscape(report.source)} · ${new Date(report.generatedAt).toISOString()}</p>
<label class="filter"><input type="checkbox" id="only-uncovered"> not covered only</label>
${report.tenants.map(tenantHtml).join('\n')}
<script>${SCRIPT}</script>
</body></html>
`
}
