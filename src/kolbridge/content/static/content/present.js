// The presenting page: one part at a time (arrow keys, Page Up/Down, the bar's buttons), the
// Fullscreen API, and the seconds spent on each part. "End and record" sends the timings to
// the server, which records them on the meeting; nothing is sent while presenting.
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("presenter");
    if (!root) { return; }
    var slides = Array.prototype.slice.call(root.querySelectorAll(".presenter-slide"));
    var positionLabel = document.getElementById("presenter-position");
    var errorBox = document.getElementById("presenter-error");
    var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
    var current = 0;
    var seconds = {};   // position -> milliseconds shown, summed
    var shownSince = null;
    var ending = false;

    // Time counts only while the page is visible: a tablet put to sleep is not a reading.
    function pause() {
      if (shownSince === null) { return; }
      var position = slides[current].dataset.position;
      seconds[position] = (seconds[position] || 0) + (performance.now() - shownSince);
      shownSince = null;
    }
    function resume() {
      if (shownSince === null && document.visibilityState === "visible") {
        shownSince = performance.now();
      }
    }

    function show(index) {
      if (index < 0 || index >= slides.length || index === current) { return; }
      pause();
      slides[current].hidden = true;
      current = index;
      slides[current].hidden = false;
      positionLabel.textContent = (current + 1) + " / " + slides.length;
      window.scrollTo(0, 0);
      changed();
      root.focus({ preventScroll: true });
      resume();
    }

    function toggleFullscreen() {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else if (root.requestFullscreen) {
        root.requestFullscreen().catch(function () { /* refused by the browser: stay windowed */ });
      }
    }

    function timings() {
      return Object.keys(seconds).map(function (position) {
        return { position: Number(position), seconds: Math.round(seconds[position] / 1000) };
      });
    }

    function end() {
      if (ending) { return; }
      ending = true;
      pause();
      errorBox.classList.add("d-none");
      fetch(root.dataset.recordUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ interaction: Number(root.dataset.interaction), timings: timings() })
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (answer) {
        if (answer.ok) {
          if (document.fullscreenElement) { document.exitFullscreen(); }
          window.location.assign(answer.data.redirect);
          return;
        }
        throw new Error(answer.data.detail || "The timings were not recorded.");
      }).catch(function (error) {
        ending = false;
        errorBox.textContent = error.message + " Nothing was recorded; try again.";
        errorBox.classList.remove("d-none");
        resume();
      });
    }

    // Chromium's PDF viewer takes the keyboard when a deck is shown, loads or goes full screen
    // (the window loses focus to it); the arrow keys belong to the presenter, so right after
    // such a change the focus comes back. Later, a click into the document keeps it there.
    var changedAt = performance.now();
    function changed() { changedAt = performance.now(); }
    root.querySelectorAll("object, iframe").forEach(function (frame) {
      frame.addEventListener("load", changed);
    });
    document.addEventListener("fullscreenchange", changed);
    window.addEventListener("blur", function () {
      window.setTimeout(function () {
        var focused = document.activeElement;
        if (focused && focused !== root && root.contains(focused) &&
            focused.matches("object, iframe") && performance.now() - changedAt < 2000) {
          root.focus({ preventScroll: true });
        }
      }, 0);
    });

    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action]");
      if (!button) { return; }
      var action = button.dataset.action;
      if (action === "previous") { show(current - 1); }
      if (action === "next") { show(current + 1); }
      if (action === "fullscreen") { toggleFullscreen(); }
      if (action === "end") { end(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.target.closest("input, textarea, select, video")) { return; }
      if (event.key === "ArrowRight" || event.key === "PageDown" || event.key === " ") {
        event.preventDefault();
        show(current + 1);
      } else if (event.key === "ArrowLeft" || event.key === "PageUp") {
        event.preventDefault();
        show(current - 1);
      } else if (event.key === "f") {
        toggleFullscreen();
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { resume(); } else { pause(); }
    });
    root.focus({ preventScroll: true });
    resume();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
