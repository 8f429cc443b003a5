/**
 * Generated customers. A customer is a pure function of (world seed, its index): its skeleton
 * (creation time, type, who follows it and since when) is drawn at build time for the keyset index;
 * the rest of the record is drawn only when it is read, each part from its own stream.
 */
import type { Catalog } from './catalog.js'
import { cumulative, hashString, stream, type Rng } from './rng.js'
import {
  COMPANY_CATEGORIES, DESCRIPTIONS, FEMALE_NAMES, LAST_NAMES, LATIN_NAMES, LEGAL_ENTITY_TYPES, MALE_NAMES,
  MOBILE_PREFIXES, PET_NAMES, REGIONS, STREETS, URL_SAFE, ALNUM,
} from './pools.js'
import { formatBeijing, formatBeijingDate, parseBeijing } from '../../protocol/time.js'
import { FIELD_TYPES, type Customer, type CustomerType, type FieldDefinition, type ProfileValue } from '../schema.js'

/** What a generated world looks like; everything else follows from the seed. */
export interface WorldShape {
  readonly seed: number
  readonly customers: number
  readonly staff: number
  /** Customers are created within [fromSec, untilSec). */
  readonly fromSec: number
  readonly untilSec: number
}

export interface Follow {
  /** Index of the member in the world's member list. */
  readonly member: number
  readonly sec: number
  readonly micros: number
}

export interface CustomerSkeleton {
  readonly createSec: number
  readonly type: CustomerType
  /** The first follow is the one that created the customer, in the same second. */
  readonly follows: readonly Follow[]
}

const S = {
  skeleton: hashString('customer.skeleton'),
  follows: hashString('customer.follows'),
  id: hashString('customer.id'),
  company: hashString('customer.company'),
  gender: hashString('customer.gender'),
  name: hashString('customer.name'),
  mobile: hashString('customer.mobile'),
  source: hashString('customer.source'),
  description: hashString('customer.description'),
  address: hashString('customer.address'),
  birthday: hashString('customer.birthday'),
  corpName: hashString('customer.corp_name'),
  intention: hashString('customer.purchase_intention'),
  stage: hashString('customer.stage'),
  tags: hashString('customer.tags'),
  wechat: hashString('customer.wechat'),
  update: hashString('customer.update'),
  convert: hashString('customer.convert'),
  remark: hashString('relation.remark'),
  /** A tenant's field that has no generator of its own (sub-stream: the field's id). */
  field: hashString('customer.field'),
}

const DAY = 86_400
/** Customers arrive faster as the tenant grows: density ∝ e^(GROWTH·x) over the window. */
const GROWTH = 1.2
/** Beijing hour-of-day weights of new customers: office hours, a lunch dip, a tail in the evening. */
const HOURS = cumulative([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.6, 1.5, 4, 5, 4.5, 2, 2.5, 4.5, 5, 4.5, 3.5, 2, 1.8, 1.6, 1.2, 0.6, 0.3])
/** How many members follow a customer: mostly one, some several. */
const FOLLOWERS = cumulative([72, 18, 6, 3, 1])
const ENTERPRISE_SHARE = 0.3

/** Follower weights of the members (some sell far more than others), by member index. */
export function memberWeights(seed: number, staff: number): number[] {
  const weights = Array.from({ length: staff }, (_, j) => 0.4 + 2.6 * stream(seed, S.follows, -1 - j).next() ** 2)
  return cumulative(weights)
}

/** Most followers a customer has (FOLLOWERS' last entry). */
export const MAX_FOLLOWERS = FOLLOWERS.length

/**
 * A customer's skeleton drawn into reusable columns (the world's build draws millions into one, so
 * it makes no objects per customer). customerSkeleton is the same draw as records.
 */
