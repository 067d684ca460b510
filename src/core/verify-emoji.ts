// The 64 emoji of Matrix `m.sas.v1` ("SAS method: emoji", data-definitions/sas-emoji.json of the Matrix
// spec), in the same order, so a code read as emoji names sounds familiar to people who verified in Element.
// Each index is 6 bits; 7 of them carry 42 bits.

/** One SAS symbol: the emoji and the English name people read aloud (and screen readers announce). */
export interface SasEmoji {
  readonly emoji: string;
  readonly name: string;
}

/** The 64-entry emoji table, indexed by a 6-bit value. */
export const SAS_EMOJI: readonly SasEmoji[] = Object.freeze(
  (
    [
      ['\u{1F436}', 'Dog'],
      ['\u{1F431}', 'Cat'],
      ['\u{1F981}', 'Lion'],
      ['\u{1F40E}', 'Horse'],
      ['\u{1F984}', 'Unicorn'],
      ['\u{1F437}', 'Pig'],
      ['\u{1F418}', 'Elephant'],
      ['\u{1F430}', 'Rabbit'],
      ['\u{1F43C}', 'Panda'],
      ['\u{1F413}', 'Rooster'],
      ['\u{1F427}', 'Penguin'],
      ['\u{1F422}', 'Turtle'],
      ['\u{1F41F}', 'Fish'],
      ['\u{1F419}', 'Octopus'],
      ['\u{1F98B}', 'Butterfly'],
      ['\u{1F337}', 'Flower'],
      ['\u{1F333}', 'Tree'],
      ['\u{1F335}', 'Cactus'],
      ['\u{1F344}', 'Mushroom'],
      ['\u{1F30F}', 'Globe'],
      ['\u{1F319}', 'Moon'],
      ['\u{2601}\u{FE0F}', 'Cloud'],
      ['\u{1F525}', 'Fire'],
      ['\u{1F34C}', 'Banana'],
      ['\u{1F34E}', 'Apple'],
      ['\u{1F353}', 'Strawberry'],
      ['\u{1F33D}', 'Corn'],
      ['\u{1F355}', 'Pizza'],
      ['\u{1F382}', 'Cake'],
      ['\u{2764}\u{FE0F}', 'Heart'],
      ['\u{1F600}', 'Smiley'],
      ['\u{1F916}', 'Robot'],
      ['\u{1F3A9}', 'Hat'],
      ['\u{1F453}', 'Glasses'],
      ['\u{1F527}', 'Spanner'],
      ['\u{1F385}', 'Santa'],
      ['\u{1F44D}', 'Thumbs Up'],
      ['\u{2602}\u{FE0F}', 'Umbrella'],
      ['\u{231B}', 'Hourglass'],
      ['\u{23F0}', 'Clock'],
      ['\u{1F381}', 'Gift'],
      ['\u{1F4A1}', 'Light Bulb'],
      ['\u{1F4D5}', 'Book'],
      ['\u{270F}\u{FE0F}', 'Pencil'],
      ['\u{1F4CE}', 'Paperclip'],
      ['\u{2702}\u{FE0F}', 'Scissors'],
      ['\u{1F512}', 'Lock'],
      ['\u{1F511}', 'Key'],
      ['\u{1F528}', 'Hammer'],
      ['\u{260E}\u{FE0F}', 'Telephone'],
      ['\u{1F3C1}', 'Flag'],
      ['\u{1F682}', 'Train'],
      ['\u{1F6B2}', 'Bicycle'],
      ['\u{2708}\u{FE0F}', 'Aeroplane'],
      ['\u{1F680}', 'Rocket'],
      ['\u{1F3C6}', 'Trophy'],
      ['\u{26BD}', 'Ball'],
      ['\u{1F3B8}', 'Guitar'],
      ['\u{1F3BA}', 'Trumpet'],
      ['\u{1F514}', 'Bell'],
      ['\u{2693}', 'Anchor'],
      ['\u{1F3A7}', 'Headphones'],
      ['\u{1F4C1}', 'Folder'],
      ['\u{1F4CC}', 'Pin'],
    ] as const
  ).map(([emoji, name]) => Object.freeze({ emoji, name })),
);
