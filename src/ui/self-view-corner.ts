/** Where the self-view tile sits over the other person's video. */
export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

const CLOCKWISE: readonly Corner[] = ['top-left', 'top-right', 'bottom-right', 'bottom-left'];

/** The corner nearest to a point (the centre of a dropped tile) inside a `width`×`height` area. */
export const nearestCorner = (x: number, y: number, width: number, height: number): Corner =>
  `${y < height / 2 ? 'top' : 'bottom'}-${x < width / 2 ? 'left' : 'right'}`;

/** The corner an arrow key moves to (the other half of the screen in that direction); other keys: null. */
export const cornerAfterKey = (corner: Corner, key: string): Corner | null => {
  const [v, h] = corner.split('-') as ['top' | 'bottom', 'left' | 'right'];
  switch (key) {
    case 'ArrowUp':
      return `top-${h}`;
    case 'ArrowDown':
      return `bottom-${h}`;
    case 'ArrowLeft':
      return `${v}-left`;
    case 'ArrowRight':
      return `${v}-right`;
    default:
      return null;
  }
};

/** The next corner clockwise (a click on the move button, for people who cannot drag). */
export const nextCorner = (corner: Corner): Corner =>
  CLOCKWISE[(CLOCKWISE.indexOf(corner) + 1) % CLOCKWISE.length] ?? 'top-right';
