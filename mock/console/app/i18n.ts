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
  choose: { zh: '请选择…', en: 'Choose…' },
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
  // Live (app/live/*)
  live: { zh: '实时', en: 'Live' },
  pushes: { zh: '推送', en: 'Pushes' },
  coverage: { zh: '覆盖率', en: 'Coverage' },
  control: { zh: '控制', en: 'Control' },
  requestJournal: { zh: '请求日志', en: 'Request journal' },
  noRequests: { zh: '还没有请求', en: 'No requests yet' },
  endpoint: { zh: '接口', en: 'Endpoint' },
  signature: { zh: '签名', en: 'Signature' },
  code: { zh: '返回码', en: 'Code' },
  diagnosis: { zh: '诊断', en: 'Diagnosis' },
  faults: { zh: '故障', en: 'Faults' },
  requestId: { zh: '请求 ID', en: 'Request id' },
  requestHeaders: { zh: '请求头', en: 'Request headers' },
  requestBody: { zh: '请求体', en: 'Request body' },
  answer: { zh: '响应', en: 'Answer' },
  noAnswer: { zh: '没有响应（连接被重置或挂起）', en: 'No answer (the connection was reset or left hanging)' },
  truncated: { zh: '共 {n} 字节，只显示前 4096 字节', en: '{n} bytes; the first 4096 shown' },
  detailGone: { zh: '该请求的详情已不在日志中（只保留最近 200 条）', en: 'The detail of this request is no longer kept (the latest 200 are)' },
  requestsPerSecond: { zh: '每秒请求数', en: 'Requests per second' },
  errorCodes: { zh: '错误码', en: 'Error codes' },
  noErrors: { zh: '没有错误', en: 'No errors' },
  chartClock: { zh: '按 Mock 的虚拟时钟（北京时间）计秒', en: 'Seconds of the virtual clock of the fake (Beijing time)' },
  pushJournal: { zh: '推送日志', en: 'Push journal' },
  pushAddress: { zh: '接收地址', en: 'Receive address' },
  noRegistration: { zh: '还没有注册接收地址（/v2/push-register）', en: 'No receive address registered yet (/v2/push-register)' },
  offline: { zh: '离线', en: 'offline' },
  noPushes: { zh: '还没有推送', en: 'No pushes yet' },
  cause: { zh: '原因', en: 'Cause' },
  attempt: { zh: '次数', en: 'Attempt' },
  verdict: { zh: '结果', en: 'Verdict' },
  pushContents: { zh: '解密后的内容', en: 'Decrypted contents' },
  pushHeaders: { zh: '推送头', en: 'Headers' },
  receiverAnswer: { zh: '接收方的响应', en: 'Answer of the receiver' },
  resend: { zh: '重新发送', en: 'Resend' },
  resent: { zh: '已重新发送', en: 'Resent' },
  coverageTotals: { zh: '已覆盖 {covered} / {items} 项，用到 {used} / {groups} 组', en: '{covered} of {items} items covered; {used} of {groups} groups used' },
  coverageRestart: { zh: '重新开始统计', en: 'Start again' },
  coverageSince: { zh: '自上次清空请求和推送日志以来', en: 'Since the request and push journals were last cleared' },
  coverageGroup: { zh: '接口 / 推送类型 / 故障规则', en: 'Endpoint / push type / fault rule' },
  covered: { zh: '已覆盖', en: 'Covered' },
  coverageItems: { zh: '项', en: 'Items' },
  diagnoses: { zh: '诊断', en: 'Diagnoses' },
  // Control (app/control/*)
  clock: { zh: '虚拟时钟', en: 'Virtual clock' },
  frozen: { zh: '已冻结', en: 'frozen' },
  running: { zh: '走动中', en: 'running' },
  freeze: { zh: '冻结', en: 'Freeze' },
  unfreeze: { zh: '恢复走动', en: 'Unfreeze' },
  realTime: { zh: '回到真实时间', en: 'Back to real time' },
  setClock: { zh: '设置时间', en: 'Set' },
  faultRules: { zh: '生效的故障规则（JSON）', en: 'Fault rules in force (JSON)' },
  noFaults: { zh: '没有故障规则', en: 'No fault rules' },
  fault_gateway_502: { zh: '网关 502', en: 'Gateway 502' },
  fault_rate_limit: { zh: '限流（每秒 1 次）', en: 'Rate limit (1 a second)' },
  fault_hang: { zh: '超时（挂起 30 秒）', en: 'Timeout (hangs 30 s)' },
  fault_busy: { zh: '-1 系统繁忙', en: '-1 系统繁忙 (system busy)' },
  fault_slow: { zh: '慢响应（2 秒）', en: 'Slow (2 s)' },
  world: { zh: '数据', en: 'World' },
  choosePack: { zh: '选择数据包', en: 'Choose a pack' },
  loadPack: { zh: '加载', en: 'Load' },
  reset: { zh: '重置', en: 'Reset' },
  confirmReset: { zh: '确定把数据重置为初始状态？', en: 'Reset the world to its starting state?' },
  exportWorld: { zh: '导出', en: 'Export' },
  exported: { zh: '已导出', en: 'Exported' },
  worldNow: { zh: '{what}：{customers} 个客户，{relations} 个跟进关系', en: '{what}: {customers} customers, {relations} relations' },
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
