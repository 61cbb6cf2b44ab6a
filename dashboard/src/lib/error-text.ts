/**
 * The hub's error codes (hub/src/api/error-codes.ts, docs/contract.md) as text for the screen,
 * in zh-CN and en. Every code of the catalogue has both: a code added to the hub fails the type
 * check here until it has its text.
 */
import type { ErrorCode } from '../../../hub/src/api/replies.js'

/** The codes a call may fail with: the hub's, or no answer at all. */
export type ApiErrorCode = ErrorCode | 'NETWORK'

export const ERROR_TEXT: Record<ApiErrorCode, { 'zh-CN': string; en: string }> = {
  BAD_REQUEST: { 'zh-CN': '请求有误，请检查输入', en: 'The request was refused; check what was entered' },
  VALIDATION_FAILED: { 'zh-CN': '输入格式不正确', en: 'What was entered is not in the expected form' },
  TOO_MANY_POINTS: { 'zh-CN': '数据点过多，请缩短时间范围或加大统计间隔', en: 'Too many points: choose a shorter range or a coarser interval' },
  UNAUTHORIZED: { 'zh-CN': '请重新登录', en: 'Please sign in again' },
  FORBIDDEN: { 'zh-CN': '没有执行此操作的权限', en: 'You are not allowed to do this' },
  NOT_FOUND: { 'zh-CN': '未找到，或不在您的管辖范围内', en: 'Not found, or outside your parks' },
  ROUTE_NOT_FOUND: { 'zh-CN': '服务器不提供此功能', en: 'The server does not offer this' },
  CONFLICT: { 'zh-CN': '状态已变化，请刷新后重试', en: 'The state has changed; refresh and try again' },
  PAYLOAD_TOO_LARGE: { 'zh-CN': '提交的内容过大', en: 'What was sent is too large' },
  UNSUPPORTED_MEDIA_TYPE: { 'zh-CN': '提交的内容格式不受支持', en: 'What was sent is in a form the server does not take' },
  TOO_MANY_REQUESTS: { 'zh-CN': '尝试次数过多，请稍后再试', en: 'Too many attempts; try again later' },
  INTERNAL: { 'zh-CN': '服务器内部错误，请联系管理员', en: 'The server failed; ask an administrator' },
  UNAVAILABLE: { 'zh-CN': '服务暂不可用，请稍后再试', en: 'The service is not available now; try again later' },
  NETWORK: { 'zh-CN': '无法连接到服务器', en: 'Cannot reach the server' },
}

/** The text of an error code in a language. */
export function errorText(code: ApiErrorCode, locale: 'zh-CN' | 'en'): string {
  return ERROR_TEXT[code][locale]
}
