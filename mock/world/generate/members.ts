/** Sales members: WeCom accounts with a latin `qwUserId` (like the documented `dowen`), a Chinese name and a department. */
import type { Member } from '../schema.js'
import { hashString, stream } from './rng.js'
import { DEPARTMENTS, FEMALE_NAMES, LAST_NAMES, LATIN_NAMES, MALE_NAMES } from './pools.js'

const MEMBER_STREAM = hashString('member')

export function generateMembers(seed: number, staff: number): Member[] {
  const taken = new Set<string>()
  return Array.from({ length: staff }, (_, j) => {
    const rng = stream(seed, MEMBER_STREAM, j)
    let qwUserId = rng.pick(LATIN_NAMES)
    for (let n = 2; taken.has(qwUserId); n++) qwUserId = `${qwUserId.replace(/\d+$/, '')}${n}`
    taken.add(qwUserId)
    const name = rng.pick(LAST_NAMES) + rng.pick(rng.chance(0.5) ? MALE_NAMES : FEMALE_NAMES)
    return { qwUserId, name, department: rng.pick(DEPARTMENTS) }
  })
}
