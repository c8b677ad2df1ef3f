import type { FastifyError, FastifyInstance } from 'fastify';
import { isAppError } from '../domain/errors.ts';
import { PROBLEM_CONTENT_TYPE, problem, toProblem } from './problem.ts';

/**
 * The one error handler: every failure leaves as `application/problem+json`. A 500 is logged
 * with its stack and answered with a masked message and the request id to find it by.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toProblem(error);
    if (body.code === 'SERVICE_UNAVAILABLE') request.log.warn({ err: error }, 'database unavailable');
    else if (body.status >= 500) request.log.error({ err: error }, 'unexpected error');
    else request.log.debug({ err: error }, 'request refused');
    if (isAppError(error) && typeof error.details.retryAfterSeconds === 'number')
      void reply.header('retry-after', String(error.details.retryAfterSeconds));
    return reply
      .status(body.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(body.status >= 500 ? { ...body, instance: `urn:request:${request.id}` } : body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem(404, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
