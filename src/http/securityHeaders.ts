import fastifyHelmet from '@fastify/helmet';
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
export const DEVELOPER_PAGE_CONTENT_SECURITY_POLICY = policyHeader({ ...CONTENT_SECURITY_POLICY, styleSrc: ["'self'", "'unsafe-inline'"] });

/**
 * helmet on every response: the CSP above, `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY` (frame-ancestors for older browsers), no referrer to other sites, and
 * helmet's other defaults.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY } },
    frameguard: { action: 'deny' },
    // Not for the shop's other subdomains: this server cannot know they all speak HTTPS.
    hsts: { maxAge: 15_552_000, includeSubDomains: false },
  });
}
