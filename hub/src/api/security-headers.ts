import type { FastifyInstance } from 'fastify'

/**
 * Headers every answer carries, and the dashboard's Content-Security-Policy (CSP Level 3,
 * W3C). The dashboard is a built Svelte app: its scripts and styles are files of its own
 * origin, it talks to the hub's own origin (REST, socket.io over `ws:`/`wss:`), and no page of
 * the hub may be framed (`frame-ancestors 'none'`, with `X-Frame-Options: DENY` for older
 * browsers, RFC 7034). Svelte sets `style` attributes on elements, which CSP treats as inline
 * styles: `style-src` allows them ('unsafe-inline' for styles only; never for scripts).
 * The API description's page (`/docs`, swagger-ui) needs no socket and shows images as data
 * URLs and the validator's badge: it gets a policy of its own (its scripts are files too).
 */
const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https://validator.swagger.io",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff')
    reply.header('x-frame-options', 'DENY')
    reply.header('referrer-policy', 'no-referrer')
    reply.header('cross-origin-opener-policy', 'same-origin')
    reply.header('content-security-policy', req.url === '/docs' || req.url.startsWith('/docs/') ? DOCS_CSP : DASHBOARD_CSP)
  })
}
