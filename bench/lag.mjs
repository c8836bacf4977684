// How far behind the process a pane is. The writer stamps each chunk of lines with the time it
// wrote it and records those stamps; each frame shows, at its newest line, the stamp of the
// newest chunk it has drawn. A chunk first appears in the first frame whose newest stamp reaches
// it, so its lag is that frame's time minus its stamp; the worst over all chunks is the answer.

/**
 * @typedef {{ t: number; newest: number }} Frame  time of the frame; newest stamp it shows (0: none)
 * @param {Frame[]} frames in the order drawn
 * @param {number[]} stamps the writer's chunk stamps, in the order written
 * @returns {number} worst lag in ms
 */
export function worstLag(frames, stamps) {
  let worst = 0;
  let next = 0;
  for (const f of frames) {
    if (f.newest <= 0) continue;
    // Chunks not seen before and covered by this frame: the oldest of them waited longest.
    if (next < stamps.length && stamps[next] <= f.newest) worst = Math.max(worst, f.t - stamps[next]);
    while (next < stamps.length && stamps[next] <= f.newest) next++;
  }
  return worst;
}
