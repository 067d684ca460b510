/** A thrown value's own words (an Error's message, anything else as a string), to show or log as data. */
export const errorDetail = (e: unknown): string => (e instanceof Error ? e.message : String(e));
