import { describe, expect, it } from '@jest/globals';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { DomainError, ErrorCode } from './domain-error.js';
import { hasCatalogueEntry, localizeError } from './error-catalogue.js';
import { ErrorFilter } from './error.filter.js';
import { flattenValidationErrors } from './validation.js';
import { fieldLabelZh } from './zh-labels.js';

/** Latin words a person may read in Chinese UI text (units of size, file extensions). Anything else is English. */
const ALLOWED_LATIN = new Set(['MB', 'KB', 'pdf', 'doc', 'docx', 'xls', 'xlsx', 'et', 'wps', 'jpg', 'jpeg', 'png', 'zip', 'ofd', 'txt', 'csv']);
export function englishWords(text: string): string[] {
  return (text.match(/[A-Za-z][A-Za-z_.-]*[A-Za-z]/g) ?? []).filter((w) => !ALLOWED_LATIN.has(w));
}
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const filter = new ErrorFilter();
const bodyOf = (e: unknown) => filter.toBody(e);
const id = '3f2a9c1e-7d4b-4e8a-9c3d-1a2b3c4d5e6f';

/** One realistic error per code, with the details its throwers attach (ids included, to prove they never reach the text). */
const SAMPLES: Record<ErrorCode, DomainError> = {
  [ErrorCode.Validation]: DomainError.validation([
    { field: 'payload.newDueAt', reason: 'newDueAt must be a real date written YYYY-MM-DD', constraint: 'isCalendarDate' },
  ]),
  [ErrorCode.Unauthenticated]: new DomainError(ErrorCode.Unauthenticated, 'Wrong username or password', { field: 'password' }),
  [ErrorCode.Forbidden]: DomainError.forbidden(`Role department may not do this; allowed: supervisor, admin`, {
    role: 'department',
    allowed: ['supervisor', 'admin'],
  }),
  [ErrorCode.NotFound]: DomainError.notFound('task', id),
  [ErrorCode.VersionConflict]: new DomainError(ErrorCode.VersionConflict, `task ${id} is at version 5, not 4`, {
    field: 'expectedVersion',
    expected: 4,
    current: 5,
  }),
  [ErrorCode.EventNotAllowed]: new DomainError(ErrorCode.EventNotAllowed, 'extension.request is not allowed while the task is submitted', {
    event: 'extension.request',
    state: 'submitted',
    allowed: ['evidence.approve', 'evidence.return'],
  }),
  [ErrorCode.Duplicate]: new DomainError(ErrorCode.Duplicate, 'username fgw01 is taken', { field: 'username' }),
  [ErrorCode.FileTooLarge]: new DomainError(ErrorCode.FileTooLarge, 'file is larger than 20971520 bytes', { field: 'file', maxBytes: 20 * 1024 * 1024 }),
  [ErrorCode.FileTypeNotAllowed]: new DomainError(ErrorCode.FileTypeNotAllowed, '.exe files are not accepted; allowed: pdf, docx', {
    field: 'file',
    allowed: ['pdf', 'docx'],
  }),
  [ErrorCode.Busy]: new DomainError(ErrorCode.Busy, 'the write queue is full'),
  [ErrorCode.ImportRefused]: new DomainError(ErrorCode.ImportRefused, 'import refused, nothing written: 3 errors', { report: { errors: 3 } }),
  [ErrorCode.ScoringNotConfigured]: new DomainError(ErrorCode.ScoringNotConfigured, `plan ${id} has no scoring set-up yet`, { planId: id }),
  [ErrorCode.BallotQuotaExceeded]: new DomainError(ErrorCode.BallotQuotaExceeded, 'grade "优秀" given to 2 unit(s), at most 1 allowed', {
    fields: [{ field: 'entries', reason: 'grade "优秀" given to 2 unit(s), at most 1 allowed' }],
    quota: [{ grade: '优秀', percent: 30, allowed: 1, given: 2 }],
    rated: 3,
  }),
  [ErrorCode.TemplateReadOnly]: new DomainError(ErrorCode.TemplateReadOnly, 'plan template county-towns is shipped with the program and read-only', {
    id: 'county-towns',
  }),
  [ErrorCode.TemplateRetired]: new DomainError(ErrorCode.TemplateRetired, 'plan template my-copy is retired', { id: 'my-copy' }),
  [ErrorCode.PayloadTooLarge]: new DomainError(ErrorCode.PayloadTooLarge, 'request body larger than 2097152 bytes', { maxBytes: 2 * 1024 * 1024 }),
  [ErrorCode.TooManyRequests]: new DomainError(ErrorCode.TooManyRequests, 'too many failed logins; retry after 900 s', { retryAfterSeconds: 900 }),
  [ErrorCode.BallotSelfRating]: new DomainError(ErrorCode.BallotSelfRating, 'a unit may not rate itself', {
    fields: [{ field: 'entries[0].unitId', reason: 'own unit' }],
  }),
  [ErrorCode.PlanClosed]: new DomainError(ErrorCode.PlanClosed, "the task's plan is closed and its scores frozen: scoring facts can no longer be entered", {
    taskId: id,
    planStatus: 'closed',
  }),
  [ErrorCode.SelfAssessmentClosed]: new DomainError(ErrorCode.SelfAssessmentClosed, 'the self-assessment closed at 2026-12-15T16:00:00.000Z', {
    field: 'window',
    state: 'closed',
    opensOn: '2026-12-01',
    closesOn: '2026-12-15',
  }),
  [ErrorCode.PlanClosing]: new DomainError(ErrorCode.PlanClosing, `plan ${id} is being closed (job ${id}): its tasks take no writes until the close finishes`, {
    planId: id,
    jobId: id,
  }),
  [ErrorCode.JobAbandoned]: new DomainError(ErrorCode.JobAbandoned, `job ${id} was abandoned: its process stopped before it finished`, { jobId: id }),
};

