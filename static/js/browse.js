// An improvement only: on a narrow screen the filter groups start folded (all but those in use), so the
// results come into view sooner. Without script the page works the same, with the groups as served.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(max-width: 55.99rem)").matches) {
    return;
  }
  document.querySelectorAll("details.facet[open]:not([data-chosen])").forEach(function (group) {
    group.open = false;
  });
})();
