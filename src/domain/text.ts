/**
 * What PostgreSQL cannot store: a NUL character (`text` refuses it, and `jsonb` refuses `\u0000`)
 * and a UTF-16 surrogate without its pair (`jsonb` refuses `\ud800`; as `text` it would silently
 * become U+FFFD). Text holding either is refused where it comes in, with the field named, so it
 * never reaches a query or the event store. Without the `u` flag the pattern sees code units.
 */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);

/** The field problem's message for text that is not storable. */
export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';
