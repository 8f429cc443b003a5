/**
 * The common faults the console toggles with one click (docs/console.md, "Control"), one definition
 * for the console and the admin route: each preset is a fault rule (mock/faults.ts) with a stable id
 * and seed, added or taken out beside the rules already in force. The console names them by id
 * (its dictionary); edit the JSON for anything else.
 */
import type { FaultRuleInput } from '../faults.js'

export const FAULT_PRESETS = [
  /** nginx's 502 page instead of an answer. */
  { id: 'preset:gateway-502', kind: 'gateway', status: 502 },
  /** At most 1 request a second (burst 1), then the upstream's rate-limit envelope. */
  { id: 'preset:rate-limit', kind: 'rateLimit', qps: 1, burst: 1 },
  /** No answer: the connection hangs for 30 s, then resets (a client's timeout is what is tested). */
  { id: 'preset:hang', kind: 'hang', maxMs: 30_000 },
  /** The envelope `{"code": -1, "message": "系统繁忙"}` (HTTP 200). */
  { id: 'preset:busy', kind: 'error', code: -1, message: '系统繁忙' },
  /** Every answer 2 s late. */
  { id: 'preset:slow', kind: 'latency', ms: 2_000 },
] as const satisfies readonly (FaultRuleInput & { id: `preset:${string}` })[]

export type FaultPresetId = (typeof FAULT_PRESETS)[number]['id']

/** The preset with this id (the seed fixed to the id, so toggling others never changes its draws). */
export function faultPreset(id: string): (FaultRuleInput & { id: string }) | undefined {
  const preset = FAULT_PRESETS.find((p) => p.id === id)
  return preset && { ...preset, seed: preset.id }
}
