// casekit's file picker (casekit/widgets/filepicker.py, class FilePicker): a button that says what it does
// and opens the browser's file dialog. ipywidgets' FileUpload writes a counter after its label ("Hent svar
// ind (0)"); this one shows only the kernel's words (the synced trait `description`, with `tooltip` as the
// button's title).
//
// The chosen files go to the kernel in the synced trait `value`: [{name, type, size, last_modified,
// content}] with each file's bytes as a binary buffer. A file bigger than `max_bytes` is announced without
// its bytes: the kernel refuses it by its size, in words, and nothing large crosses the wire. The kernel
// clears `value` when it has read it, so that choosing the same file again is a new choice.

async function read(file, maxBytes) {
  const tooBig = maxBytes > 0 && file.size > maxBytes;
  const content = tooBig ? new DataView(new ArrayBuffer(0)) : new DataView(await file.arrayBuffer());
  return { name: file.name, type: file.type, size: file.size, last_modified: file.lastModified, content };
}

export default {
  render({ model, el }) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "casekit-filepicker jupyter-button widget-button";
    const input = document.createElement("input");
    input.type = "file";
    input.hidden = true;
    input.tabIndex = -1;

    const show = () => {
      button.textContent = model.get("description");
      button.title = model.get("tooltip");
      button.disabled = model.get("disabled");
      input.accept = model.get("accept");
      input.multiple = model.get("multiple");
    };
    button.addEventListener("click", () => {
      input.value = "";
      input.click();
    });
    input.addEventListener("change", async () => {
      const files = Array.from(input.files || []);
      if (!files.length) return;
      const maxBytes = model.get("max_bytes");
      model.set("value", await Promise.all(files.map((file) => read(file, maxBytes))));
      model.save_changes();
    });
    model.on("change:description change:tooltip change:disabled change:accept change:multiple", show);
    show();
    el.classList.add("casekit-filepicker-box");
    el.append(button, input);
    return () => model.off(null, show);
  },
};
