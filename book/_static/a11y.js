/* Keep scrollable code and outputs reachable by keyboard (tests/browser/).
 *
 * The theme gives a block of code, an output or a table tabindex="0" when it
 * scrolls, so that keyboard users can scroll it, but it measures them only
 * when the page loads. A block inside a hidden solution has no size then, so
 * once the solution is opened it scrolls yet cannot be reached (axe:
 * scrollable-region-focusable). Measure each block again whenever its size
 * changes: on opening a solution, on resizing the window. A displayed
 * formula wider than a phone's column scrolls too, and is treated the same.
 */
(() => {
  const selector =
    "pre, .cell_output > .output, .pst-scrollable-table-container, div.math > math";
  // Read every size first, then write: a tabindex written between two reads
  // would make the browser lay the page out again for the next read.
  const measure = (entries) => {
    const scrolls = entries.map(
      ({ target }) =>
        target.scrollWidth > target.clientWidth ||
        target.scrollHeight > target.clientHeight,
    );
    entries.forEach(({ target }, i) => {
      const tabIndex = scrolls[i] ? 0 : -1;
      if (target.tabIndex !== tabIndex) target.tabIndex = tabIndex;
    });
  };
  const start = () => {
    const observer = new ResizeObserver(measure);
    document.querySelectorAll(selector).forEach((el) => observer.observe(el));
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