export class SkeletonDraw {
  createSec = 0
  /** The start of the customer's day: customers after it are created on this day or later. */
  daySec = 0
  type: CustomerType = 1
  count = 0
  readonly member = new Int32Array(MAX_FOLLOWERS)
  readonly sec = new Float64Array(MAX_FOLLOWERS)
  readonly micros = new Int32Array(MAX_FOLLOWERS)

  /** Draws customer `i`'s skeleton into this (replacing the previous one). */
  draw(shape: WorldShape, memberCumulative: readonly number[], i: number): this {
    const rng = stream(shape.seed, S.skeleton, i)
    const days = Math.max(1, Math.floor((shape.untilSec - shape.fromSec) / DAY))
    const q = (i + rng.next()) / shape.customers
    const x = Math.log1p(q * Math.expm1(GROWTH)) / GROWTH
    const day = Math.min(days - 1, Math.floor(x * days))
    const createSec = Math.min(shape.untilSec - 1, shape.fromSec + day * DAY + rng.weighted(HOURS) * 3600 + rng.int(3600))
    this.createSec = createSec
    this.daySec = shape.fromSec + day * DAY
    this.type = rng.chance(ENTERPRISE_SHARE) ? 2 : 1
    const count = Math.min(shape.staff, 1 + rng.weighted(FOLLOWERS))
    let n = 0
    while (n < count) {
      const member = rng.weighted(memberCumulative)
      let taken = false
      for (let k = 0; k < n; k++) taken ||= this.member[k] === member
      if (taken) continue
      this.member[n] = member
      this.sec[n] = n === 0 ? createSec : Math.min(shape.untilSec - 1, createSec + 1 + Math.floor((shape.untilSec - createSec) * rng.next() ** 3))
      this.micros[n] = rng.int(1_000_000)
      n++
    }
    this.count = n
    return this
  }
}

export function customerSkeleton(shape: WorldShape, memberCumulative: readonly number[], i: number): CustomerSkeleton {
  const d = new SkeletonDraw().draw(shape, memberCumulative, i)
  const follows: Follow[] = []
  for (let k = 0; k < d.count; k++) follows.push({ member: d.member[k]!, sec: d.sec[k]!, micros: d.micros[k]! })
  return { createSec: d.createSec, type: d.type, follows }
}

/** How long before its creation a customer's id is minted, at most, and its company's before that. */
const MAX_MINT_LEAD_MS = 30_000
const MAX_COMPANY_LEAD_MS = 8_000

/** When the customer's id was minted: shortly before its creation time (the documented one: 13 s). */
export function customerMintMs(shape: WorldShape, i: number, skeleton: Pick<CustomerSkeleton, 'createSec'>): number {
  return skeleton.createSec * 1000 - stream(shape.seed, S.id, i).between(1_000, MAX_MINT_LEAD_MS)
}

/**
 * No id of the customer drawn in `d`, nor of any customer after it, is minted before this: their
 * days do not go back (a day more is kept, against rounding at a day's edge), and ids are minted at
 * most 38 s before creation (customerMintMs, companyMintMs).
 */
export function mintFloorMs(d: Pick<SkeletonDraw, 'daySec'>): number {
  return (d.daySec - DAY) * 1000 - MAX_MINT_LEAD_MS - MAX_COMPANY_LEAD_MS
}

/** The company of an enterprise customer is registered a few seconds before the customer. */
export function companyMintMs(shape: WorldShape, i: number, customerMintMs: number): number {
  return customerMintMs - stream(shape.seed, S.company, i).between(1_000, MAX_COMPANY_LEAD_MS)
}

export function companyName(rng: Rng): string {
  const [province, short, cities] = rng.pick(REGIONS)
  const place = rng.chance(0.5) ? rng.pick(cities) : short || province
  return `${place}${rng.pick(MALE_NAMES)}${rng.pick(COMPANY_CATEGORIES)}${rng.pick(LEGAL_ENTITY_TYPES)}`
}

function mobile(rng: Rng): string {
  return rng.pick(MOBILE_PREFIXES) + String(rng.int(100_000_000)).padStart(8, '0')
}

