// An activity's times in the visitor's own time zone, beside Amsterdam's and UTC (which the page shows
// without script). Nothing is added when the visitor's zone is Amsterdam's.
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === "Europe/Amsterdam") return;
  var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  });
  document.querySelectorAll(".local-time").forEach(function (note) {
    var times = note.parentElement.querySelectorAll("time[data-local-time]");
    if (!times.length) return;
    var shown = Array.prototype.map.call(times, function (time) {
      return format.format(new Date(time.getAttribute("datetime")));
    });
    note.textContent = " (" + note.dataset.label + ": " + shown.join("–") + ")";
    note.hidden = false;
  });
})();
