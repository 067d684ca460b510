/**
 * The page enforces Trusted Types (`require-trusted-types-for 'script'` in index.html's CSP), so
 * script URL sinks such as `new Worker()` and `serviceWorker.register()` refuse plain strings.
 * This one policy is the only way to make a script URL, and it accepts only this page's origin.
 */

/** The slice of the Trusted Types API we use (not in TypeScript's DOM lib). */
interface TrustedTypesFactory {
  createPolicy(
    name: string,
    rules: { createScriptURL(input: string): string },
  ): { createScriptURL(input: string): unknown };
}

const factory = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;

const policy = factory?.createPolicy('parley', {
  createScriptURL(input) {
    const url = new URL(input, document.baseURI);
    if (url.origin !== location.origin) throw new TypeError(`refusing a script from another origin: ${url.origin}`);
    return url.href;
  },
});

/** A same-origin script URL the browser's script sinks accept; throws for any other origin. */
export const trustedScriptURL = (url: URL): string => {
  if (url.origin !== location.origin) throw new TypeError(`refusing a script from another origin: ${url.origin}`);
  // Browsers without Trusted Types take the string; with them, the TrustedScriptURL object stands in for it.
  return (policy ? policy.createScriptURL(url.href) : url.href) as string;
};
