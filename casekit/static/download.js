// casekit's download of the answers, made at the moment of the click (casekit/widgets/download.py, class
// DownloadControl; the messages are typed there).
//
// The view is a button and a line under it. A click asks the kernel for the file (custom message
// {type: "make", request}); the kernel makes it from the answer store as it is then and answers
// {type: "file", request, name, mime} with the file's bytes as the message's one buffer, or
// {type: "failed", request}. The file is saved in the browser (a Blob behind a download link clicked here).
// Every word shown comes from the kernel: the button's text in the trait `label`, the line in `note`
// (role "status", or "alert" when the trait `alert` is set).
//
// When the control comes into view, or gets the pointer or the keyboard's focus, it says so ({type: "look"},
// at most every few seconds): answers saved in another notebook (another kernel) are then counted on the page.

const LOOK_EVERY_MS = 3000;
const WAIT_AT_MOST_MS = 120000;
const REVOKE_AFTER_MS = 60000;

function save(el, name, mime, buffer) {
  const blob = new Blob([buffer], { type: mime });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  el.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

function send(model, message) {
  try {
    model.send(message);
    return true;
  } catch (_error) {
    return false; // the kernel is gone: the line the kernel last set stays
  }
}

export default {
  render({ model, el }) {
    el.classList.add("casekit-download");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "jupyter-button widget-button casekit-download-button";
    const note = document.createElement("p");
    note.className = "casekit-download-note";
    el.append(button, note);

    const show = () => {
      button.textContent = model.get("label");
      note.textContent = model.get("note");
      const alert = Boolean(model.get("alert"));
      note.setAttribute("role", alert ? "alert" : "status");
      note.classList.toggle("casekit-download-alert", alert);
    };
    show();

    // Requests are numbered per view: the same control shown twice must not save one file twice.
    const view = Math.random().toString(36).slice(2, 10);
    let asked = 0;
    let waitingSince = 0;
    let lookedAt = 0;
    const done = () => {
      waitingSince = 0;
      button.removeAttribute("aria-busy");
    };
    const look = () => {
      const now = Date.now();
      if (now - lookedAt < LOOK_EVERY_MS) return;
      lookedAt = now;
      send(model, { type: "look" });
    };
    const onClick = () => {
      if (waitingSince && Date.now() - waitingSince < WAIT_AT_MOST_MS) return; // one file at a time
      asked += 1;
      waitingSince = Date.now();
      button.setAttribute("aria-busy", "true");
      if (!send(model, { type: "make", request: `${view}:${asked}` })) done();
    };
    const onMessage = (message, buffers) => {
      if (!message || message.request !== `${view}:${asked}`) return; // another view's, or an old one
      done();
      if (message.type === "file" && buffers && buffers.length === 1) {
        save(el, String(message.name), String(message.mime), buffers[0]);
      }
    };
    button.addEventListener("click", onClick);
    button.addEventListener("focus", look);
    button.addEventListener("pointerenter", look);
    model.on("change:label change:note change:alert", show);
    model.on("msg:custom", onMessage);
    let observer = null;
    if (typeof IntersectionObserver === "function") {
      observer = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) look();
      });
      observer.observe(el);
    }
    return () => {
      button.removeEventListener("click", onClick);
      button.removeEventListener("focus", look);
      button.removeEventListener("pointerenter", look);
      model.off("change:label change:note change:alert", show);
      model.off("msg:custom", onMessage);
      if (observer) observer.disconnect();
    };
  },
};
