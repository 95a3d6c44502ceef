// An improvement only: a box above each long list of checkboxes (countries, languages) that filters it as
// one types, accents and case aside, opening the groups that hold a match. Without script the groups fold
// and open by hand, and the form works the same.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function enhance(picker, index) {
    var groups = Array.prototype.slice.call(picker.querySelectorAll(".picker-group"));
    var options = Array.prototype.slice.call(picker.querySelectorAll(".picker-options > label"));
    var wasOpen = groups.map(function (group) {
      return group.open;
    });
    var input = document.createElement("input");
    input.type = "search";
    input.className = "picker-filter";
    input.id = "picker-filter-" + index;
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-label", picker.getAttribute("data-placeholder"));
    input.placeholder = picker.getAttribute("data-placeholder");
    var names = options.map(function (option) {
      return fold(option.textContent);
    });
    input.addEventListener("input", function () {
      var wanted = fold(input.value);
      options.forEach(function (option, i) {
        option.hidden = wanted !== "" && names[i].indexOf(wanted) === -1;
      });
      groups.forEach(function (group, i) {
        var shown = group.querySelectorAll(".picker-options > label:not([hidden])").length;
        group.hidden = shown === 0;
        group.open = wanted === "" ? wasOpen[i] || group.querySelector("input:checked") !== null : shown > 0;
      });
    });
    // Enter in the filter box must not send the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    picker.insertBefore(input, picker.firstChild);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), enhance);
})();
