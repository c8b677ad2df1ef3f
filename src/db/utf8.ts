/**
 * Buffer's own `utf8Slice` and `utf8Write`, called directly: `toString('utf8', …)` and
 * `write(text, offset)` wrap them in argument handling that cost more than the copying itself
 * for the short strings of a bulk COPY (a field, a row), a million times per rebuild. Both have
 * been on Buffer.prototype since Node's beginnings; @types/node leaves them out.
 */
interface Utf8Methods {
  utf8Slice(start: number, end: number): string;
  utf8Write(text: string, offset: number): number;
}

/** `buffer.toString('utf8', start, end)`; the range must lie within the buffer. */
export const utf8Slice = (buffer: Buffer, start: number, end: number): string =>
  (buffer as unknown as Utf8Methods).utf8Slice(start, end);

/** `buffer.write(text, offset)`: bytes written; the caller makes sure `text` fits (3 bytes per UTF-16 unit). */
export const utf8Write = (buffer: Buffer, text: string, offset: number): number =>
  (buffer as unknown as Utf8Methods).utf8Write(text, offset);
