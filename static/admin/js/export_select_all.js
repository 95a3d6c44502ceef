// The export page's "Select all" box ticks or clears every column of the chosen resource. django-import-export
// wires it with an inline onchange attribute, which the Content-Security-Policy blocks; this does it instead.
document.addEventListener("DOMContentLoaded", () => {
  for (const toggle of document.querySelectorAll(".select-toggle")) {
    toggle.addEventListener("change", () => {
      for (const box of document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]')) {
        box.checked = toggle.checked;
      }
    });
  }
});
