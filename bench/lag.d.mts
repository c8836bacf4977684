export interface Frame {
  t: number;
  newest: number;
}
export function worstLag(frames: Frame[], stamps: number[]): number;
