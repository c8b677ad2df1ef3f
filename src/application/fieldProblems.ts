import type { z } from 'zod';
import type { FieldProblem } from '../domain/errors.ts';

/** `['sizes', 0, 'quantity']` → `sizes[0].quantity`, the form the domain's problems use. */
export function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  );
}

/** Every zod issue as a field problem; an unknown field is named by its own path. */
export function fieldProblemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}

/** Both lists, without a second problem for a path already reported (the first list's words win). */
export function mergeProblems(first: readonly FieldProblem[], second: readonly FieldProblem[]): FieldProblem[] {
  const seen = new Set(first.map((p) => p.path));
  return [...first, ...second.filter((p) => !seen.has(p.path))];
}
