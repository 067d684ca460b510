// The first step of every parser of untrusted text in core: a size cap before JSON.parse, and no throw.

/** `raw` parsed as JSON if it is a string of at most `maxChars` characters; undefined otherwise (never throws). */
export const parseBoundedJson = (raw: unknown, maxChars: number): unknown => {
  if (typeof raw !== 'string' || raw.length > maxChars) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
};

/** The same, for a JSON object: its fields, or null for anything else (arrays included). */
export const parseJsonObject = (raw: unknown, maxChars: number): Record<string, unknown> | null => {
  const value = parseBoundedJson(raw, maxChars);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
};
