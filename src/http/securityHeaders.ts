import { createRequire } from 'node:module';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of everything this server answers. Its pages (GraphiQL, `/docs`,
 * the simulated checkout, the web pages) load scripts, styles, fonts, workers and data from this
 * origin only, with no inline script; the one thing from outside is a customer's design image,
 * which is any `https:` URL (the server never fetches it). `connect-src 'self'` covers
 * same-origin WebSocket (`ws:`/`wss:`) in current browsers. No page may be framed.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'https:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
} as const;

/** A policy as its header value: `defaultSrc: ["'self'"]` → `default-src 'self'`. */
export function policyHeader(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
    .join('; ');
}

/**
 * The policy of the developer pages (GraphiQL, `/docs`): the app's, with inline styles allowed.
 * GraphiQL's editor (Monaco) positions every line with a `style` attribute in markup it builds
 * as text and adds `<style>` elements at run time, and Swagger UI adds a `<style>` element;
 * neither can carry a nonce, and without them GraphiQL's editors' lines overlap (seen in
 * Chromium). Scripts stay 'self' only: nothing inline runs on any page.
 */
export const DEVELOPER_PAGE_CONTENT_SECURITY_POLICY = policyHeader({
  ...CONTENT_SECURITY_POLICY,
  styleSrc: ["'self'", "'unsafe-inline'"],
});

/**
 * helmet's options for every response: the CSP above, `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY` (frame-ancestors for older browsers), no referrer to other sites, and
 * helmet's other defaults.
 */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY } },
  frameguard: { action: 'deny' },
  // Not for the shop's other subdomains: this server cannot know they all speak HTTPS.
  hsts: { maxAge: 15_552_000, includeSubDomains: false },
};

/** What helmet's middleware does to a response: the headers it sets and the ones it removes, in order. */
type HeaderChange = readonly [name: string, value: string | undefined];

interface HeaderRecorder {
  setHeader(name: string, value: string): void;
  removeHeader(name: string): void;
}
type Helmet = (
  options: FastifyHelmetOptions,
) => (request: object, response: HeaderRecorder, next: (error?: unknown) => void) => void;

/**
 * helmet's headers for `options`, worked out once. @fastify/helmet builds helmet's middleware anew
 * for every request (parsing and validating the CSP directives each time, in two async hooks):
 * that was 7 % of the server's CPU in the webhook benchmark. None of our directives depends on the
 * request (no nonces, no functions), so the answer is the same every time. helmet is loaded from
 * @fastify/helmet's own dependency, so the headers are those of the version it pins.
 */
function helmetHeaders(options: FastifyHelmetOptions): readonly HeaderChange[] {
  const fromPlugin = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'));
  const helmet = fromPlugin('helmet') as Helmet;
  const changes: HeaderChange[] = [];
  let failure: unknown;
  helmet(options)(
    {},
    {
      setHeader: (name, value) => void changes.push([name, value]),
      removeHeader: (name) => void changes.push([name, undefined]),
    },
    (error) => (failure = error),
  );
  if (failure !== undefined) throw new Error('helmet refused its options', { cause: failure });
  return changes;
}

/**
 * helmet's headers (`HELMET_OPTIONS`) on every response, set on the raw response as helmet sets
 * them, by the first hook: a refusal by a later hook (429, 403, 401) carries them too, and a
 * route's own `content-security-policy` (the developer pages) replaces the app's.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const changes = helmetHeaders(HELMET_OPTIONS);
  app.addHook('onRequest', (_request, reply, done) => {
    const response = reply.raw;
    for (const [name, value] of changes) {
      if (value === undefined) response.removeHeader(name);
      else response.setHeader(name, value);
    }
    done();
  });
}
