// File pickers in the page's language: the browser draws its own button in the browser's
// language ("Choose File"), whatever the page's. Each file input gets a button and a line
// naming the chosen files, both worded by the page (data attributes on <body>); the input
// itself stays in the form, hidden, and still receives the files.
(() => {
  function enhance(input) {
    const words = document.body.dataset;
    if (input.dataset.enhanced) return;
    input.dataset.enhanced = "1";
    const group = document.createElement("div");
    group.className = "input-group sila-file";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.textContent = input.multiple ? words.fileChooseMany : words.fileChoose;
    const chosen = document.createElement("span");
    chosen.className = "form-control text-truncate sila-file-names";
    chosen.setAttribute("aria-live", "polite");
    const show = () => {
      const names = Array.from(input.files || []).map((file) => file.name);
      chosen.textContent = names.length ? names.join("، ") : words.fileNone;
      chosen.classList.toggle("text-body-secondary", !names.length);
      chosen.classList.toggle("is-invalid", input.classList.contains("is-invalid"));
    };
    input.parentNode.insertBefore(group, input);
    group.append(button, chosen, input);
    input.classList.add("visually-hidden");
    input.tabIndex = -1;
    if (input.id) button.setAttribute("aria-describedby", input.id);
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", show);
    show();
  }

  function enhanceAll(root) {
    for (const input of root.querySelectorAll('input[type="file"]')) enhance(input);
  }

  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  document.addEventListener("htmx:load", (event) => enhanceAll(event.target));
})();
