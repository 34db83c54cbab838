/**
 * The zh-CN catalogue of every error the API returns: one message per code, made specific from the
 * error's `details` (the field, the state, the role, the limit), never from ids. The error filter puts
 * it in the body's `message`; the English developer text stays in `detail`, so logs and API clients keep
 * it, while a person reading a page sees only Chinese. Pure: no Nest.
 *
 * A new ErrorCode must get a line in ZH_BY_CODE (the Record type makes that a type error, and
 * error-catalogue.spec.ts checks every code renders without English or ids).
 */
import { ErrorCode } from './domain-error.js';
import { EVENT_ZH, PLAN_STATUS_ZH, RESOURCE_ZH, ROLE_ZH, TASK_STATE_ZH, fieldLabelZh } from './zh-labels.js';

export interface FieldProblemZh {
  field: string;
  /** The English reason, as before (API clients may read it). */
  reason: string;
  /** The field's Chinese label. */
  label: string;
  /** The reason in Chinese, without the label. */
  message: string;
}

export interface LocalizedError {
  message: string;
  field?: string;
  fields?: FieldProblemZh[];
}

type D = Record<string, unknown>;
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const roles = (v: unknown): string =>
  list(v)
    .map((r) => ROLE_ZH[r] ?? '其他角色')
    .join('、');
const eventZh = (v: unknown): string => EVENT_ZH[String(v)] ?? '该操作';
const stateZh = (v: unknown): string => TASK_STATE_ZH[String(v)] ?? PLAN_STATUS_ZH[String(v)] ?? '当前状态';
const mb = (bytes: unknown): string => (typeof bytes === 'number' ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : '上限');

/** class-validator constraint names → Chinese, with the number its English message carries. */
const CONSTRAINT_ZH: Record<string, (n: string | undefined, en: string) => string> = {
  isString: () => '须为文本',
  isNotEmpty: () => '不能为空',
  isDefined: () => '必须填写',
  isInt: () => '须为整数',
  isNumber: () => '须为数字',
  isBoolean: () => '须为“是”或“否”',
  isArray: () => '须为列表',
  isObject: () => '须为对象',
  arrayMinSize: (n) => `至少需要 ${n ?? 1} 项`,
  arrayMaxSize: (n) => `最多 ${n ?? ''} 项`,
  arrayNotEmpty: () => '至少需要一项',
  arrayUnique: () => '不能有重复项',
  min: (n) => `不能小于 ${n ?? ''}`,
  max: (n) => `不能大于 ${n ?? ''}`,
  minLength: (n) => `至少 ${n ?? ''} 个字符`,
  maxLength: (n) => `最多 ${n ?? ''} 个字符`,
  isIn: () => '不是可选的取值',
  isEnum: () => '不是可选的取值',
  matches: () => '格式不正确',
  isDateString: () => '须为日期时间',
  isISO8601: () => '须为日期时间',
  isCalendarDate: () => '须为真实的日期（年-月-日）',
  isInstant: () => '须为带时区的日期时间',
  isTimeZone: () => '须为有效的时区名称',
  isUrl: () => '须为网址',
  isUUID: () => '编号格式不正确',
  isPositive: () => '须为正数',
  whitelistValidation: () => '不是可接受的字段',
  nestedValidation: () => '须为对象或列表',
};

