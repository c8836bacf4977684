export const STAMP_PLACEHOLDER: string;
export const END_MARKER: string;
export function writeLogFile(file: string, count: number): number;
