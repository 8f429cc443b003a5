/**
 * The console's labels in Chinese and English: one dictionary, `t(key)`. The world's data stays as it
 * is (Chinese); only labels switch. The language is remembered in the browser (localStorage).
 */
export type Lang = 'zh' | 'en'

const WORDS = {
  title: { zh: '探马 Mock 控制台', en: 'Tanma mock console' },
  switchTo: { zh: 'English', en: '中文' },
  loading: { zh: '加载中…', en: 'Loading…' },
  empty: { zh: '无', en: 'none' },
  none: { zh: '没有结果', en: 'No results' },
  error: { zh: '出错了', en: 'Something went wrong' },
  retry: { zh: '重试', en: 'Retry' },
  notFoundPage: { zh: '没有这个页面', en: 'No such page' },
  // Token
  token: { zh: '管理令牌', en: 'Admin token' },
  tokenHint: { zh: '此控制台需要管理令牌（--admin-token）', en: 'This console needs the admin token (--admin-token)' },
  tokenWrong: { zh: '令牌不对，请重新输入', en: 'The token was refused: enter it again' },
  useToken: { zh: '使用', en: 'Use' },
  // Nav
  tenants: { zh: '租户', en: 'Tenants' },
  members: { zh: '成员', en: 'Members' },
  customers: { zh: '客户', en: 'Customers' },
  leads: { zh: '线索', en: 'Leads' },
  charts: { zh: '图表', en: 'Charts' },
  // Tenants
  tenant: { zh: '租户', en: 'Tenant' },
  defaultTenant: { zh: '默认租户', en: 'default tenant' },
  singleTenant: { zh: '只有一个租户（默认）', en: 'One tenant (the default)' },
  current: { zh: '当前', en: 'current' },
  view: { zh: '查看', en: 'View' },
  relationCount: { zh: '跟进关系数', en: 'Relations' },
  customerCount: { zh: '客户数', en: 'Customers' },
  // Members
  department: { zh: '部门', en: 'Department' },
  left: { zh: '已离职', en: 'left' },
  memberCount: { zh: '成员数', en: 'members' },
  leftCount: { zh: '已离职', en: 'left' },
  // Customers
  search: { zh: '搜索', en: 'Search' },
  searchHint: { zh: '姓名、手机号或客户 ID', en: 'name, mobile or customer id' },
  name: { zh: '姓名', en: 'Name' },
  mobile: { zh: '手机号', en: 'Mobile' },
  id: { zh: 'ID', en: 'ID' },
  type: { zh: '类型', en: 'Type' },
  stage: { zh: '阶段', en: 'Stage' },
  source: { zh: '来源', en: 'Source' },
  tag: { zh: '标签', en: 'Tag' },
  followers: { zh: '跟进成员数', en: 'Followers' },
  personal: { zh: '个人', en: 'Personal' },
  enterprise: { zh: '企业', en: 'Enterprise' },
  any: { zh: '全部', en: 'any' },
  more: { zh: '还有更多结果', en: 'More results' },
  previous: { zh: '上一页', en: 'Previous' },
  next: { zh: '下一页', en: 'Next' },
  page: { zh: '第 {n} 页', en: 'page {n}' },
  total: { zh: '共 {n} 条', en: '{n} in all' },
  // A customer
  fields: { zh: '资料字段', en: 'Profile fields' },
  tags: { zh: '标签', en: 'Tags' },
  relations: { zh: '跟进关系', en: 'Follow relations' },
  member: { zh: '成员', en: 'Member' },
  remark: { zh: '备注', en: 'Remark' },
  since: { zh: '添加时间', en: 'Since' },
  followUps: { zh: '跟进记录', en: 'Follow-up records' },
  content: { zh: '内容', en: 'Content' },
  operator: { zh: '操作人', en: 'By' },
  time: { zh: '时间', en: 'Time' },
  wechat: { zh: '微信身份', en: 'WeChat identity' },
  nickname: { zh: '微信昵称', en: 'Nickname' },
  created: { zh: '创建时间', en: 'Created' },
  updated: { zh: '更新时间', en: 'Updated' },
  company: { zh: '企业', en: 'Company' },
  notFound: { zh: '找不到该客户', en: 'No such customer' },
  // Edits
  edit: { zh: '编辑', en: 'Edit' },
  save: { zh: '保存', en: 'Save' },
  cancel: { zh: '取消', en: 'Cancel' },
  saved: { zh: '已保存', en: 'Saved' },
  add: { zh: '添加', en: 'Add' },
  remove: { zh: '移除', en: 'Remove' },
  addTag: { zh: '添加标签', en: 'Add a tag' },
  addRelation: { zh: '添加跟进成员', en: 'Add a follower' },
  deleteCustomer: { zh: '删除客户', en: 'Delete the customer' },
  confirmDelete: { zh: '确定删除该客户？', en: 'Delete this customer?' },
  deleted: { zh: '已删除', en: 'Deleted' },
  refused: { zh: '未保存：', en: 'Not saved:' },
  // Leads
  lead: { zh: '线索', en: 'Lead' },
  isClue: { zh: '状态', en: 'State' },
  clue: { zh: '线索', en: 'lead' },
  waiting: { zh: '待分配客户', en: 'waiting customer' },
  addFollowUp: { zh: '添加跟进记录', en: 'Add a follow-up' },
  noLead: { zh: '找不到该线索', en: 'No such lead' },
  // Charts
  perStage: { zh: '各阶段客户数', en: 'Customers per stage' },
  perSource: { zh: '各来源客户数', en: 'Customers per source' },
  perMonth: { zh: '每月新增跟进关系', en: 'New follow relations per month' },
  unset: { zh: '（未填）', en: '(not set)' },
} satisfies Record<string, Record<Lang, string>>

export type Word = keyof typeof WORDS

const KEY = 'tanma-mock.lang'
let lang: Lang = localStorage.getItem(KEY) === 'en' ? 'en' : 'zh'

/** The current language. */
export const language = (): Lang => lang

/** Switches the language (remembered); the caller re-renders. */
export function setLanguage(next: Lang): void {
  lang = next
  localStorage.setItem(KEY, next)
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en'
  document.title = t('title')
}

/** A label in the current language; `{n}`-style placeholders filled from `values`. */
export function t(word: Word, values: Record<string, string | number> = {}): string {
  return WORDS[word][lang].replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`))
}

/** Whether `key` is a label (for labels chosen at run time, e.g. the nav's). */
export const isWord = (key: string): key is Word => Object.hasOwn(WORDS, key)
