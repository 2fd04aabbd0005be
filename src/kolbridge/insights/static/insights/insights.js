// Forms sent by htmx on the insight pages answer a refusal (403, 409, 422) with the form and
// its reasons; htmx leaves error answers out by default, so let these ones in where they belong.
if (!window.kolbridgeInsightsForms) {
  window.kolbridgeInsightsForms = true;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 403 || status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}
