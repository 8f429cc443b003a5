/**
 * zh_CN value pools. Names, streets and company words come from faker's zh_CN locale tables
 * (sampled with our own seeded streams: calling faker's functions per value costs ~70 µs a
 * customer); the SCRM-specific pools faker lacks (provinces with their cities, sales notes,
 * departments) are ours.
 */
import { faker as zh } from '@faker-js/faker/locale/zh_CN'
import { faker as en } from '@faker-js/faker/locale/en'

type Tables = Record<string, Record<string, unknown>>
const zhData = zh.rawDefinitions as unknown as Tables
const enData = en.rawDefinitions as unknown as Tables

function table(data: Tables, path: string): string[] {
  const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], data)
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== 'string') throw new Error(`faker table ${path} is missing`)
  return value as string[]
}

export const LAST_NAMES = table(zhData, 'person.last_name.generic')
export const MALE_NAMES = table(zhData, 'person.first_name.male')
export const FEMALE_NAMES = table(zhData, 'person.first_name.female')
export const STREETS = table(zhData, 'location.street_name')
export const COMPANY_CATEGORIES = table(zhData, 'company.category')
export const LEGAL_ENTITY_TYPES = table(zhData, 'company.legal_entity_type')
export const PET_NAMES = table(zhData, 'animal.pet_name')
/** Latin first names for WeCom account ids (`qwUserId`, like the documented `dowen`). */
export const LATIN_NAMES = table(enData, 'person.first_name.generic').filter((n) => /^[A-Za-z]{3,8}$/.test(n)).map((n) => n.toLowerCase())

/** Provinces with some of their cities, for addresses and WeChat locations. */
export const REGIONS: ReadonlyArray<readonly [province: string, short: string, cities: readonly string[]]> = [
  ['广东省', '广东', ['广州', '深圳', '东莞', '佛山', '珠海', '惠州']],
  ['浙江省', '浙江', ['杭州', '宁波', '温州', '绍兴', '嘉兴']],
  ['江苏省', '江苏', ['南京', '苏州', '无锡', '常州', '南通']],
  ['北京市', '北京', ['北京']],
  ['上海市', '上海', ['上海']],
  ['四川省', '四川', ['成都', '绵阳', '德阳']],
  ['山东省', '山东', ['济南', '青岛', '烟台', '潍坊']],
  ['湖北省', '湖北', ['武汉', '宜昌', '襄阳']],
  ['福建省', '福建', ['福州', '厦门', '泉州']],
  ['河南省', '河南', ['郑州', '洛阳']],
  ['湖南省', '湖南', ['长沙', '株洲']],
  ['天津市', '天津', ['天津']],
  ['重庆市', '重庆', ['重庆']],
  ['陕西省', '陕西', ['西安', '咸阳']],
  ['安徽省', '安徽', ['合肥', '芜湖']],
]

/** Mainland mobile number prefixes in use (三大运营商 and virtual operators). */
export const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '145', '147', '150', '151', '152', '153', '155', '156',
  '157', '158', '159', '162', '165', '166', '167', '170', '171', '172', '173', '175', '176', '177', '178', '180', '181', '182',
  '183', '184', '185', '186', '187', '188', '189', '190', '191', '192', '193', '195', '196', '197', '198', '199',
]

/** Sales notes of the kind found in a customer's 描述 field. */
export const DESCRIPTIONS = [
  '对价格比较敏感，需要发一份报价单', '老客户转介绍，已加微信', '年底有采购预算', '需要安排上门演示', '关注售后服务和交付周期',
  '已发送产品资料，等待回复', '决策人是老板，需再约时间', '展会上留的联系方式', '要求先试用一个月', '意向较强，下周回访',
  '预算有限，暂缓跟进', '竞品在比价中', '对接人是采购部', '希望能开增值税专用发票', '需要和技术负责人沟通方案',
]

export const DEPARTMENTS = ['销售一部', '销售二部', '大客户部', '渠道部', '电销中心', '客户成功部']

export const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
