export interface Frame {
  t: number;
  newest: number;
}
export function chunkLags(frames: Frame[], stamps: number[]): number[];
export function worstLag(frames: Frame[], stamps: number[]): number;
export function worstPaneLag(frames: Frame[], stamps: number[], ends: number[], arrivals: number[]): number | null;
