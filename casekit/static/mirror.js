// casekit's copy of the learner's answers in this browser (casekit/widgets/mirror.py, class BrowserCopy;
// the messages are typed in casekit/widgets/mirror_messages.py).
//
// The kernel sends the answer store's JSON export in the synced trait `payload` (debounced on the Python
// side); it is written to localStorage under `storage_key` ("casekit:<scope>:<case id>"). When the copy is
// first shown in this page, what the browser holds is reported back in the trait `browser`: a summary
// parsed here from the JSON (how many answers, the newest save time, each answer's newest save time),
// "empty", "unreadable", or "unavailable" with a reason code. The JSON text itself is sent only when the
// kernel asks for it (custom message {type: "read"}); {type: "forget"} removes the key; {type: "focus"}
// moves the focus to the copy's status line (its view does that). The summary's limits (how many keys, how
// long a key or a time) are the kernel's, in the synced traits `max_keys` and `max_field`.
//
// The report waits for the copy's first view, not for its model. The kernel answers a report on the copy's
// status line and buttons, which are widgets of their own. When a page loads widgets that already exist in
// the kernel (Voilà; JupyterLab reloaded), it makes all their models at once, and drops an update for a
// model it has not made yet: a report sent as soon as this model starts could be answered before the line
// exists in the page, and the line (or the offer to restore, with its buttons) never showed. A view of the
// copy exists only inside the box that holds the line and the buttons, so by then they exist too. One report
// per copy and page (`copy_id`), however many views it has.
//
// localStorage rather than IndexedDB: it is synchronous, so a copy is written or refused at once and the
// summary is ready when the page starts; an export is a few hundred kilobytes, well within its quota.
// Nothing here throws at the page, and nothing here is text a learner reads: the kernel words every line.

function reasonOf(error) {
  const name = error && error.name;
  if (name === "QuotaExceededError" || name === "NS_ERROR_DOM_QUOTA_REACHED") return "quota";
  if (error && (error.code === 22 || error.code === 1014)) return "quota";
  if (name === "SecurityError" || name === "NS_ERROR_FILE_ACCESS_DENIED") return "blocked";
  return "error";
}

// The browser's localStorage, or the reason it cannot be used (blocked, absent, another error). Nothing is
// written to find out: with the storage full (Binder's origin is shared by every repository's sessions) a
// test write fails, yet the copy already there can still be read, removed or replaced; each operation
// says for itself whether it worked.
function openStorage() {
  try {
    const storage = window.localStorage;
    if (!storage) return { reason: "missing" };
    return { storage };
  } catch (error) {
    return { reason: reasonOf(error) };
  }
}

function newestOf(times) {
  let best = "";
  let bestMs = -Infinity;
  for (const time of times) {
    const ms = typeof time === "string" ? Date.parse(time) : NaN;
    if (!Number.isNaN(ms) && ms > bestMs) {
      best = time;
      bestMs = ms;
    }
  }
  return best;
}

// A summary of an export document's text: what the kernel compares with its store, within its limits.
function summarise(text, maxKeys, maxField) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (_error) {
    return { state: "unreadable", size: text.length };
  }
  const answers = doc && typeof doc === "object" ? doc.answers : null;
  if (!answers || typeof answers !== "object" || Array.isArray(answers)) {
    return { state: "unreadable", size: text.length };
  }
  const keys = {};
  const all = [];
  let count = 0;
  for (const [key, entry] of Object.entries(answers)) {
    if (count >= maxKeys) return { state: "unreadable", size: text.length };
    const history = entry && Array.isArray(entry.history) ? entry.history : [];
    const newest = newestOf(history.map((item) => item && item.saved_at));
    keys[String(key).slice(0, maxField)] = String(newest).slice(0, maxField);
    all.push(newest);
    count += 1;
  }
  const caseId = doc.case && typeof doc.case.id === "string" ? doc.case.id.slice(0, maxField) : "";
  return { state: "held", count, newest: newestOf(all), keys, case_id: caseId, size: text.length };
}

function report(model, summary) {
  try {
    model.set("browser", { ...summary, seq: Date.now() + Math.random() });
    model.save_changes();
  } catch (_error) {
    // the kernel is gone or the page is closing: nothing to tell anyone
  }
}

