// How far behind the process a pane is. The writer stamps each chunk of lines with the time it
// wrote it and records those stamps; each frame shows, at its newest line, the stamp of the
// newest chunk it has drawn. A chunk first appears in the first frame whose newest stamp reaches
// it, so its lag is that frame's time minus its stamp; the worst over all chunks is the answer.

/**
 * Each chunk's lag: from its write to the first frame that shows it or anything newer.
 * @typedef {{ t: number; newest: number }} Frame  time of the frame; newest stamp it shows (0: none)
 * @param {Frame[]} frames in the order drawn
 * @param {number[]} stamps the writer's chunk stamps, in the order written
 * @returns {number[]} lags in ms, one per chunk a frame covered
 */
export function chunkLags(frames, stamps) {
  const lags = [];
  let next = 0;
  for (const f of frames) {
    if (f.newest <= 0) continue;
    for (; next < stamps.length && stamps[next] <= f.newest; next++) lags.push(f.t - stamps[next]);
  }
  return lags;
}

/**
 * @param {Frame[]} frames in the order drawn
 * @param {number[]} stamps the writer's chunk stamps, in the order written
 * @returns {number} worst lag in ms
 */
export function worstLag(frames, stamps) {
  return chunkLags(frames, stamps).reduce((a, b) => Math.max(a, b), 0);
}

/**
 * The pane's own lag: from when a chunk had fully arrived from the pty (`arrivals`: pairs of
 * time and characters received so far) to the first frame showing it. Unlike worstLag this
 * leaves out the time output waits in the pty while the consumer is busy (throughput).
 * @param {Frame[]} frames
 * @param {number[]} stamps
 * @param {number[]} ends characters received once each chunk is through
 * @param {number[]} arrivals flat [time, received, time, received, ...]
 * @returns {number | null} worst lag in ms; null when the counts do not line up
 */
export function worstPaneLag(frames, stamps, ends, arrivals) {
  if (arrivals.length === 0 || arrivals.at(-1) !== ends.at(-1)) return null;
  let worst = 0;
  let chunk = 0;
  let arrival = 0;
  for (const f of frames) {
    if (f.newest <= 0) continue;
    for (; chunk < stamps.length && stamps[chunk] <= f.newest; chunk++) {
      while (arrival < arrivals.length && arrivals[arrival + 1] < ends[chunk]) arrival += 2;
      if (arrival < arrivals.length) worst = Math.max(worst, f.t - arrivals[arrival]);
    }
  }
  return worst;
}
