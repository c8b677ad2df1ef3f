import { isUuid } from '../ids.ts';
import { AppError, describeProblems, type FieldProblem } from '../errors.ts';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../text.ts';
import { TechniqueSchema, type Priority, type Technique } from './events.ts';
import { PRIORITIES } from './labels.ts';

/** Input limits; the API docs and forms read them from here. */
export const LIMITS = {
  maxLineItems: 50,
  minQuantity: 1,
  maxQuantity: 10_000,
  notes: 2000,
  message: 2000,
  reason: 500,
  prompt: 4000,
  url: 2048,
  shortText: 200,
  metadataJson: 8192,
} as const;

export const TECHNIQUES: readonly Technique[] = TechniqueSchema.options;
export const DEFAULT_TECHNIQUE: Technique = 'dtg';
/** `PO-` and at least six digits: `PO-000123`. */
export const REFERENCE_PATTERN = /^PO-\d{6,}$/;

/** Collects every problem of one input, so the caller hears about all of them at once. */
export class FieldProblems {
  private readonly problems: FieldProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  get count(): number {
    return this.problems.length;
  }

  throwIfAny(what: string): void {
    if (this.problems.length === 0) return;
    throw new AppError('BAD_USER_INPUT', describeProblems(what, this.problems), { fields: [...this.problems] });
  }

  /** Optional text: absent, null or a string of at most `max` characters. */
  optionalText(path: string, value: unknown, max: number): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') this.add(path, 'must be text');
    else this.textWithin(path, value, max);
  }

  /** Required text: a string with something other than spaces, at most `max` characters. */
  requiredText(path: string, value: unknown, max: number): void {
    if (typeof value !== 'string' || value.trim() === '') this.add(path, 'is required');
    else this.textWithin(path, value, max);
  }

  /** Text the store can keep (see `isStorableText`), at most `max` characters. */
  private textWithin(path: string, value: string, max: number): void {
    if (value.length > max) this.add(path, `must be at most ${max} characters`);
    else if (!isStorableText(value)) this.add(path, UNSTORABLE_TEXT_MESSAGE);
  }

  optionalUrl(path: string, value: unknown): void {
    if (value !== undefined && value !== null) this.requiredUrl(path, value);
  }

  requiredUrl(path: string, value: unknown): void {
    if (typeof value !== 'string' || !isHttpUrl(value)) this.add(path, 'must be an http(s) URL');
    else if (!isStorableText(value)) this.add(path, UNSTORABLE_TEXT_MESSAGE);
    else if (value.length > LIMITS.url) this.add(path, `must be at most ${LIMITS.url} characters`);
  }

  optionalUuid(path: string, value: unknown): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string' || !isUuid(value)) this.add(path, 'must be a uuid');
  }
}

export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

export const isPriority = (value: unknown): value is Priority => PRIORITIES.includes(value as Priority);
export const isTechnique = (value: unknown): value is Technique => TECHNIQUES.includes(value as Technique);

/** Text with surrounding spaces removed; blank or absent is null. */
export const cleanText = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

/** `\u0000` or `\udXXX` as an escape (an odd number of backslashes before it), not text that spells it. */
const ESCAPED_UNSTORABLE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/i;

export function checkMetadata(problems: FieldProblems, path: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add(path, 'must be an object');
    return;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    problems.add(path, 'must be plain JSON');
    return;
  }
  if (json.length > LIMITS.metadataJson)
    problems.add(path, `must be at most ${LIMITS.metadataJson} characters as JSON`);
  // JSON.stringify escapes a NUL and a lone surrogate (a pair stays as it is): jsonb refuses both escapes.
  else if (ESCAPED_UNSTORABLE.test(json)) problems.add(path, UNSTORABLE_TEXT_MESSAGE);
}

/** The reference for the n-th order: `PO-000001`; past 999,999 it simply grows a digit. */
export const formatReference = (n: number | bigint): string => `PO-${String(n).padStart(6, '0')}`;
