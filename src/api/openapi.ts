import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * OpenAPI 3.1 generated from the very zod schemas that validate requests, so the document cannot
 * drift from the behaviour. Each operation also names the roles that may call it (`x-roles`).
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ratchet API',
        version,
        description:
          'Change control for managed dbt + Airflow platforms. Errors are RFC 9457 problem+json; ' +
          'POSTs accept an Idempotency-Key header.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: (input) => {
      const transformed = jsonSchemaTransform(input);
      const config = input.route.config;
      const schema = transformed.schema as Record<string, unknown>;
      if (config?.public === true) schema.security = [];
      if (config?.roles !== undefined) schema['x-roles'] = [...config.roles];
      return transformed;
    },
    // Schemas with a `.meta({ id })` are referenced as #/components/schemas/{id}: this puts them there.
    transformObject: jsonSchemaTransformObject,
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
