// casekit's stakeholder map: the power–interest grid the learner places the stakeholders on
// (casekit/widgets/grid.py, class StakeholderGrid; the messages are typed in casekit/widgets/grid_messages.py).
//
// Drawn here from the synced traits: `actors` (the case's stakeholders: id, name, tray group, at_table),
// `cells` (the 25 cells, top row first: power, interest, quadrant key), `words` (every word, from the
// kernel's string catalog), `colours` (the charts' quadrant tints and marker colours), `name_max`, and
// `lang` (the case's language), `placements` (the saved map: {id: {power, interest}}, the learner's own with name and at_table too).
//
// A stakeholder moves here at once: its button goes into the new cell in the same frame, and the kernel is
// sent one small custom message ({type: "place", seq, id, power, interest}; "add" and "remove" for the
// learner's own). The kernel checks and saves, and answers {type: "done" | "refused", seq, …} to every page
// that shows the grid. Until the answer comes the button is marked as saving; a refusal puts the map back
// (the kernel sends it again) and says why. {type: "status"} says what the activity's status line says when
// it changed between moves (a queued save stored), for the line beside the grid.
//
// Three ways to move a stakeholder: drag it (pointer events: mouse, pen, touch); click it, then a cell (or
// the tray) — a single pointer without dragging; or focus it, Enter to pick it up, the arrow keys to move it,
// Enter to set it down, Escape to cancel, Delete to put it back in the tray. Every pick-up, move and drop is
// announced in words (aria-live). Nothing here writes text from the data as HTML: names are textContent.

const DRAG_FROM = 5; // pixels a pointer moves before a press becomes a drag
const STEPS = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] };
let views = 0;

function fill(template, fields) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(fields, name) ? String(fields[name]) : whole,
  );
}

function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