const SOURCE_WEIGHTS = cumulative([30, 12, 18, 10, 15, 15])
const INTENTION_WEIGHTS = cumulative([20, 40, 25, 15])
const STAGE_WEIGHTS = cumulative([35, 22, 15, 10, 12, 6])
const FROM_BIRTHDAY = parseBeijing('1965-01-01 00:00:00')!
const TO_BIRTHDAY = parseBeijing('2004-12-31 00:00:00')!

/** The full record of generated customer `i`, whose id (and company id) the world minted at build. */
export function generateCustomer(
  shape: WorldShape,
  catalog: Catalog,
  i: number,
  skeleton: CustomerSkeleton,
  customerId: number,
  companyId: number,
): Customer {
  const { seed } = shape
  const r = (what: number) => stream(seed, what, i)
  // A fixture's or tenant's catalog may lack a field or have other options: draw the same numbers, then fit them
  // (our weights for our number of options, else uniform over the tenant's).
  const option = (field: string, weights: readonly number[], rng: Rng) => {
    const items = catalog.fields.find((f) => f.outerField === field)?.items ?? []
    const pick = items.length === weights.length || items.length === 0 ? rng.weighted(weights) : rng.int(items.length)
    return items.length === 0 ? null : String(items[Math.min(pick, items.length - 1)]!.id)
  }

  const { gender, givenName, fullName, name } = generatedName(seed, i)

  const company = skeleton.type === 2 ? { id: companyId, name: companyName(r(S.company)) } : null

  const { viaWecom, wechatNickname, wechatAvatar, wechatLocation, externalUserId } = generatedWechat(seed, i, fullName, givenName)

  const mobiles = generatedMobiles(seed, i)

  const sourceRng = r(S.source)
  const source = sourceRng.chance(viaWecom ? 0.8 : 0.6) ? option('customer_source', viaWecom ? cumulative([70, 5, 10, 5, 5, 5]) : SOURCE_WEIGHTS, sourceRng) : null

  const descRng = r(S.description)
  const descRoll = descRng.next()
  const description = descRoll < 0.5 ? null : descRoll < 0.7 ? '' : descRng.pick(DESCRIPTIONS)

  const addrRng = r(S.address)
  const address = addrRng.chance(0.45) ? drawAddress(addrRng) : null

  const birthdayRng = r(S.birthday)
  const birthday = birthdayRng.chance(0.3) ? formatBeijingDate(FROM_BIRTHDAY + birthdayRng.int(Math.floor((TO_BIRTHDAY - FROM_BIRTHDAY) / DAY)) * DAY) : null

  const corpRng = r(S.corpName)
  const corpName = company ? (corpRng.chance(0.9) ? company.name : null) : corpRng.chance(0.12) ? companyName(corpRng) : null

  const intentionRng = r(S.intention)
  const intention = intentionRng.chance(0.55) ? option('purchase_intention', INTENTION_WEIGHTS, intentionRng) : null
  const stage = option('customer_stage', STAGE_WEIGHTS, r(S.stage))

  const tagRng = r(S.tags)
  // From the tags the world was made with (a tag change moves no generated record: catalog.drawTags).
  const tagCount = tagRng.chance(0.45) || catalog.drawTags.length === 0 ? 0 : Math.min(catalog.drawTags.length, tagRng.between(1, 3))
  const tagIds = new Set<number>()
  while (tagIds.size < tagCount) tagIds.add(tagRng.pick(catalog.drawTags).id)

  const lastFollow = Math.max(...skeleton.follows.map((f) => f.sec))
  const updateRng = r(S.update)
  const edited = updateRng.chance(0.6) ? skeleton.createSec + Math.floor((shape.untilSec - 1 - skeleton.createSec) * updateRng.next() ** 2) : skeleton.createSec
  const lastUpdateTime = Math.max(edited, lastFollow)

  const convertRng = r(S.convert)
  const convertCustomerTime = convertRng.chance(0.15) ? skeleton.createSec + convertRng.int(lastUpdateTime - skeleton.createSec + 1) : null

  const documented = {
    customer_source: source,
    description,
    mobile: JSON.stringify(mobiles),
    address,
    birthday,
    corp_name: corpName,
    name,
    purchase_intention: intention,
    gender: genderValue(catalog, gender),
    customer_stage: stage,
  }
  const fields = profileValues(catalog, documented, (field) => stream(seed, S.field, i, field.id), skeleton.createSec, shape.untilSec)

  return {
    customerId,
    type: skeleton.type,
    fields,
    tagIds: [...tagIds].sort((a, b) => a - b),
    createTime: skeleton.createSec,
    lastUpdateTime,
    company,
    wechatNickname,
    wechatAvatar,
    wechatLocation,
    convertCustomerTime,
    externalUserId,
  }
}

