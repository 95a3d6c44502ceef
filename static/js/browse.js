// An improvement only; without script the filter form works the same, its button applying what is ticked.
// - On a wide screen the filter panel is always open (browsers that support ::details-content already show
//   it by CSS). On a narrow screen the filter groups start folded (all but those in use).
// - As boxes are ticked, the button says how many products they give ("Show 12 products"), asked of the
//   server, so choosing several filters costs one page load.
// - After that load the panel opens where it was: open, with the same groups open, at the same place.
(function () {
  "use strict";
  var panel = document.querySelector("details.filter-panel");
  var form = panel && panel.querySelector("form.filter-form");
  if (!panel || !form || !window.matchMedia) {
    return;
  }
  var STATE = "browse-filter-panel";
  var narrow = window.matchMedia("(max-width: 55.99rem)").matches;
  var groups = Array.prototype.slice.call(panel.querySelectorAll("details.facet"));
  var button = form.querySelector(".filter-apply button");
  var status = form.querySelector(".filter-status");

  function restore() {
    var saved;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(STATE) || "null");
      window.sessionStorage.removeItem(STATE);
    } catch (error) {
      saved = null;
    }
    if (!saved || saved.path !== window.location.pathname) {
      return false;
    }
    panel.open = true;
    groups.forEach(function (group, i) {
      group.open = saved.groups.indexOf(i) !== -1 || group.hasAttribute("data-chosen");
    });
    window.scrollTo(0, saved.scroll);
    return true;
  }

  function remember() {
    var open = [];
    groups.forEach(function (group, i) {
      if (group.open) {
        open.push(i);
      }
    });
    try {
      window.sessionStorage.setItem(
        STATE,
        JSON.stringify({ path: window.location.pathname, groups: open, scroll: window.scrollY })
      );
    } catch (error) {
      // Private browsing may refuse storage: the page then opens at the panel (the form's #filters).
    }
  }

  // The query the form would send, without the boxes left empty (the year range).
  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "") {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  var pending = null;
  var asked = 0;
  function recount() {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      var ticket = ++asked;
      window
        .fetch(form.getAttribute("data-count-url") + "?" + query(), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json();
        })
        .then(function (answer) {
          if (ticket === asked && answer.label) {
            button.textContent = answer.label;
            status.textContent = answer.label;
          }
        })
        .catch(function () {
          // Offline or slow: the button still applies the filters; only its number is the old one.
        });
    }, 250);
  }

  if (!restore()) {
    if (!narrow) {
      panel.open = true;
    } else {
      panel.querySelectorAll("details.facet[open]:not([data-chosen])").forEach(function (group) {
        group.open = false;
      });
    }
  }
  if (!narrow) {
    panel.open = true;
  }
  // Without script the address ends in #filters, which opens the panel there; here the scroll is restored.
  form.action = form.action.split("#")[0];
  form.addEventListener("change", recount);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    remember();
    var search = query();
    window.location.assign(form.action + (search ? "?" + search : ""));
  });
})();
