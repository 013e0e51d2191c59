/** Wall time in ms with sub-millisecond resolution (hops are around a millisecond). */
export function preciseNowMs(): number {
  return performance.timeOrigin + performance.now();
}
