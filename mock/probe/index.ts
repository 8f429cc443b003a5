/**
 * `tanma-mock probe`: runs the battery (plan.ts) through the runner (run.ts) and turns the findings
 * into a calibration (calibration.ts): each measured switch, the evidence, the drift report and the
 * tenant's configuration, redacted (redact.ts). docs/probe.md.
 */
import { PACKAGE_VERSION } from '../package-files.js'
import { calibrationSchema, MEASURED_SWITCHES, type Calibration, type Finding } from './calibration.js'
import { BUDGET, fakeDefault, PROBES, type ProbeContext } from './plan.js'
import { KEPT } from './redact.js'
import { ProbeRunner, type RunnerOptions } from './run.js'

export { BUDGET, PROBES, READ_ONLY_PATHS } from './plan.js'
export { ProbeError, ProbeRunner, type RunnerOptions } from './run.js'
export { calibratedOptions, calibrationSchema, calibrationJsonSchema, readCalibration, type Calibration } from './calibration.js'
export { renderReport } from './report.js'

/** Measures a tenant: the calibration, every finding with its evidence. */
export async function probe(options: RunnerOptions): Promise<Calibration> {
  const runner = new ProbeRunner(options)
  const context: ProbeContext = { runner, values: {}, errors: {}, messages: {}, drift: [], idLayout: {}, clock: {}, tenant: {}, evidence: [] }
  const findings: Finding[] = []
  for (const p of PROBES) {
    const before = context.evidence.length
    const measured = await p.run(context)
    if (p.switch !== null && !p.switch.startsWith('errors.') && measured.value !== undefined) context.values[p.switch] = measured.value
    findings.push({
      id: p.id,
      behaviour: p.behaviour,
      switch: p.switch,
      fakeDefault: p.switch === null ? null : fakeDefault(p.switch),
      ...(measured.value === undefined ? {} : { measured: measured.value }),
      ...(measured.note ? { note: measured.note } : {}),
      evidence: context.evidence.slice(before),
    })
  }
  // Oversize refused: its error is the validation error's kind, measured with its own message.
  const settings = Object.fromEntries(MEASURED_SWITCHES.flatMap((key) => (context.values[key] === undefined ? [] : [[key, context.values[key]]])))
  const base = new URL(options.baseUrl)
  const calibration = {
    version: 1 as const,
    tool: `tanma-mock ${PACKAGE_VERSION}`,
    measuredAt: new Date().toISOString(),
    baseUrl: `${base.origin}${base.pathname.replace(/\/+$/, '')}`,
    requests: runner.requests,
    settings: { ...settings, ...(Object.keys(context.errors).length > 0 ? { errors: context.errors } : {}) },
    clock: context.clock,
    messages: context.messages,
    idLayout: context.idLayout,
    findings,
    drift: context.drift,
    tenant: context.tenant,
    kept: [...KEPT],
  }
  return calibrationSchema.parse(calibration)
}