function look(model) {
  const { storage, reason } = openStorage();
  if (!storage) return report(model, { state: "unavailable", reason });
  let text;
  try {
    text = storage.getItem(model.get("storage_key"));
  } catch (error) {
    return report(model, { state: "unavailable", reason: reasonOf(error) });
  }
  const summary =
    text === null ? { state: "empty" } : summarise(text, model.get("max_keys"), model.get("max_field"));
  report(model, summary);
}

// The copies that reported in this page (by `copy_id`): a second view of the same copy does not report.
const reported = new Set();

function lookOnce(model) {
  const id = model.get("copy_id");
  if (id && reported.has(id)) return;
  if (id) reported.add(id);
  look(model);
}

// Whether the copy in the browser holds an answer the new payload lacks: another session of the same learner
// (a second Binder tab) wrote it since this page reported what the browser holds. Compared answer by
// answer, by the newest save time: an answer the payload does not have, or one saved later in the copy
// than the payload's newest. (Not revision by revision: an export leaves out the keystrokes a moment later
// overtook, so the copy's last keystroke is rightly missing from the next export.) Whatever this finds,
// the store cannot hold it, so the kernel offers it back; nothing is held back that is never offered.
function holdsMore(stored, payload, maxKeys, maxField) {
  if (stored === null || stored === payload) return false;
  const old = summarise(stored, maxKeys, maxField);
  const next = summarise(payload, maxKeys, maxField);
  if (old.state !== "held" || next.state !== "held") return false; // an unreadable copy was refused before
  for (const [key, newest] of Object.entries(old.keys)) {
    if (!(key in next.keys)) return true;
    if (Date.parse(newest) > Date.parse(next.keys[key])) return true;
  }
  return false;
}

function write(model) {
  const payload = model.get("payload");
  if (!payload) return;
  const { storage, reason } = openStorage();
  if (!storage) return report(model, { state: "unavailable", reason });
  const key = model.get("storage_key");
  try {
    const stored = storage.getItem(key);
    if (holdsMore(stored, payload, model.get("max_keys"), model.get("max_field"))) {
      // Not overwritten: the kernel is told what the copy holds now, and offers to restore it.
      return report(model, summarise(stored, model.get("max_keys"), model.get("max_field")));
    }
    storage.setItem(key, payload);
  } catch (error) {
    report(model, { state: "unavailable", reason: reasonOf(error) });
  }
}

function answer(model, message) {
  const type = message && message.type;
  const { storage, reason } = openStorage();
  if (type === "read") {
    let text = null;
    let failure = storage ? "" : reason;
    try {
      if (storage) text = storage.getItem(model.get("storage_key"));
    } catch (error) {
      failure = reasonOf(error);
    }
    model.send({ type: "copy", text, reason: failure });
  } else if (type === "forget") {
    if (!storage) return report(model, { state: "unavailable", reason });
    try {
      storage.removeItem(model.get("storage_key"));
    } catch (error) {
      return report(model, { state: "unavailable", reason: reasonOf(error) });
    }
    report(model, { state: "empty", forgotten: true });
  }
}

export default {
  initialize({ model }) {
    const onPayload = () => write(model);
    const onMessage = (message) => answer(model, message);
    model.on("change:payload", onPayload);
    model.on("msg:custom", onMessage);
    return () => {
      model.off("change:payload", onPayload);
      model.off("msg:custom", onMessage);
    };
  },
  render({ model, el }) {
    el.classList.add("casekit-mirror");
    el.hidden = true;
    lookOnce(model);
    // After a click on a button that then leaves the page ("Gendan", "Glem"), the focus goes to the line
    // that says what happened, not to the top of the page: {type: "focus"} from the kernel.
    const onMessage = (message) => {
      if (!message || message.type !== "focus") return;
      const box = el.closest(".casekit-mirror-box");
      const line = box && box.querySelector(".casekit-mirror-status");
      if (!line) return;
      line.tabIndex = -1;
      line.focus();
    };
    model.on("msg:custom", onMessage);
    return () => model.off("msg:custom", onMessage);
  },
};
