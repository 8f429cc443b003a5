/**
 * World snapshots: a generated world's typed arrays in one binary file, so a big world is mapped
 * back in instead of generated (`tanma-mock export --format snapshot`, `serve --snapshot`).
 *
 * Layout (little-endian): "TANMASNP", u32 format version, u32 header length, the header (JSON:
 * the world's options, who wrote it, each section's name, type and length, and a CRC-32 of the
 * sections), padding to 8 bytes, then the sections back to back, each padded to 8 bytes so it is
 * viewed in place as a typed array. Reading checks the magic, the version, the lengths and the CRC:
 * a wrong, truncated or corrupted file is a SnapshotError naming what is wrong.
 */
import { openSync, readFileSync, writeSync, closeSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import { World, type SnapshotParts } from './world.js'

export const SNAPSHOT_VERSION = 1
const MAGIC = Buffer.from('TANMASNP', 'latin1')
const PREAMBLE = MAGIC.length + 8

/** A file that is not a snapshot this version reads (the message says why and what to do). */
export class SnapshotError extends Error {}

type ArrayName = 'float64' | 'int32' | 'uint8'
const ARRAYS = { float64: Float64Array, int32: Int32Array, uint8: Uint8Array } as const

interface Header {
  readonly generator: string
  readonly options: SnapshotParts['options']
  readonly sections: readonly { readonly name: string; readonly type: ArrayName; readonly length: number }[]
  readonly crc32: number
}

/** The sections, in file order, and their element types. */
const SECTION_TYPES = { customerIds: 'float64', companyIds: 'float64', sec: 'float64', nanos: 'int32', id: 'float64', customer: 'int32', member: 'int32', type: 'uint8' } as const satisfies Record<string, ArrayName>
type SectionName = keyof typeof SECTION_TYPES
const SECTION_NAMES = Object.keys(SECTION_TYPES) as SectionName[]

const pad8 = (n: number) => (8 - (n % 8)) % 8

function sectionsOf(parts: SnapshotParts): Record<SectionName, Float64Array | Int32Array | Uint8Array> {
  const { customerIds, companyIds, relations } = parts
  return { customerIds, companyIds, ...relations }
}

/** The snapshot of a world as buffers to write one after the other (throws SnapshotRefused for a changed or fixture world). */
export function snapshotChunks(world: World, generator: string): Buffer[] {
  const sections = sectionsOf(world.snapshotParts())
  const bodies: Buffer[] = []
  let crc = 0
  for (const name of SECTION_NAMES) {
    const array = sections[name]
    const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength)
    const padding = Buffer.alloc(pad8(bytes.length))
    crc = crc32(padding, crc32(bytes, crc))
    bodies.push(bytes, padding)
  }
  const header: Header = {
    generator,
    options: world.snapshotParts().options,
    sections: SECTION_NAMES.map((name) => ({ name, type: SECTION_TYPES[name], length: sections[name].length })),
    crc32: crc,
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  const preamble = Buffer.alloc(PREAMBLE)
  MAGIC.copy(preamble)
  preamble.writeUInt32LE(SNAPSHOT_VERSION, MAGIC.length)
  preamble.writeUInt32LE(json.length, MAGIC.length + 4)
  return [preamble, json, Buffer.alloc(pad8(PREAMBLE + json.length)), ...bodies]
}

/** Writes a world's snapshot to `path`; answers the bytes written. */
export function writeSnapshot(world: World, path: string, generator: string): number {
  const chunks = snapshotChunks(world, generator)
  const fd = openSync(path, 'w')
  let written = 0
  try {
    for (const chunk of chunks) for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at, chunk.length - at)
    written = chunks.reduce((n, c) => n + c.length, 0)
  } finally {
    closeSync(fd)
  }
  return written
}

/** The world in a snapshot file. */
export async function readSnapshot(path: string): Promise<World> {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw new SnapshotError(`cannot read snapshot ${path}: ${(error as Error).message}`)
  }
  return worldFromSnapshot(bytes, path)
}

/** The world in a snapshot's bytes (`source` names it in errors). */
export async function worldFromSnapshot(bytes: Buffer, source = 'snapshot'): Promise<World> {
  const fail = (why: string): never => {
    throw new SnapshotError(`${source}: ${why}`)
  }
  if (bytes.length < PREAMBLE || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) fail('not a tanma-mock world snapshot (export one with `tanma-mock export --format snapshot --out <file>`)')
  const version = bytes.readUInt32LE(MAGIC.length)
  if (version !== SNAPSHOT_VERSION) fail(`snapshot format version ${version}; this tanma-mock reads version ${SNAPSHOT_VERSION}: export the world again with this version`)
  const headerLength = bytes.readUInt32LE(MAGIC.length + 4)
  if (PREAMBLE + headerLength > bytes.length) fail(`truncated: the header needs ${PREAMBLE + headerLength} bytes, the file has ${bytes.length}`)
  let header: Header
  try {
    header = JSON.parse(bytes.toString('utf8', PREAMBLE, PREAMBLE + headerLength)) as Header
  } catch {
    return fail('corrupted: its header is not JSON')
  }
  const names = header.sections?.map((s) => s.name).join(',')
  if (names !== SECTION_NAMES.join(',') || !header.sections.every((s) => s.type === SECTION_TYPES[s.name as SectionName] && Number.isSafeInteger(s.length) && s.length >= 0)) fail('corrupted: its header does not list the sections of a world')
  let at = PREAMBLE + headerLength
  at += pad8(at)
  const bodyStart = at
  for (const s of header.sections) at += s.length * ARRAYS[s.type].BYTES_PER_ELEMENT + pad8(s.length * ARRAYS[s.type].BYTES_PER_ELEMENT)
  if (at > bytes.length) fail(`truncated: ${at} bytes expected, the file has ${bytes.length}`)
  if (at < bytes.length) fail(`corrupted: ${bytes.length - at} bytes after the last section`)
  if (crc32(bytes.subarray(bodyStart, at)) !== header.crc32) fail('corrupted: its sections do not match their checksum')
  // Typed arrays view the bytes in place when they are 8-byte aligned (a file read whole is).
  const buffer = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes)
  const sections = {} as Record<SectionName, Float64Array | Int32Array | Uint8Array>
  at = bodyStart
  for (const s of header.sections) {
    const Array = ARRAYS[s.type]
    sections[s.name as SectionName] = new Array(buffer.buffer as ArrayBuffer, buffer.byteOffset + at, s.length)
    at += s.length * Array.BYTES_PER_ELEMENT + pad8(s.length * Array.BYTES_PER_ELEMENT)
  }
  const typed = sections as unknown as { customerIds: Float64Array<ArrayBuffer>; companyIds: Float64Array<ArrayBuffer> } & SnapshotParts['relations']
  try {
    return await World.fromSnapshot({ options: header.options, customerIds: typed.customerIds, companyIds: typed.companyIds, relations: typed })
  } catch (error) {
    return fail(`corrupted: ${(error as Error).message}`)
  }
}