/** A street address drawn from `rng` (the address field's, and a tenant's text fields'). */
function drawAddress(rng: Rng): string {
  const [province, short, cities] = rng.pick(REGIONS)
  const city = rng.pick(cities)
  return `${province}${city === short ? '' : city + '市'}${rng.pick(STREETS)}${rng.between(1, 999)}号`
}

/** The gender field's option for gender 0 其它, 1 男, 2 女: the option at that place (ours have those ids), null without options. */
export function genderValue(catalog: Catalog, gender: 0 | 1 | 2): string | null {
  const items = catalog.fields.find((f) => f.outerField === 'gender')?.items ?? []
  return items.length === 0 ? null : String(items[Math.min(gender, items.length - 1)]!.id)
}

/**
 * A generated record's profile values, in its catalog's fields and order: a documented key
 * (`outerField`) takes the value drawn for it (`documented`); a field the fake has no generator for
 * (a tenant's own) a value of its type from its own stream (`rngOf`), null about half the time.
 */
export function profileValues(
  catalog: Catalog,
  documented: Readonly<Record<string, string | null>>,
  rngOf: (field: FieldDefinition) => Rng,
  sinceSec: number,
  untilSec: number,
): ProfileValue[] {
  return catalog.fields.map((f) => ({
    field: f.outerField ?? f.name,
    type: f.type,
    valueAsText: f.outerField !== null && Object.hasOwn(documented, f.outerField) ? documented[f.outerField]! : valueOfType(f, rngOf(f), sinceSec, untilSec),
  }))
}

/** A value of a field's type: an option, a date or time since `sinceSec`, a number, a mobile, or short Chinese text (faker's zh_CN pools). */
function valueOfType(field: FieldDefinition, rng: Rng, sinceSec: number, untilSec: number): string | null {
  if (rng.chance(0.45)) return null
  const span = Math.max(1, untilSec - sinceSec)
  switch (field.type) {
    case FIELD_TYPES.select:
      return field.items.length === 0 ? null : String(rng.pick(field.items).id)
    case FIELD_TYPES.multiSelect: {
      if (field.items.length === 0) return null
      const picked = new Set(Array.from({ length: rng.between(1, Math.min(3, field.items.length)) }, () => rng.int(field.items.length)))
      return JSON.stringify(field.items.filter((_, k) => picked.has(k)).map((o) => String(o.id)))
    }
    case FIELD_TYPES.date:
      return formatBeijingDate(sinceSec + rng.int(span))
    case FIELD_TYPES.dateTime:
      return formatBeijing(sinceSec + rng.int(span))
    case FIELD_TYPES.number:
      return String(rng.between(1, 100_000))
    case FIELD_TYPES.phones:
      return JSON.stringify([mobile(rng)])
    case FIELD_TYPES.textarea:
      return rng.pick(DESCRIPTIONS)
    default: {
      const roll = rng.next()
      return roll < 0.4 ? rng.pick(DESCRIPTIONS) : roll < 0.7 ? companyName(rng) : drawAddress(rng)
    }
  }
}

