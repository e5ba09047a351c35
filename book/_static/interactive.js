/* Interactive figures: controls that move a picture the build computed.
 *
 * Design. Every number a reader sees was computed by nnbasics when the book
 * was built (nnbasics.interactive): for each setting of a figure's controls
 * the build stored one "frame", and this script only shows frames, it
 * computes nothing. A figure is a <div class="nnb-interactive"> holding
 *   - an inline SVG picture of the first setting (the figure without
 *     JavaScript), whose changing elements carry data-part="name";
 *   - a readout <p aria-live="polite"> that says the same in words;
 *   - a note <p class="nnb-static-note"> that only one setting is shown,
 *     which this script removes when it adds the controls;
 *   - data-config: JSON {controls, parts, frames, click?}.
 * A frame is [readout, value of part 1, value of part 2, ...]; parts are
 * [element, attribute] pairs ("text" sets the element's text). Frames are
 * ordered by the controls' positions, the first control varying slowest. A
 * control with "steps" does not pick a frame but walks through one (a list
 * of frames). "click" maps a click on the picture to the nearest positions
 * of two sliders. The script adds the controls (native sliders and lists,
 * each with a visible label), so they work by keyboard and exist only when
 * it runs. These figures move only when a reader moves a control.
 *
 * Animated pictures (nnbasics.plotting.animation, in a <div
 * class="nnb-animation">) play by SVG's own <animate> elements, with or
 * without this script. The script adds what they cannot do alone: a button
 * that pauses and plays them (moving content that lasts more than five
 * seconds must be stoppable, WCAG 2.2.2; its words come from the div, in
 * the page's language), and it holds a picture still while it is out of
 * view or the reader asks for reduced motion: each frame of a playing SVG
 * lays out and paints the whole page again.
 */
(() => {
  "use strict";

  const nearest = (values, target) =>
    values.reduce((best, v, k) => (Math.abs(v - target) < Math.abs(values[best] - target) ? k : best), 0);

  const setUp = (widget) => {
    const config = JSON.parse(widget.dataset.config);
    const svg = widget.querySelector("svg");
    const readout = widget.querySelector(".nnb-readout");
    const parts = config.parts.map(([name, attribute]) => [
      svg.querySelector(`[data-part="${name}"]`),
      attribute,
    ]);
    const box = document.createElement("div");
    box.className = "nnb-controls";
    const shown = [];
    const inputs = config.controls.map((control) => {
      const id = `${widget.id}-${control.name}`;
      const field = document.createElement("div");
      field.className = "nnb-control";
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = control.label;
      let input;
      if (control.kind === "select") {
        input = document.createElement("select");
        control.values.forEach((text, k) => input.add(new Option(text, String(k))));
        shown.push(null);
      } else {
        const value = document.createElement("span");
        value.className = "nnb-value";
        label.append(": ", value);
        shown.push(value);
        input = document.createElement("input");
        Object.assign(input, { type: "range", min: 0, max: control.values.length - 1, step: 1 });
      }
      input.id = id;
      input.value = String(control.initial);
      input.addEventListener("input", update);
      field.append(label, input);
      box.append(field);
      return input;
    });

    function update() {
      let index = 0;
      let stepper = -1;
      config.controls.forEach((control, k) => {
        if (control.steps) stepper = k;
        else index = index * control.values.length + Number(inputs[k].value);
      });
      let frame = config.frames[index];
      if (stepper >= 0) {
        const input = inputs[stepper];
        input.max = String(frame.length - 1);
        if (Number(input.value) > frame.length - 1) input.value = String(frame.length - 1);
        frame = frame[Number(input.value)];
      }
      parts.forEach(([element, attribute], k) => {
        if (attribute === "text") element.textContent = frame[k + 1];
        else element.setAttribute(attribute, frame[k + 1]);
      });
      inputs.forEach((input, k) => {
        const text = config.controls[k].values[Number(input.value)];
        if (shown[k]) {
          shown[k].textContent = text;
          input.setAttribute("aria-valuetext", text);
        }
      });
      if (readout.textContent !== frame[0]) readout.textContent = frame[0];
    }

    if (config.click) {
      const { x, y, px, py } = config.click;
      svg.classList.add("nnb-clickable");
      svg.addEventListener("click", (event) => {
        const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(
          svg.getScreenCTM().inverse(),
        );
        inputs[x].value = String(nearest(px, point.x));
        inputs[y].value = String(nearest(py, point.y));
        update();
      });
    }
    widget.querySelector(".nnb-static-note")?.remove();
    widget.prepend(box);
    update();
    widget.classList.add("nnb-ready");
  };

  const animate = (box) => {
    const svg = box.querySelector("svg");
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "nnb-play";
    let stopped = false;
    let inView = false;
    const apply = () => {
      if (inView && !stopped && !reduced.matches) svg.unpauseAnimations();
      else svg.pauseAnimations();
      button.textContent = stopped ? box.dataset.play : box.dataset.pause;
      button.hidden = reduced.matches;
    };
    button.addEventListener("click", () => {
      stopped = !stopped;
      apply();
    });
    reduced.addEventListener("change", apply);
    new IntersectionObserver(([entry]) => {
      inView = entry.isIntersecting;
      apply();
    }).observe(svg);
    box.prepend(button);
    apply();
  };

  // The controls' look, in the theme's colours (both colour modes).
  const STYLE = `
.nnb-interactive { margin: 1rem 0; }
.nnb-clickable { cursor: crosshair; }
.nnb-controls { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
  gap: 0.5rem 1.5rem; max-width: 480px; margin-bottom: 0.75rem; }
.nnb-control label { display: block; font-weight: 600; }
.nnb-control input, .nnb-control select { width: 100%; accent-color: var(--pst-color-primary); }
.nnb-control select { padding: 0.2rem; color: var(--pst-color-text-base);
  background: var(--pst-color-background); border: 1px solid var(--pst-color-border); }
html[data-theme="dark"] .nnb-controls { color-scheme: dark; }
.nnb-readout { max-width: 480px; margin-top: 0.5rem; }
.nnb-play { display: block; margin-bottom: 0.5rem; padding: 0.25rem 0.75rem; font: inherit;
  color: var(--pst-color-text-base); background: var(--pst-color-surface);
  border: 1px solid var(--pst-color-border); border-radius: 0.25rem; }`;

  const start = () => {
    const widgets = document.querySelectorAll(".nnb-interactive[data-config]");
    const animations = document.querySelectorAll(".nnb-animation");
    if (!widgets.length && !animations.length) return;
    const style = document.createElement("style");
    style.textContent = STYLE;
    document.head.append(style);
    widgets.forEach(setUp);
    animations.forEach(animate);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
