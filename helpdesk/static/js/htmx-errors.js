// htmx 2 leaves 4xx answers unswapped. The ticket and committee pages answer 403, 409 and
// 422 with the fragment to show instead (the refusal, the fresh ticket, the form as typed
// with its errors) and say where it goes with HX-Retarget: swap those.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  var status = xhr.status;
  if ((status === 403 || status === 409 || status === 422) && xhr.getResponseHeader("HX-Retarget")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