/**
 * The WeChat identity of generated customer `i`, from its own stream: whether it came through WeCom,
 * its nickname (drawn on its names), avatar, location and externalUserId. The externalUserId index
 * (World.customerByExternalUserId) calls it without the names: they only choose a nickname, never a draw.
 */
export function generatedWechat(seed: number, i: number, fullName = '', givenName = '') {
  const wechatRng = stream(seed, S.wechat, i)
  const viaWecom = wechatRng.chance(0.7)
  let wechatNickname: string | null = null
  let wechatAvatar: string | null = null
  let wechatLocation: string | null = null
  let externalUserId: string | null = null
  if (viaWecom) {
    const roll = wechatRng.next()
    wechatNickname = roll < 0.35 ? fullName : roll < 0.6 ? givenName : roll < 0.8 ? wechatRng.pick(PET_NAMES) : wechatRng.pick(LATIN_NAMES)
    wechatAvatar = `https://wx.qlogo.cn/mmhead/${wechatRng.chars(URL_SAFE, wechatRng.between(52, 64))}/0`
    if (wechatRng.chance(0.6)) {
      const [, short, cities] = wechatRng.pick(REGIONS)
      wechatLocation = short === cities[0] ? short : `${short} ${wechatRng.pick(cities)}`
    }
    externalUserId = (wechatRng.chance(0.85) ? 'wm' : 'wo') + wechatRng.chars(URL_SAFE, 30)
  }
  return { viaWecom, wechatNickname, wechatAvatar, wechatLocation, externalUserId }
}

/**
 * The gender and name of generated customer `i`, drawn from their own streams (so a name index
 * needs no whole record): `name` is the profile value (null for some), `fullName`/`givenName` what
 * the WeChat nickname draws on.
 */
export function generatedName(seed: number, i: number): { gender: 0 | 1 | 2; givenName: string; fullName: string; name: string | null } {
  const genderRng = stream(seed, S.gender, i)
  const gender = genderRng.chance(0.1) ? 0 : genderRng.chance(0.51) ? 1 : 2
  const nameRng = stream(seed, S.name, i)
  const nameRoll = nameRng.next()
  const givenName = nameRng.pick(gender === 2 ? FEMALE_NAMES : MALE_NAMES)
  const fullName = nameRng.pick(LAST_NAMES) + givenName
  // Tanma names customers added without a name 客户 + 6 characters (the documented 客户A3ooIc).
  const name = nameRoll < 0.75 ? fullName : nameRoll < 0.85 ? `客户${nameRng.chars(ALNUM, 6)}` : null
  return { gender, givenName, fullName, name }
}

/** The mobile numbers of generated customer `i`, drawn from their own stream (so a mobile index needs no whole record). */
export function generatedMobiles(seed: number, i: number): string[] {
  const mobileRng = stream(seed, S.mobile, i)
  const mobileRoll = mobileRng.next()
  return mobileRoll < 0.25 ? [] : mobileRoll < 0.9 ? [mobile(mobileRng)] : [mobile(mobileRng), mobile(mobileRng)]
}

/** A mobile number drawn from `rng` (leads draw theirs the way customers do). */
export function drawMobile(rng: Rng): string {
  return mobile(rng)
}

/** The member's remark (备注) on a customer: usually its name, sometimes with its company, or the nickname. */
export function generateRemark(seed: number, i: number, member: number, customer: Customer): string | null {
  const rng = stream(seed, S.remark, i, member)
  const name = customer.fields.find((f) => f.field === 'name')?.valueAsText ?? null
  const roll = rng.next()
  if (name && roll < 0.45) return name
  if (name && roll < 0.6) return customer.company ? `${name}-${customer.company.name.slice(0, 4)}` : `${name}${rng.pick(['先生', '女士', '总', '经理'])}`
  if (customer.wechatNickname && roll < 0.8) return customer.wechatNickname
  return null
}