describe('the zh-CN error catalogue', () => {
  it.each(Object.values(ErrorCode))('%s: a Chinese message without English words or ids; the code, details and English detail stay', (code) => {
    const e = SAMPLES[code];
    const body = bodyOf(e);
    expect(hasCatalogueEntry(code)).toBe(true);
    expect(body.code).toBe(code);
    expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    expect(englishWords(body.message)).toEqual([]);
    expect(body.message).not.toMatch(UUID);
    expect(body.detail).toBe(e.message);
    expect(Object.keys(body.details!)).toEqual(Object.keys(e.details));
    expect(JSON.stringify(body.details)).not.toContain('constraint');
  });

  it('says which rule refused what, in the words of the pages', () => {
    expect(bodyOf(SAMPLES[ErrorCode.EventNotAllowed]).message).toBe('任务当前为「待审核」，不能执行「申请延期」；现在可以：「审核通过」、「退回整改」');
    expect(bodyOf(SAMPLES[ErrorCode.Forbidden]).message).toBe('「承接单位」无权执行此操作，仅限：督考办、系统管理员');
    expect(bodyOf(SAMPLES[ErrorCode.NotFound]).message).toContain('未找到任务');
    expect(bodyOf(SAMPLES[ErrorCode.Duplicate]).message).toBe('用户名已存在，请勿重复创建');
    expect(bodyOf(SAMPLES[ErrorCode.FileTooLarge]).message).toContain('20 MB');
    expect(bodyOf(SAMPLES[ErrorCode.BallotQuotaExceeded]).message).toBe('评价等次超出名额：「优秀」评了 2 个，最多 1 个，请调整后再提交');
    expect(bodyOf(SAMPLES[ErrorCode.Unauthenticated]).message).toBe('用户名或密码错误');
  });

  it('names each refused field by its Chinese label, with the reason in Chinese; details.fields keep their shape', () => {
    class Dto {
      @IsString() @IsNotEmpty() @MaxLength(10) name!: string;
      @IsInt() @Min(0) @Max(100) points!: number;
    }
    const errors = validateSync(plainToInstance(Dto, { name: '', points: 120 }));
    const body = bodyOf(DomainError.validation(flattenValidationErrors(errors)));
    expect(body.fields).toEqual([
      { field: 'name', label: '名称', message: '不能为空' },
      { field: 'points', label: '分值', message: '不能大于 100' },
    ]);
    expect(body.field).toBe('name');
    expect(body.message).toBe('输入有误：名称不能为空；分值不能大于 100');
    expect((body.details!['fields'] as object[])[0]).toEqual({ field: 'name', reason: 'name should not be empty' });
    expect(englishWords(body.message)).toEqual([]);
  });

  it('words hand-written reasons and unknown fields in Chinese, never echoing an unknown English field name', () => {
    const body = bodyOf(
      DomainError.validation([
        { field: 'body.force', reason: 'unknown field' },
        { field: 'unitId', reason: `unit ${id} does not exist` },
        { field: 'nodes[1].dueDate', reason: 'must not be after the due day' },
      ]),
    );
    expect(body.fields!.map((f) => `${f.label}${f.message}`)).toEqual(['该项不是可接受的字段', '单位不存在', '节点第2项的计划完成时间不能晚于计划完成时间']);
    expect(englishWords(body.message)).toEqual([]);
    expect(body.message).not.toMatch(UUID);
  });

  it('gives framework and unknown errors a Chinese message too (route 404, bad JSON, 500)', () => {
    for (const code of ['NOT_FOUND', 'TOO_MANY_REQUESTS', 'INTERNAL', 'NOT_ACCEPTABLE'])
      expect(englishWords(localizeError(code, 400, 'x').message)).toEqual([]);
    const json = bodyOf({
      statusCode: 400,
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      message: "Body is not valid JSON but content-type is set to 'application/json'",
    });
    expect(json.code).toBe('VALIDATION_FAILED');
    expect(json.message).toBe('请求内容格式有误，无法读取');
    const crash = bodyOf(new TypeError('cannot read properties of undefined'));
    expect(crash).toMatchObject({ statusCode: 500, code: 'INTERNAL' });
    expect(englishWords(crash.message)).toEqual([]);
  });

  it('labels field paths, list items included', () => {
    expect(fieldLabelZh('payload.newDueAt')).toBe('新的截止时间');
    expect(fieldLabelZh('nodes[0].dueDate')).toBe('节点第1项的计划完成时间');
    expect(fieldLabelZh('entries[2]')).toBe('评价明细第3项');
    expect(fieldLabelZh('mysteryField')).toBe('该项');
  });
});

describe('the shared labels', () => {
  it('name the scoring methods as the scoring module does', async () => {
    const { METHOD_NAMES } = await import('../scoring/method-params.js');
    const { METHOD_ZH } = await import('./zh-labels.js');
    expect(METHOD_ZH).toEqual(METHOD_NAMES);
  });
});