class GridView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.prefix = `casekit-grid-${++views}-${Math.random().toString(36).slice(2, 8)}`;
    this.seq = Math.floor(Math.random() * 2 ** 40); // unique among the pages that share the kernel
    this.pending = new Map(); // seq -> {kind, id}
    this.held = null; // {id, origin, at, mode: "key" | "pointer"}
    this.drag = null;
    this.tokens = new Map(); // id -> button
    this.restoring = false; // buttons are being moved in the page: their blur is not the learner's
    this.suppressClickUntil = 0;
    this.build();
    this.update();
    this.listen();
  }

  // -- the data --------------------------------------------------------------------------------------------
  get words() {
    return this.model.get("words") || {};
  }

  get placements() {
    return this.model.get("placements") || {};
  }

  get scale() {
    const points = new Set((this.model.get("cells") || []).map((cell) => cell[0]));
    return [...points].sort((a, b) => a - b);
  }

  onScale(value) {
    return Number.isInteger(value) && this.scale.includes(value);
  }

  isActor(id) {
    return (this.model.get("actors") || []).some((actor) => actor.id === id);
  }

  // Every stakeholder on the map: the case's in the tray's order, then the learner's own by number.
  entries() {
    const placements = this.placements;
    const actors = (this.model.get("actors") || []).map((a) => ({ ...a, own: false }));
    const known = new Set(actors.map((a) => a.id));
    const own = Object.entries(placements)
      .filter(([id, place]) => !known.has(id) && place && typeof place.name === "string")
      .map(([id, place]) => ({
        id,
        name: place.name,
        at_table: place.at_table !== false,
        group: this.words.own_heading,
        own: true,
      }));
    return [...actors, ...own];
  }

  // Where a stakeholder is: {power, interest} on the grid, or null (in the tray). The one picked up is where
  // the learner has moved it.
  placeOf(id) {
    if (this.held && this.held.id === id) return this.held.at;
    return this.savedPlace(id);
  }

  savedPlace(id) {
    const place = this.placements[id];
    if (place && this.onScale(place.power) && this.onScale(place.interest)) {
      return { power: place.power, interest: place.interest };
    }
    return null;
  }

  where(place, id) {
    const words = this.words;
    const saved = id ? this.placements[id] : null;
    const point = (value) => (this.onScale(value) ? words[`scale.${value}`] : words.unset);
    if (place) return fill(words.where, { power: point(place.power), interest: point(place.interest) });
    if (saved && (this.onScale(saved.power) || this.onScale(saved.interest))) {
      return fill(words.where, { power: point(saved.power), interest: point(saved.interest) });
    }
    return words.not_placed;
  }

  nameOf(entry) {
    const words = this.words;
    let name = entry.name;
    if (!entry.at_table) name = fill(words.absent_marker, { name });
    if (entry.own) name = fill(words.own_marker, { name });
    return name;
  }

  entry(id) {
    return this.entries().find((entry) => entry.id === id);
  }

  // -- building the page -----------------------------------------------------------------------------------
  build() {
    const words = this.words;
    const id = (suffix) => `${this.prefix}-${suffix}`;
    const el = this.el;
    el.classList.add("casekit-grid");
    if (this.model.get("lang")) el.lang = this.model.get("lang");
    // JupyterLab's notebook shortcuts (ArrowDown: next cell, D D: delete the cell…) must not fire while the
    // learner works the grid with the keys.
    el.setAttribute("data-lm-suppress-shortcuts", "true");
    for (const [name, value] of Object.entries(this.model.get("colours") || {})) {
      el.style.setProperty(`--casekit-grid-${name}`, value);
    }
    this.keysHelp = h("span", { id: id("keys"), className: "casekit-grid-sr", text: words.token_help });
    this.live = h("div", { className: "casekit-grid-sr", role: "status", "aria-live": "polite" });
    this.alert = h("p", { className: "casekit-grid-alert", role: "alert" });

    // The tray: a list per group, the learner's own last.
    this.trayHeading = h("h3", { id: id("tray"), className: "casekit-grid-tray-heading" });
    this.trayEmpty = h("p", { className: "casekit-grid-tray-empty", text: words.tray_empty });
    this.trayLists = new Map();
    const groups = h("div", { className: "casekit-grid-tray-groups" });
    const names = [...new Set((this.model.get("actors") || []).map((a) => a.group)), words.own_heading];
    names.forEach((group, n) => {
      const list = h("div", { className: "casekit-grid-tray-list", role: "group", "aria-labelledby": id(`g${n}`) });
      const box = h(
        "div",
        { className: "casekit-grid-tray-group" },
        h("h4", { id: id(`g${n}`), text: group }),
        list,
      );
      this.trayLists.set(group, { box, list });
      groups.append(box);
    });
    this.tray = h(
      "section",
      { className: "casekit-grid-tray", "aria-labelledby": id("tray") },
      this.trayHeading,
      this.trayEmpty,
      groups,
    );

    // The grid: the power axis up the left, the quadrants' names above and below, the interest axis under.
    const cells = this.model.get("cells") || [];
    const scale = this.scale;
    const columns = scale.length;
    const frame = h("div", { className: "casekit-grid-frame", style: `--casekit-grid-columns: ${columns}` });
    const yTitle = h("div", { className: "casekit-grid-ytitle", "aria-hidden": "true", text: words.y_label });
    yTitle.style.gridRow = `2 / ${columns + 2}`;
    frame.append(yTitle);
    this.cells = new Map();
    const quadrantAt = new Map(cells.map(([p, i, q]) => [`${p},${i}`, q]));
    const band = (power, row) => {
      let start = 0;
      for (let n = 1; n <= columns; n++) {
        const here = quadrantAt.get(`${power},${scale[start]}`);
        if (n < columns && quadrantAt.get(`${power},${scale[n]}`) === here) continue;
        const label = h("div", {
          className: `casekit-grid-quadrant casekit-grid-q-${here}`,
          "aria-hidden": "true",
          text: words[`quadrant.${here}`],
        });
        label.style.gridRow = String(row);
        label.style.gridColumn = `${start + 3} / ${n + 3}`;
        frame.append(label);
        start = n;
      }
    };
    band(scale[scale.length - 1], 1);
    cells.forEach(([power, interest, quadrant], n) => {
      const row = Math.floor(n / columns) + 2;
      if (n % columns === 0) {
        const number = h("div", { className: "casekit-grid-ynum", "aria-hidden": "true", text: power });
        number.style.gridRow = String(row);
        frame.append(number);
      }
      const cell = h("div", {
        className: `casekit-grid-cell casekit-grid-q-${quadrant}`,
        role: "group",
        "aria-label": fill(words.cell, { power, interest, quadrant: words[`quadrant.${quadrant}`] }),
        "data-power": power,
        "data-interest": interest,
      });
      const left = quadrantAt.get(`${power},${interest - 1}`);
      const below = quadrantAt.get(`${power - 1},${interest}`);
      if (left !== undefined && left !== quadrant) cell.classList.add("casekit-grid-split-left");
      if (below !== undefined && below !== quadrant) cell.classList.add("casekit-grid-split-below");
      cell.style.gridRow = String(row);
      cell.style.gridColumn = String((n % columns) + 3);
      this.cells.set(`${power},${interest}`, cell);
      frame.append(cell);
    });
    band(scale[0], columns + 2);
    scale.forEach((point, n) => {
      const number = h("div", { className: "casekit-grid-xnum", "aria-hidden": "true", text: point });
      number.style.gridRow = String(columns + 3);
      number.style.gridColumn = String(n + 3);
      frame.append(number);
    });
    const xTitle = h("div", { className: "casekit-grid-xtitle", "aria-hidden": "true", text: words.x_label });
    xTitle.style.gridRow = String(columns + 4);
    xTitle.style.gridColumn = `3 / ${columns + 3}`;
    frame.append(xTitle);
    const legend = h(
      "p",
      { className: "casekit-grid-legend" },
      h("span", { className: "casekit-grid-key casekit-grid-key-at-table", text: words.legend_at_table }),
      h("span", { className: "casekit-grid-key casekit-grid-key-absent", text: words.legend_absent }),
      h("span", { className: "casekit-grid-key casekit-grid-key-own", text: words.legend_own }),
    );
    // What the kernel said of the last save, beside the grid (the status line under the activity is the one
    // a screen reader announces).
    this.saved = h("p", { className: "casekit-grid-saved" });
    this.board = h(
      "div",
      { className: "casekit-grid-board", role: "group", "aria-label": words.title },
      frame,
      legend,
      this.saved,
    );

    // The learner's own: a form, what it did, and those added, each with its remove button.
    this.nameBox = h("input", {
      id: id("name"),
      type: "text",
      maxlength: this.model.get("name_max") || 80,
      placeholder: words.own_placeholder,
      autocomplete: "off",
    });
    this.atTable = h("input", { id: id("at-table"), type: "checkbox", checked: true });
    const form = h(
      "form",
      { className: "casekit-grid-own-form" },
      h("label", { for: id("name"), text: words.own_name }),
      this.nameBox,
      h("span", { className: "casekit-grid-check" }, this.atTable, h("label", { for: id("at-table"), text: words.own_at_table })),
      h("button", { type: "submit", className: "casekit-grid-button", text: words.own_add }),
    );
    this.form = form;
    this.ownStatus = h("p", { className: "casekit-grid-own-status", role: "status" });
    this.ownError = h("p", { className: "casekit-grid-own-error", role: "alert" });
    this.ownList = h("ul", { className: "casekit-grid-own-list", "aria-labelledby": id("own-list") });
    this.ownNone = h("p", { className: "casekit-grid-own-none", text: words.own_none });
    const own = h(
      "section",
      { className: "casekit-grid-own", "aria-labelledby": id("own") },
      h("h3", { id: id("own"), text: words.own_heading }),
      h("p", { className: "casekit-grid-own-intro", text: words.own_intro }),
      form,
      this.ownStatus,
      this.ownError,
      h("h4", { id: id("own-list"), text: words.own_list }),
      this.ownNone,
      this.ownList,
    );

    el.replaceChildren(
      h("p", { className: "casekit-grid-help", text: words.help }),
      h("div", { className: "casekit-grid-body" }, this.tray, this.board),
      this.alert,
      own,
      this.live,
      this.keysHelp,
    );
  }

  token(entry) {
    let button = this.tokens.get(entry.id);
    if (!button) {
      button = h(
        "button",
        { type: "button", className: "casekit-grid-token", "data-id": entry.id, "aria-describedby": `${this.prefix}-keys` },
        h("span", { className: "casekit-grid-marker", "aria-hidden": "true" }),
        h("span", { className: "casekit-grid-name" }),
      );
      this.tokens.set(entry.id, button);
    }
    button.querySelector(".casekit-grid-name").textContent = entry.name;
    button.classList.toggle("casekit-grid-own-token", entry.own);
    button.classList.toggle("casekit-grid-absent", !entry.at_table);
    button.classList.toggle("casekit-grid-held", Boolean(this.held && this.held.id === entry.id));
    const saving = [...this.pending.values()].some((p) => p.id === entry.id);
    if (saving) button.setAttribute("data-saving", "true");
    else button.removeAttribute("data-saving");
    const label = fill(this.words.named, { name: this.nameOf(entry), where: this.where(this.placeOf(entry.id), entry.id) });
    if (button.getAttribute("aria-label") !== label) button.setAttribute("aria-label", label);
    return button;
  }

  // Every button where it belongs, in order; the one with the focus keeps it.
  update() {
    const entries = this.entries();
    if (this.held && !entries.some((entry) => entry.id === this.held.id)) this.held = null; // removed
    const wanted = new Map();
    const put = (container, button) => {
      if (!wanted.has(container)) wanted.set(container, []);
      wanted.get(container).push(button);
    };
    let inTray = 0;
    for (const entry of entries) {
      const button = this.token(entry);
      const place = this.placeOf(entry.id);
      if (place) {
        put(this.cells.get(`${place.power},${place.interest}`), button);
      } else {
        inTray += 1;
        put((this.trayLists.get(entry.group) || this.trayLists.get(this.words.own_heading)).list, button);
      }
    }
    const present = new Set(entries.map((e) => e.id));
    const focused = document.activeElement;
    this.restoring = true;
    try {
      for (const [id, button] of this.tokens) {
        if (!present.has(id)) {
          button.remove();
          this.tokens.delete(id);
        }
      }
      const containers = [...this.cells.values(), ...[...this.trayLists.values()].map((g) => g.list)];
      for (const container of containers) {
        const want = wanted.get(container) || [];
        const have = [...container.children];
        if (have.length !== want.length || have.some((child, n) => child !== want[n])) {
          container.replaceChildren(...want);
        }
      }
      if (focused && focused.isConnected && document.activeElement !== focused) focused.focus();
    } finally {
      this.restoring = false;
    }
    for (const { box, list } of this.trayLists.values()) box.hidden = list.children.length === 0;
    this.trayHeading.textContent = fill(this.words.tray, { count: inTray });
    this.trayEmpty.hidden = inTray > 0;
    this.updateOwn(entries.filter((e) => e.own));
  }

  updateOwn(own) {
    const items = own.map((entry) => {
      const remove = h("button", {
        type: "button",
        className: "casekit-grid-button casekit-grid-remove",
        "data-remove": entry.id,
        text: fill(this.words.own_remove, { name: entry.name }),
      });
      return h("li", {}, remove);
    });
    const now = own.map((e) => `${e.id}\u0000${e.name}`).join("\u0001");
    if (this.ownShown !== now) {
      this.ownShown = now;
      this.ownList.replaceChildren(...items);
    }
    this.ownNone.hidden = own.length > 0;
    this.ownList.hidden = own.length === 0;
  }

  // -- what the learner does -------------------------------------------------------------------------------
  listen() {
    const on = (target, type, handler, options) => {
      target.addEventListener(type, handler, options);
      (this.unlisten ||= []).push(() => target.removeEventListener(type, handler, options));
    };
    on(this.el, "keydown", (event) => this.onKey(event));
    on(this.el, "click", (event) => this.onClick(event));
    on(this.el, "pointerdown", (event) => this.onPointerDown(event));
    on(this.el, "focusout", (event) => this.onFocusOut(event));
    on(this.form, "submit", (event) => this.onAdd(event));
    // Enter in the name box adds, as in any form; JupyterLab does not let the browser submit it by itself.
    on(this.nameBox, "keydown", (event) => {
      if (event.key !== "Enter" || event.isComposing) return;
      event.stopPropagation();
      this.onAdd(event);
    });
    const onChange = () => this.update();
    const onReply = (message) => this.onReply(message);
    this.model.on("change:placements", onChange);
    this.model.on("msg:custom", onReply);
    this.unlisten.push(() => this.model.off("change:placements", onChange));
    this.unlisten.push(() => this.model.off("msg:custom", onReply));
  }

  destroy() {
    this.endDrag();
    for (const undo of this.unlisten || []) undo();
  }

  tokenOf(event) {
    const token = event.target instanceof Element ? event.target.closest(".casekit-grid-token") : null;
    return token && this.el.contains(token) ? token : null;
  }

  onKey(event) {
    const token = this.tokenOf(event);
    if (!token || event.altKey || event.ctrlKey || event.metaKey) return;
    const id = token.dataset.id;
    const handled = () => {
      event.preventDefault();
      event.stopPropagation();
    };
    if (event.key === "Enter" || event.key === " ") {
      handled();
      if (this.held && this.held.id === id) this.drop();
      else this.pickUp(id, "key");
    } else if (event.key === "Escape") {
      if (this.held) {
        handled();
        this.cancel();
      }
    } else if (event.key === "Delete" || event.key === "Backspace") {
      handled();
      this.toTray(id);
    } else if (STEPS[event.key]) {
      handled(); // also when nothing is picked up: the notebook must not take the arrow keys
      if (this.held && this.held.id === id) this.step(STEPS[event.key]);
    }
  }

  onClick(event) {
    if (performance.now() < this.suppressClickUntil) return; // the end of a drag
    const remove = event.target instanceof Element ? event.target.closest("[data-remove]") : null;
    if (remove) return this.onRemove(remove.dataset.remove);
    const token = this.tokenOf(event);
    if (token) {
      if (event.detail === 0) return; // Enter or Space: handled as keys
      const id = token.dataset.id;
      if (this.held && this.held.id === id) {
        if (this.held.at) this.drop();
        else this.cancel();
      } else {
        this.pickUp(id, "pointer");
      }
      return;
    }
    if (!this.held || this.held.mode !== "pointer") return;
    const target = this.targetOf(event.target);
    if (target) this.dropOn(this.held.id, target);
  }

  onFocusOut(event) {
    if (this.restoring || !this.held || this.held.mode !== "key") return;
    const token = this.tokenOf(event);
    if (token && token.dataset.id === this.held.id) this.cancel();
  }

  pickUp(id, mode) {
    const entry = this.entry(id);
    if (!entry) return;
    const origin = this.savedPlace(id);
    const middle = this.scale[Math.floor(this.scale.length / 2)];
    const at = origin || (mode === "key" ? { power: middle, interest: middle } : null);
    this.held = { id, origin, at, mode };
    this.update();
    const template = mode === "key" ? this.words.picked : this.words.picked_pointer;
    this.announce(fill(template, { name: entry.name, where: this.where(at) }));
  }

  step([power, interest]) {
    const scale = this.scale;
    const clamp = (value) => Math.min(scale[scale.length - 1], Math.max(scale[0], value));
    const middle = scale[Math.floor(scale.length / 2)];
    const at = this.held.at || { power: middle, interest: middle };
    const next = { power: clamp(at.power + power), interest: clamp(at.interest + interest) };
    this.held.mode = "key";
    if (next.power === at.power && next.interest === at.interest) {
      this.held.at = at;
      this.update();
      this.announce(fill(this.words.edge, { where: this.where(at) }));
      return;
    }
    this.held.at = next;
    this.update();
    this.announce(this.where(next));
  }

  drop() {
    const { id, at, origin } = this.held;
    this.held = null;
    if (!at) return this.update();
    const entry = this.entry(id);
    if (!origin || origin.power !== at.power || origin.interest !== at.interest) this.commit(id, at);
    else this.update();
    if (entry) this.announce(fill(this.words.dropped, { name: entry.name, where: this.where(at) }));
  }

  cancel() {
    const { id } = this.held;
    this.held = null;
    this.update();
    const entry = this.entry(id);
    if (entry) this.announce(fill(this.words.cancelled, { name: entry.name }));
  }

  toTray(id) {
    if (this.held && this.held.id === id) this.held = null;
    const place = this.placements[id];
    const entry = this.entry(id);
    if (place && (place.power != null || place.interest != null)) this.commit(id, null);
    else this.update();
    if (entry) this.announce(fill(this.words.returned, { name: entry.name }));
  }

  targetOf(node) {
    if (!(node instanceof Element) || !this.el.contains(node)) return null;
    const cell = node.closest(".casekit-grid-cell");
    if (cell) return { power: Number(cell.dataset.power), interest: Number(cell.dataset.interest) };
    return node.closest(".casekit-grid-tray") ? "tray" : null;
  }

  dropOn(id, target) {
    if (this.held && this.held.id === id) this.held = null;
    if (target === "tray") return this.toTray(id);
    const entry = this.entry(id);
    const saved = this.savedPlace(id);
    if (!saved || saved.power !== target.power || saved.interest !== target.interest) this.commit(id, target);
    else this.update();
    if (entry) this.announce(fill(this.words.dropped, { name: entry.name, where: this.where(target) }));
  }

  // The move is shown at once (the model is changed in this page only: every view of it redraws) and sent.
  commit(id, at) {
    const placements = { ...this.placements };
    const own = !this.isActor(id);
    const axes = at ? { power: at.power, interest: at.interest } : { power: null, interest: null };
    if (own) placements[id] = { ...placements[id], ...axes };
    else if (at) placements[id] = axes;
    else delete placements[id];
    const seq = ++this.seq;
    this.pending.set(seq, { kind: "place", id });
    this.model.set("placements", placements);
    this.update();
    this.model.send({ type: "place", seq, id, ...axes });
  }

  // -- dragging ----------------------------------------------------------------------------------------------
  onPointerDown(event) {
    const token = this.tokenOf(event);
    if (!token || event.button !== 0 || !event.isPrimary) return;
    this.endDrag();
    const drag = { id: token.dataset.id, token, x: event.clientX, y: event.clientY, pointer: event.pointerId };
    drag.move = (e) => this.onPointerMove(e);
    drag.up = (e) => this.onPointerUp(e);
    drag.cancel = () => this.endDrag();
    window.addEventListener("pointermove", drag.move);
    window.addEventListener("pointerup", drag.up);
    window.addEventListener("pointercancel", drag.cancel);
    this.drag = drag;
  }

  onPointerMove(event) {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointer) return;
    if (!drag.ghost) {
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_FROM) return;
      if (this.held) this.held = null;
      const rect = drag.token.getBoundingClientRect();
      drag.dx = drag.x - rect.left;
      drag.dy = drag.y - rect.top;
      const ghost = drag.token.cloneNode(true);
      ghost.removeAttribute("aria-describedby");
      ghost.setAttribute("aria-hidden", "true");
      ghost.tabIndex = -1;
      ghost.className = `${drag.token.className} casekit-grid-ghost`;
      ghost.style.width = `${rect.width}px`;
      for (const name of ["at-table", "absent"]) {
        ghost.style.setProperty(`--casekit-grid-${name}`, this.el.style.getPropertyValue(`--casekit-grid-${name}`));
      }
      document.body.append(ghost);
      drag.ghost = ghost;
      drag.token.classList.add("casekit-grid-dragging");
      this.el.classList.add("casekit-grid-is-dragging");
    }
    event.preventDefault();
    drag.ghost.style.transform = `translate(${event.clientX - drag.dx}px, ${event.clientY - drag.dy}px)`;
    const over = document.elementFromPoint(event.clientX, event.clientY);
    const target = over && (over.closest(".casekit-grid-cell") || over.closest(".casekit-grid-tray"));
    const inside = target && this.el.contains(target) ? target : null;
    if (drag.over !== inside) {
      if (drag.over) drag.over.classList.remove("casekit-grid-over");
      if (inside) inside.classList.add("casekit-grid-over");
      drag.over = inside;
    }
  }

  onPointerUp(event) {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointer) return;
    const dragged = Boolean(drag.ghost);
    this.endDrag();
    if (!dragged) return; // a click: onClick picks it up
    this.suppressClickUntil = performance.now() + 400;
    const target = this.targetOf(document.elementFromPoint(event.clientX, event.clientY));
    if (target) this.dropOn(drag.id, target);
    const token = this.tokens.get(drag.id);
    if (token && token.isConnected) token.focus({ preventScroll: true });
  }

  endDrag() {
    const drag = this.drag;
    if (!drag) return;
    this.drag = null;
    window.removeEventListener("pointermove", drag.move);
    window.removeEventListener("pointerup", drag.up);
    window.removeEventListener("pointercancel", drag.cancel);
    if (drag.ghost) drag.ghost.remove();
    if (drag.over) drag.over.classList.remove("casekit-grid-over");
    drag.token.classList.remove("casekit-grid-dragging");
    this.el.classList.remove("casekit-grid-is-dragging");
  }

  // -- the learner's own -------------------------------------------------------------------------------------
  onAdd(event) {
    event.preventDefault();
    const seq = ++this.seq;
    this.pending.set(seq, { kind: "add", id: null });
    this.model.send({ type: "add", seq, name: this.nameBox.value, at_table: this.atTable.checked });
  }

  onRemove(id) {
    const seq = ++this.seq;
    this.pending.set(seq, { kind: "remove", id: null });
    this.model.send({ type: "remove", seq, id });
  }

  // -- the kernel's answers ----------------------------------------------------------------------------------
  onReply(message) {
    if (message && message.type === "status" && typeof message.status === "string") {
      this.saved.textContent = message.status;
      this.saved.classList.toggle("casekit-grid-saved-error", message.error === true);
      return;
    }
    if (!message || typeof message !== "object" || !["done", "refused"].includes(message.type)) return;
    const mine = this.pending.get(message.seq);
    this.pending.delete(message.seq);
    if (message.type === "done" && typeof message.id === "string") {
      // What the store holds for that stakeholder (how another page learns of a move), unless this page
      // has moved it again since.
      const later = [...this.pending.values()].some((p) => p.id === message.id);
      const placements = { ...this.placements };
      const place = message.place && typeof message.place === "object" ? message.place : null;
      if (!later && JSON.stringify(placements[message.id] ?? null) !== JSON.stringify(place)) {
        if (place) placements[message.id] = place;
        else delete placements[message.id];
        this.model.set("placements", placements);
      }
    }
    if (message.type === "done" && typeof message.status === "string") {
      this.saved.textContent = message.status;
      this.saved.classList.toggle("casekit-grid-saved-error", message.error === true);
    }
    if (mine && mine.kind === "place") {
      this.alert.textContent = message.type === "refused" ? message.message || "" : "";
    } else if (mine) {
      const refused = message.type === "refused";
      this.ownStatus.textContent = refused ? "" : message.message || "";
      this.ownError.textContent = refused ? message.message || "" : "";
      if (!refused && mine.kind === "add") this.nameBox.value = "";
      if (!refused || mine.kind === "add") this.nameBox.focus();
    }
    this.update();
  }

  announce(text) {
    this.live.textContent = "";
    clearTimeout(this.announcing);
    this.announcing = setTimeout(() => {
      this.live.textContent = text;
    }, 40);
  }
}

export default {
  render({ model, el }) {
    const view = new GridView(model, el);
    return () => view.destroy();
  },
};
