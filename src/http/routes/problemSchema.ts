import { z } from 'zod';

/** RFC 9457 Problem Details as our error handler sends them (src/http/problem.ts), for the OpenAPI document. */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z
      .string()
      .describe(
        'BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, ILLEGAL_TRANSITION, ORDER_ON_HOLD, VERSION_CONFLICT, …',
      ),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('400 only: the invalid fields, the first 20'),
    omittedErrors: z
      .number()
      .int()
      .optional()
      .describe('400 only: how many more invalid fields there were than listed'),
    instance: z.string().optional(),
  })
  .describe('application/problem+json');

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Bad input: the invalid fields are listed in `errors` (at most 20; `omittedErrors` counts the rest)',
  401: 'No or bad token',
  403: 'Not allowed for this user',
  404: 'Not found, or not yours',
  409: 'A rule forbids it (ILLEGAL_TRANSITION, ORDER_ON_HOLD)',
  412: 'If-Match does not equal the order version (VERSION_CONFLICT)',
  502: 'Stripe could not be reached; retry with the same Idempotency-Key',
};

/** Problem responses by status, each documented with what it means on our routes. */
export function problemResponses(...statuses: readonly number[]): Record<number, typeof problemSchema> {
  return Object.fromEntries(
    statuses.map((status) => [status, problemSchema.describe(DESCRIPTIONS[status] ?? 'Problem Details')]),
  );
}
