// An improvement only. On a wide screen the filter panel is always open (browsers that support
// ::details-content already show it by CSS). On a narrow screen the filter groups start folded (all but
// those in use), so that opening the panel shows the list of groups. Without script the page works the same.
(function () {
  "use strict";
  var panel = document.querySelector("details.filter-panel");
  if (!panel || !window.matchMedia) {
    return;
  }
  if (!window.matchMedia("(max-width: 55.99rem)").matches) {
    panel.open = true;
    return;
  }
  panel.querySelectorAll("details.facet[open]:not([data-chosen])").forEach(function (group) {
    group.open = false;
  });
})();
