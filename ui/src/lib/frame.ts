/**
 * Runs `fn` in a task right after the next frame has been drawn (an animation frame, then a task
 * after it). Returns a function that cancels it if it has not run yet.
 */
export function afterNextFrame(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(fn, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
