// Time per module on the public share viewer.
//
// One module is "active" at a time: the one taking the most of the screen. While the page is
// visible, each whole second goes to the active module; the seconds are sent in batches to the
// beacon URL (every 15 s, and when the page is hidden or left). The open itself is recorded by
// the server when the page is served, so nothing here is needed for that.
(function () {
  "use strict";

  var FLUSH_EVERY_MS = 15000;
  var root = document.querySelector("[data-beacon-url][data-open]");
  if (!root) {
    return;
  }
  var beaconUrl = root.getAttribute("data-beacon-url");
  var openId = parseInt(root.getAttribute("data-open"), 10);
  var sections = root.querySelectorAll("[data-position]");
  if (!sections.length || !openId) {
    return;
  }

  var visiblePixels = {}; // position -> visible height in CSS pixels
  var pending = {}; // position -> whole seconds not yet sent
  var active = null;

  function chooseActive() {
    var best = null;
    var bestPixels = 0;
    Object.keys(visiblePixels).forEach(function (position) {
      if (visiblePixels[position] > bestPixels) {
        best = position;
        bestPixels = visiblePixels[position];
      }
    });
    active = best;
  }

  if ("IntersectionObserver" in window) {
    var steps = [];
    for (var i = 0; i <= 20; i += 1) {
      steps.push(i / 20);
    }
    var observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          var position = entry.target.getAttribute("data-position");
          visiblePixels[position] = entry.isIntersecting ? entry.intersectionRect.height : 0;
        });
        chooseActive();
      },
      { threshold: steps }
    );
    sections.forEach(function (section) {
      observer.observe(section);
    });
  } else {
    // Without the observer the first module is all that can be told apart.
    active = sections[0].getAttribute("data-position");
  }

  // Counting in whole seconds by a one-second tick: the total can never run ahead of the time
  // the page has been open, which the server checks.
  window.setInterval(function () {
    if (active !== null && document.visibilityState === "visible") {
      pending[active] = (pending[active] || 0) + 1;
    }
  }, 1000);

  function flush() {
    var events = [];
    Object.keys(pending).forEach(function (position) {
      if (pending[position] > 0) {
        events.push({ position: parseInt(position, 10), seconds: pending[position] });
      }
    });
    if (!events.length) {
      return;
    }
    var body = JSON.stringify({ open: openId, events: events });
    // text/plain keeps the beacon a "simple" request that every browser sends; the server
    // reads the body as JSON whatever its declared type.
    var sent = false;
    if (navigator.sendBeacon) {
      sent = navigator.sendBeacon(beaconUrl, new Blob([body], { type: "text/plain" }));
    }
    if (!sent && window.fetch) {
      window.fetch(beaconUrl, {
        method: "POST",
        body: body,
        headers: { "Content-Type": "text/plain" },
        credentials: "omit",
        keepalive: true,
      });
      sent = true;
    }
    if (sent) {
      pending = {};
    }
  }

  window.setInterval(flush, FLUSH_EVERY_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush();
    }
  });
  window.addEventListener("pagehide", flush);
})();
