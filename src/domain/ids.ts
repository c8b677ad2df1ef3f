import { z } from 'zod';

/** A uuid in its canonical text form (any case): the shape of every id this system hands out. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** The same as a schema. Not `z.uuid()`: that one also wants RFC 9562 version and variant bits, which ids made elsewhere need not have. */
export const uuidSchema = z.string().regex(UUID);
