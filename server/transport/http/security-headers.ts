// Headers every response carries, pages, API, downloads and errors alike: no framing by any
// other page (clickjacking), no MIME sniffing, no referrer to other sites, and a Content
// Security Policy under which only Stevedore's own scripts run.
//
// Scripts: 'self' plus a nonce made per response. Next reads the nonce from the request's
// Content-Security-Policy header (set here, as a proxy in front of it would) and puts it on
// every script it renders; the root layout passes it to next-themes' inline script. Styles
// keep 'unsafe-inline': React renders style attributes and xterm.js injects <style> elements,
// and styles cannot run code. Development adds 'unsafe-eval' (React's dev build and hot
// reload need it).
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** The request header the root layout reads the nonce from. */
export const NONCE_HEADER = "x-stevedore-nonce";

/** Sent on every response, whatever produced it. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

export function contentSecurityPolicy(nonce: string, options: { dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // fetch, server-sent events and websockets (the console, hot reload) go to this origin only
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Sets the security headers on `res` (before anything else writes to it) and hands the
 * response's nonce to Next through the request. Returns the nonce.
 */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, options: { dev: boolean }): string {
  const nonce = randomBytes(16).toString("base64");
  const policy = contentSecurityPolicy(nonce, options);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) res.setHeader(name, value);
  res.setHeader("Content-Security-Policy", policy);
  // Whatever the client sent under these names is replaced: only this server chooses the nonce.
  req.headers["content-security-policy"] = policy;
  delete req.headers["content-security-policy-report-only"];
  req.headers[NONCE_HEADER] = nonce;
  return nonce;
}
