import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyTypeProvider } from 'fastify'
import type { Static, TSchema } from 'typebox'

/**
 * The TypeBox type provider for requests (as @fastify/type-provider-typebox's, whose
 * validator side this is): params, query and body are typed from the route's schemas, never
 * restated. Replies are checked by their response schemas at run time; the reply types a
 * client imports are exported beside each schema (`Static<>`).
 */
export interface RequestTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown
  serializer: unknown
}


/**
 * A route plugin of the API: named, declaring the plugins it needs (fastify checks them at
 * registration: `auth` gives `signedIn` and `requireRole`), encapsulated so its hooks stay its
 * own (fastify-plugin's `encapsulate`), and typed by its schemas.
 */
export function routePlugin<Options extends Record<string, unknown> = Record<never, never>>(
  name: string,
  plugin: FastifyPluginAsync<Options, import('node:http').Server, RequestTypeProvider>,
  dependencies: string[] = ['auth'],
): FastifyPluginAsync<Options> {
  return fp(plugin as unknown as FastifyPluginAsync<Options>, { name, dependencies, encapsulate: true, fastify: '5.x' })
}
