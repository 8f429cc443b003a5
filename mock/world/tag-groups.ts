/**
 * The tag tree (`tags/list-tree`, docs/upstream.md §7.1): tag groups with an id and a `qwTagId`,
 * each holding the tags whose `groupName` is its name.
 *
 * A world's tags carry only their group's name (fixture version 1 has nothing more). A group a
 * fixture does not list (version 2's `tagGroups`) is derived from its tags, deterministically and
 * from nothing else, so a generated world, its version-1 export and that export served again have
 * the same tree:
 * - id: minted like the vendor's ids (docs/upstream.md §5) shortly before its first tag (the
 *   documented group 56970 precedes its tags 56971, 56972); when the tags' ids are not in that
 *   layout, the integer just below the smallest; never an id a tag or another group has;
 * - qwTagId: `et` + 30 url-safe characters from the group's own random stream (`catalog.tagGroup`,
 *   keyed by the group's name and first tag id): no existing generated value moves.
 */
import { idMintedAt, ID_EPOCH_MS, isTanmaId, mintId } from '../protocol/ids.js'
import { hashString, mix, Rng } from './generate/rng.js'
import { URL_SAFE } from './generate/pools.js'
import type { Tag, TagGroup } from './schema.js'

/** One group of the tree, with its tags in the world's tag order. */
export interface TagTreeGroup extends TagGroup {
  readonly tags: readonly Tag[]
}

const GROUP_STREAM = hashString('catalog.tagGroup')

/**
 * The tree: the given groups first (in their order, with or without tags), then the groups only
 * tags name, in the order of their first tag. Every tag is in exactly one group.
 */
export function tagTree(tags: readonly Tag[], given: readonly TagGroup[] = []): TagTreeGroup[] {
  const byName = new Map<string, Tag[]>()
  for (const tag of tags) {
    const list = byName.get(tag.groupName)
    if (list) list.push(tag)
    else byName.set(tag.groupName, [tag])
  }
  const taken = new Set<number>([...tags.map((t) => t.id), ...given.map((g) => g.id)])
  const tree: TagTreeGroup[] = given.map((g) => ({ id: g.id, name: g.name, qwTagId: g.qwTagId, tags: byName.get(g.name) ?? [] }))
  const listed = new Set(given.map((g) => g.name))
  for (const [name, members] of byName) {
    if (listed.has(name)) continue
    tree.push({ ...deriveGroup(name, members, taken), tags: members })
  }
  return tree
}

/** A group of these tags, not listed anywhere: its id and qwTagId (see the module comment). */
function deriveGroup(name: string, tags: readonly Tag[], taken: Set<number>): TagGroup {
  const first = tags.reduce((min, t) => Math.min(min, t.id), Number.POSITIVE_INFINITY)
  const rng = new Rng(mix(mix(GROUP_STREAM, hashString(name)), first % 0x1_0000_0000))
  const layout = isTanmaId(first) && idMintedAt(first) > ID_EPOCH_MS + 1000
  let id = layout ? mintId(idMintedAt(first) - 1 - rng.int(900)) : first - 1
  while (id <= 0 || taken.has(id)) id = id > 1 ? id - (layout ? 2048 : 1) : Math.max(...taken) + 1
  taken.add(id)
  return { id, name, qwTagId: `et${rng.chars(URL_SAFE, 30)}` }
}
