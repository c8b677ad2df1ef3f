import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { knownError } from '../db/unavailable.ts';
import { capProblems, type FieldProblem } from '../domain/errors.ts';

/** RFC 9457 Problem Details, with our error `code` and, for 400, every invalid field. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly errors?: readonly FieldProblem[];
  /** 400 only: invalid fields beyond those listed in `errors` (the list is capped). */
  readonly omittedErrors?: number;
  /** The request id, for finding the log lines of a 500. */
  readonly instance?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Codes for failures fastify itself detects before our code runs (bad JSON, too large, …). */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  412: 'VERSION_CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

export function problem(status: number, code: string, detail: string, errors?: readonly FieldProblem[]): Problem {
  const { listed, omitted } = capProblems(errors && errors.length > 0 ? errors : [{ path: '', message: detail }]);
  return {
    type: `/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: titleOf(code),
    status,
    detail,
    code,
    ...(status === 400 ? { errors: listed, ...(omitted > 0 ? { omittedErrors: omitted } : {}) } : {}),
  };
}

/** `BAD_USER_INPUT` → `Bad user input`. */
const titleOf = (code: string): string => {
  const words = code.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * The one mapping from anything thrown to a Problem. A database that could not serve is a 503
 * (see knownError). Unknown errors become a masked 500: their message may hold internals (SQL,
 * hosts), so it goes to the log only.
 */
export function toProblem(error: unknown): Problem {
  const known = knownError(error);
  if (known) return problem(known.httpStatus, known.code, known.message, known.details.fields);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext;
    const fields = error.validation.map((issue) => ({
      path: fieldPath(where, issue.instancePath),
      message: issue.message ?? 'is not valid',
    }));
    return problem(400, 'BAD_USER_INPUT', `The request ${where ?? 'input'} is not valid`, fields);
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const fields = fastifyError.validation?.map((issue) => ({
      path: fieldPath(fastifyError.validationContext, issue.instancePath),
      message: issue.message ?? 'is not valid',
    }));
    return problem(status, CODE_BY_STATUS[status] ?? 'BAD_REQUEST', fastifyError.message ?? 'Bad request', fields);
  }
  return problem(500, 'INTERNAL', 'An unexpected error occurred; it has been logged.');
}

/** Body fields are named as in the body (`sizes.0.quantity`); other parts carry their prefix (`query.first`). */
function fieldPath(context: string | undefined, instancePath: string): string {
  const inner = instancePath.split('/').filter(Boolean).join('.');
  if (!context || context === 'body') return inner;
  const prefix = context === 'querystring' ? 'query' : context;
  return inner ? `${prefix}.${inner}` : prefix;
}
