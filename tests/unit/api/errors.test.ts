import { describe, expect, it } from 'vitest'
import Fastify from 'fastify'
import { Type } from 'typebox'
import { CodedError, ERROR_CODES, HttpError, installErrorHandler, notFound, storeUnavailable, TOO_MANY_POINTS, tooManyRequests } from '../../../hub/src/api/errors.js'
import { codeForStatus } from '../../../hub/src/api/error-codes.js'

/** Every error reply carries a code of the one catalogue (docs/contract.md). */
describe('the error catalogue', () => {
  const app = Fastify()
  installErrorHandler(app)
  app.get('/absent', async () => { throw notFound('device x not found') })
  app.get('/busy', async () => { throw tooManyRequests('too many sign-in attempts') })
  app.get('/points', async () => { throw new CodedError(400, 'too many points', TOO_MANY_POINTS) })
  app.get('/state', async () => { throw new HttpError(409, 'already closed') })
  app.get('/fault', async () => { throw new Error('disk on fire') })
  app.get('/typed', { schema: { querystring: Type.Object({ n: Type.Integer() }) } }, async () => ({ ok: true }))

  const codeOf = async (url: string): Promise<[number, unknown]> => {
    const r = await app.inject({ url })
    return [r.statusCode, r.json().code]
  }

  it('names each error by its code, the status the catalogue gives it', async () => {
    const got = {
      absent: await codeOf('/absent'), busy: await codeOf('/busy'), points: await codeOf('/points'), state: await codeOf('/state'),
      fault: await codeOf('/fault'), invalid: await codeOf('/typed?n=x'), route: await codeOf('/no-such-route'),
    }
    console.log('codes:', JSON.stringify(got))
    expect(got).toEqual({
      absent: [404, 'NOT_FOUND'], busy: [429, 'TOO_MANY_REQUESTS'], points: [400, 'TOO_MANY_POINTS'], state: [409, 'CONFLICT'],
      fault: [500, 'INTERNAL'], invalid: [400, 'VALIDATION_FAILED'], route: [404, 'ROUTE_NOT_FOUND'],
    })
  })

  it('hides a fault’s text and keeps the body to statusCode, error, message and code', async () => {
    const r = await app.inject({ url: '/fault' })
    expect(r.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error; see the hub log', code: 'INTERNAL' })
  })

  it('answers a store that does not answer with 503 UNAVAILABLE, and lets other store errors through', () => {
    const caught = (err: Error): unknown => { try { storeUnavailable(err) } catch (e) { return e instanceof HttpError ? [e.statusCode, e.code] : (e as Error).message } }
    expect(caught(new Error('connect ECONNREFUSED 127.0.0.1:8086'))).toEqual([503, 'UNAVAILABLE'])
    expect(caught(new Error('error parsing query'))).toBe('error parsing query')
  })

  it('gives every status it may answer a code whose own status matches', () => {
    for (const s of [400, 401, 403, 404, 409, 413, 415, 429, 500, 503]) expect(ERROR_CODES[codeForStatus(s)]).toBe(s)
  })
})