/** Reasons written by hand in services (English), by pattern → Chinese. Order matters: first match wins. */
const REASON_PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  // self-assessment (src/self-assessment)
  [/not an indicator this unit carries/, () => '不是本单位在该方案中承担的指标'],
  [/must be between 0 and ([\d.]+) \(the indicator's points\)/, (m) => `须在 0 至 ${m[1]} 分之间（该指标的分值）`],
  [/at most two decimals/, () => '最多保留两位小数'],
  [/no self-score yet/, () => '尚未填写自评分'],
  [/another active department user of this unit/, () => '须为本单位另一位在用账号（不能由填报人本人签认）'],
  [/upload the self-assessment report/, () => '请先上传自评报告'],
  [/^unknown field/, () => '不是可接受的字段'],
  // the password policy (src/auth/password-policy.ts)
  [/^password: at least (\d+) characters/, (m) => `至少 ${m[1]} 个字符`],
  [/^password: must not be the username/, () => '不能与用户名相同'],
  [/^password: mix at least two kinds/, () => '须包含字母、数字、符号中的至少两类'],
  [/^password: wrong current password/, () => '当前密码不正确'],
  [/^password: same as the current/, () => '不能与当前密码相同'],
  // the webhook target policy (src/notifications/webhook-target.ts)
  [/^webhook target: host .* does not resolve/, () => '无法解析该网址的主机名'],
  [/^webhook target: not a URL/, () => '须为网址'],
  [/^webhook target: /, () => '不能指向本机、内网或保留地址（如确需推送到内网，请由管理员把该主机加入允许名单）'],
  // class-validator's own English, when the constraint name did not come along
  [/must not be greater than (-?[\d.]+)/, (m) => `不能大于 ${m[1]}`],
  [/must not be less than (-?[\d.]+)/, (m) => `不能小于 ${m[1]}`],
  [/must be longer than or equal to (\d+)/, (m) => `至少 ${m[1]} 个字符`],
  [/must be shorter than or equal to (\d+)/, (m) => `最多 ${m[1]} 个字符`],
  [/should not be empty/, () => '不能为空'],
  [/nested deeper than (\d+)/, (m) => `嵌套超过 ${m[1]} 层`],
  [/more than (\d+) items/, (m) => `超过 ${m[1]} 项`],
  [/more than (\d+) keys/, (m) => `超过 ${m[1]} 个字段`],
  [/more than (\d+) values/, (m) => `内容超过 ${m[1]} 个值`],
  [/at most (\d+) file/, (m) => `每次最多上传 ${m[1]} 个文件`],
  [/at most (\d+) parts/, (m) => `每次最多 ${m[1]} 个部分`],
  [/malformed or cut-short multipart/, () => '上传内容不完整，请重新上传'],
  [/^empty body: send a JSON object/, () => '为空，请提交 JSON 对象'],
  [/^not valid JSON/, () => '不是有效的 JSON'],
  [/must not contain the NUL character/, () => '不能包含空字符（U+0000）'],
  [/between (\d{4}) and (\d{4})|2000.{1,3}2100/, () => '年份须在 2000 至 2100 之间'],
  [/should not exist/, () => '不是可接受的字段'],
  [/does not exist|not found|no such/i, () => '不存在'],
  [/is in no group/, () => '不在该方案的任何考核分组中'],
  [/listed twice|duplicate/i, () => '重复'],
  [/already|is taken|exists/i, () => '已存在'],
  [/belongs to another task/, () => '属于其他任务'],
  [/belongs to plan/, () => '属于其他考核方案'],
  [/required|is missing|missing/i, () => '必须填写'],
  [/must not be after the due/, () => '不能晚于计划完成时间'],
  [/must not be before/, () => '不能早于允许的时间'],
  [/must be true or false|boolean/, () => '须为“是”或“否”'],
  [/must be an object/, () => '须为对象'],
  [/must be a number ≥ 0/, () => '须为不小于 0 的数字'],
  [/must be a number|must be numeric/, () => '须为数字'],
  [/must be an integer/, () => '须为整数'],
  [/four-digit year/, () => '须为四位数年份'],
  [/YYYY-MM-DD|calendar date|real date/, () => '须为真实的日期（年-月-日）'],
  [/ISO-8601|ISO 8601|date-time|instant/, () => '须为带时区的日期时间'],
  [/must be one of/, () => '不是可选的取值'],
  [/must be (text|a string)/, () => '须为文本'],
  [/empty/, () => '不能为空'],
  [/at least (\d+)/, (m) => `至少需要 ${m[1]} 项`],
  [/too long|shorter than/, () => '过长'],
  [/needs files, a completed value, a note, or offline/, () => '请上传文件，或填写完成值、说明，或选择线下报送'],
  [/multipart|exactly one file/, () => '请选择一个文件上传'],
  [/^[\u3400-\u9fff]/, (m) => m.input], // already Chinese (e.g. an importer's reason)
];

function reasonZh(reason: string, constraint?: string): string {
  if (constraint && CONSTRAINT_ZH[constraint]) {
    const n = /(-?\d+(?:\.\d+)?)/.exec(reason)?.[1];
    return CONSTRAINT_ZH[constraint]!(n, reason);
  }
  for (const [re, zh] of REASON_PATTERNS) {
    const m = re.exec(reason);
    if (m) return zh(m);
  }
  return '取值无效';
}

export function localizeFields(problems: { field: string; reason: string; constraint?: string }[]): FieldProblemZh[] {
  return problems.map((p) => ({ field: p.field, reason: p.reason, label: fieldLabelZh(p.field), message: reasonZh(p.reason, p.constraint) }));
}

const resourceZh = (d: D): string => {
  const r = str(d['resource']) ?? '';
  // "score run of plan …", "scorecard of unit … in plan": the kind is the words before the ids.
  if (RESOURCE_ZH[r]) return RESOURCE_ZH[r]!;
  if (/^scorecard/.test(r)) return '该单位的得分';
  if (/^score run/.test(r)) return '计分结果';
  return '所查找的内容';
};

const ZH_BY_CODE: Record<ErrorCode, (d: D, en: string) => string> = {
  [ErrorCode.Validation]: () => '输入有误',
  [ErrorCode.Unauthenticated]: (d, en) => (d['field'] === 'password' ? '用户名或密码错误' : /required/.test(en) ? '请先登录' : '登录已失效，请重新登录'),
  [ErrorCode.Forbidden]: (d, en) => {
    const allowed = roles(d['allowed']);
    const role = ROLE_ZH[String(d['role'])];
    if (d['event']) return `${role ? `「${role}」` : '当前账号'}不能对该任务执行「${eventZh(d['event'])}」`;
    if (allowed) return `${role ? `「${role}」` : '当前账号'}无权执行此操作，仅限：${allowed}`;
    if (d['field'] === 'evaluator') return '承接单位只能填报互评票，其他评价票由督考办录入';
    if (/evaluator/.test(String(d['field'] ?? ''))) return '只能以本单位的名义评价';
    if (/without a unit/.test(en)) return '该账号未绑定单位，请联系管理员';
    if (d['field'] === 'at') return '只有系统管理员可以指定检查时间';
    return '无权执行此操作';
  },
  [ErrorCode.NotFound]: (d) => `未找到${resourceZh(d)}（可能已删除，或不在您的权限范围内）`,
  [ErrorCode.VersionConflict]: (_d, en) =>
    `${/^plan template/.test(en) ? '该计分模板' : /^(task|the task)/i.test(en) ? '该任务' : '该内容'}刚被他人修改，您看到的不是最新内容，请刷新后重试`,
  [ErrorCode.EventNotAllowed]: (d, en) => {
    // The task machine may word its refusal itself (in zh-CN, naming the node's rule): that wins.
    const own = str(d['message']) ?? str(d['messageZh']);
    if (own && /[\u4e00-\u9fff]/.test(own) && !UUID_RE.test(own)) return own;
    if (d['event']) {
      const allowed = list(d['allowed'])
        .map((e) => `「${eventZh(e)}」`)
        .join('、');
      return `任务当前为「${stateZh(d['state'])}」，不能执行「${eventZh(d['event'])}」${allowed ? `；现在可以：${allowed}` : ''}`;
    }
    if (d['field'] === 'status') return `考核方案当前为「${stateZh(d['current'])}」，不能改为所选状态`;
    if (d['machineVersion'] !== undefined) return '该任务由旧版本流程保存，暂不能操作，请联系管理员';
    if (d['voidedAt']) return '该事项已作废，不能重复作废';
    if (/re-scored|re-score|closed plan/.test(en)) return '只有已关闭的考核方案可以重新计分';
    if (/does not replay/.test(en)) return '该任务的历史无法重放，不能计算过去的状态，请联系审计';
    return '当前状态下不能执行此操作';
  },
  [ErrorCode.Duplicate]: (d) => `${fieldLabelZh(str(d['field']) ?? 'name')}已存在，请勿重复创建`,
  [ErrorCode.FileTooLarge]: (d) => `文件超过大小上限（${mb(d['maxBytes'])}），请压缩或拆分后再上传`,
  [ErrorCode.FileTypeNotAllowed]: (d) => {
    const allowed = list(d['allowed']);
    return `不接受该类型的文件${allowed.length ? `，可上传：${allowed.join('、')}` : ''}`;
  },
  [ErrorCode.Busy]: () => '系统繁忙，请稍后重试',
  [ErrorCode.ImportRefused]: (d) => {
    const zh = str((d.report as D | undefined)?.refusalMessage);
    return zh && !UUID_RE.test(zh) ? `导入未执行，未写入任何数据：${zh}` : '导入未执行，未写入任何数据：请先修正导入报告中列出的问题';
  },
  [ErrorCode.ScoringNotConfigured]: (_d, en) =>
    /freeze/.test(en) ? '还有承接任务的单位未分组，不能冻结得分：请先把每个单位放入考核分组' : '该考核方案的计分设置尚未完成或无法计分，请先完成计分设置',
  [ErrorCode.BallotQuotaExceeded]: (d) => {
    const lines = Array.isArray(d['quota']) ? (d['quota'] as { grade?: unknown; allowed?: unknown; given?: unknown }[]) : [];
    const broken = lines
      .filter((l) => typeof l.given === 'number' && typeof l.allowed === 'number' && l.given > l.allowed)
      .map((l) => `「${String(l.grade)}」评了 ${String(l.given)} 个，最多 ${String(l.allowed)} 个`);
    return `评价等次超出名额${broken.length ? `：${broken.join('；')}` : ''}，请调整后再提交`;
  },
  [ErrorCode.BallotSelfRating]: () => '不能为本单位评分',
  [ErrorCode.TemplateReadOnly]: () => '系统自带的计分模板不能直接修改：请先复制一份，再修改副本',
  [ErrorCode.TemplateRetired]: () => '该计分模板已停用，不能再选用或修改，请选用其他模板',
  [ErrorCode.PayloadTooLarge]: (d) =>
    typeof d['maxBytes'] === 'number' ? `提交的内容超过大小上限（${mb(d['maxBytes'])}）` : '提交的内容过多或过大，请分批提交',
  [ErrorCode.SelfAssessmentClosed]: (d) => {
    if (d['state'] === 'not_open') return `自评填报时间为 ${String(d['opensOn'])} 至 ${String(d['closesOn'])}，尚未开始`;
    if (d['state'] === 'closed') return `自评已于 ${String(d['closesOn'])} 截止，不能再修改、提交或签认`;
    return '督考办尚未设定本方案的自评时间，暂不能填报';
  },
  [ErrorCode.PlanClosing]: () => '该考核方案正在关闭（冻结得分），期间不能修改其任务；请在关闭完成后再试',
  [ErrorCode.JobAbandoned]: () => '服务在作业进行中重启，作业已中断，未写入任何内容；请重新发起',
  [ErrorCode.PlanClosed]: (d) =>
    d['what'] === 'settings'
      ? '考核方案已关闭，不能再修改方案设置'
      : '考核方案已关闭，得分已冻结，不能再录入或更正计分数据；如需调整，请由考核办按规定重新评分',
  [ErrorCode.TooManyRequests]: (d) =>
    typeof d['retryAfterSeconds'] === 'number' ? `尝试次数过多，请 ${Math.ceil(d['retryAfterSeconds'] / 60)} 分钟后再试` : '操作过于频繁，请稍后再试',
};

/** Codes that do not come from a DomainError (the framework's, Fastify's, the filter's own). */
const ZH_OTHER: Record<string, string> = {
  NOT_ACCEPTABLE: '无法按所请求的格式返回',
  INTERNAL: '服务器内部错误，请稍后重试；如仍失败，请联系管理员',
  BAD_REQUEST: '请求无效',
  INVALID_JSON: '请求内容格式有误，无法读取',
  UNSUPPORTED_MEDIA_TYPE: '不支持的请求内容格式',
  NETWORK: '无法连接服务器，请检查网络后重试',
};

const BY_STATUS: Record<number, string> = {
  400: '请求无效',
  401: '登录已失效，请重新登录',
  403: '无权执行此操作',
  404: '未找到所请求的页面或接口',
  405: '不支持此操作',
  406: ZH_OTHER['NOT_ACCEPTABLE']!,
  408: '请求超时，请重试',
  409: '当前状态下不能执行此操作',
  413: '内容超过大小上限',
  415: '不支持的请求内容格式',
  422: '内容无法处理',
  429: '操作过于频繁，请稍后再试',
  503: '系统繁忙，请稍后重试',
};

export function hasCatalogueEntry(code: string): boolean {
  return code in ZH_BY_CODE || code in ZH_OTHER;
}

/** The Chinese message (and fields) for an error body the filter is about to send. */
export function localizeError(code: string, status: number, english: string, details: D = {}): LocalizedError {
  const out: LocalizedError = { message: '' };
  const rawFields = Array.isArray(details['fields']) ? (details['fields'] as { field: string; reason: string; constraint?: string }[]) : [];
  if (rawFields.length) {
    out.fields = localizeFields(rawFields);
    out.field = rawFields[0]!.field;
  } else if (typeof details['field'] === 'string') {
    out.field = details['field'];
  }
  const byCode = (ZH_BY_CODE as Record<string, ((d: D, en: string) => string) | undefined>)[code];
  let message = byCode ? byCode(details, english) : (ZH_OTHER[code] ?? BY_STATUS[status] ?? (status >= 500 ? ZH_OTHER['INTERNAL']! : '请求无效'));
  if (out.fields?.length && code !== ErrorCode.BallotQuotaExceeded && code !== ErrorCode.BallotSelfRating) {
    const shown = out.fields.slice(0, 3).map((f) => `${f.label}${f.message}`);
    message = `${message}：${shown.join('；')}${out.fields.length > 3 ? ` 等 ${out.fields.length} 项` : ''}`;
  } else if (code === ErrorCode.Duplicate || code === ErrorCode.FileTooLarge || code === ErrorCode.FileTypeNotAllowed) {
    /* the message already names the field */
  } else if (out.field && code === ErrorCode.Validation) {
    message = `${message}：${fieldLabelZh(out.field)}`;
  }
  out.message = message;
  return out;
}
