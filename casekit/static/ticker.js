// casekit's clock for a view that refreshes by itself (casekit/widgets/ticker.py, class Ticker).
//
// It shows nothing. While the trait `active` is set and the page is in view (not a hidden tab), it sends the
// kernel {type: "tick"} every `every_ms` milliseconds; the kernel decides what a tick does (the instructor's
// class view reads the class again). The clock runs in the page, so it stops when the page is closed or the
// view leaves it, and the kernel stays free between ticks (no thread of its own).

export default {
  render({ model, el }) {
    el.classList.add("casekit-ticker");
    el.hidden = true;
    let timer;

    const tick = () => {
      if (document.visibilityState !== "visible") return;
      try {
        model.send({ type: "tick" });
      } catch (_error) {
        // the kernel is gone: nothing to refresh
      }
    };
    const start = () => {
      clearInterval(timer);
      timer = undefined;
      const every = Number(model.get("every_ms"));
      if (model.get("active") && every > 0) timer = setInterval(tick, every);
    };

    start();
    model.on("change:active", start);
    model.on("change:every_ms", start);
    return () => {
      clearInterval(timer);
      model.off("change:active", start);
      model.off("change:every_ms", start);
    };
  },
};
