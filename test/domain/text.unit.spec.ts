import { describe, expect, it } from 'vitest';
import { isStorableText } from '../../src/domain/text.ts';
import { createCommand, given } from './order/fixtures.ts';

const fieldsOf = (error: { details: { fields?: readonly { path: string; message: string }[] } }) =>
  error.details.fields ?? [];

describe('text the event store cannot keep', () => {
  it('tells NUL and unpaired surrogates from text that is merely unusual', () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udc00', '\udc00\ud800']) expect(isStorableText(bad)).toBe(false);
    for (const good of ['', 'plain', '😀 emoji pair', '\\u0000 spelled out', 'ünïcödé'])
      expect(isStorableText(good)).toBe(true);
  });

  it('refuses it in every text field of a new order, naming the field', () => {
    const error = given()
      .when(
        createCommand({
          notes: 'a\u0000',
          prompt: '\ud800',
          holdReason: 'x\u0000',
          priority: 'hold',
          garmentId: 'tee\u0000',
        }),
      )
      .thenThrows('BAD_USER_INPUT');
    expect(
      fieldsOf(error)
        .map((f) => f.path)
        .sort(),
    ).toEqual(['garmentId', 'holdReason', 'notes', 'prompt']);
    for (const field of fieldsOf(error)) expect(field.message).toMatch(/NUL|surrogate/);
  });

  it('refuses it inside metadata, but not text that only spells an escape', () => {
    expect(
      fieldsOf(
        given()
          .when(createCommand({ metadata: { note: 'a\u0000' } }))
          .thenThrows('BAD_USER_INPUT'),
      ),
    ).toEqual([{ path: 'metadata', message: expect.stringMatching(/NUL/) }]);
    given()
      .when(createCommand({ metadata: { note: '\\u0000' } }))
      .then([expect.objectContaining({ type: 'OrderCreated' })]);
  });

  it('answers 30,000 line items with one problem, not one per item', () => {
    const error = given()
      .when(createCommand({ sizes: Array.from({ length: 30_000 }, () => ({})) as never, lineItemIds: [] }))
      .thenThrows('BAD_USER_INPUT');
    expect(fieldsOf(error)).toEqual([{ path: 'sizes', message: 'must list at most 50 line items' }]);
  });
});
