// Keyboard shortcuts of the staff queue. The pages work without this file;
// it only adds keys for people who work through many cases a day.
//   j / k   next / previous case in the list
//   o       open the case that has the focus (Enter does the same on a link)
//   /       go to the search box
//   ?       show or hide the list of keys
(function () {
  "use strict";

  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }

  function caseLinks() {
    return Array.prototype.slice.call(document.querySelectorAll(".queue tbody th[scope=row] a"));
  }

  function move(step) {
    var links = caseLinks();
    if (!links.length) { return; }
    var at = links.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, at + step));
    links[next].focus();
    var row = links[next].closest("tr");
    links.forEach(function (link) { link.closest("tr").classList.remove("current"); });
    if (row) { row.classList.add("current"); row.scrollIntoView({ block: "nearest" }); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var help = document.getElementById("shortcuts");
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "o") {
      if (caseLinks().indexOf(document.activeElement) >= 0) { document.activeElement.click(); event.preventDefault(); }
    } else if (event.key === "/") {
      var search = document.getElementById("f-q");
      if (search) { search.focus(); event.preventDefault(); }
    } else if (event.key === "?" && help) {
      help.hidden = !help.hidden;
      event.preventDefault();
    }
  });
})();
