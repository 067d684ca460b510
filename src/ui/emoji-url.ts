/**
 * Where the picture of a verification emoji is: public/emoji/<code points>.svg, the Twemoji file name
 * (lower-case hex code points joined by '-', without the U+FE0F presentation selector). A relative URL,
 * so it resolves beside index.html on any host and sub-path; the browser fetches it only when a code
 * is on screen.
 */
export const emojiUrl = (emoji: string): string =>
  `emoji/${[...emoji]
    .map((c) => (c.codePointAt(0) ?? 0).toString(16))
    .filter((hex) => hex !== 'fe0f')
    .join('-')}.svg`;
