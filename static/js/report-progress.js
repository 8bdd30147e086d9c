// "Preparing your report": asks every few seconds whether the PDF is ready (a HEAD request to the download
// address, which answers 200 once it is), then says so in the status region and offers the download.
// Without JavaScript the page's "Check if your report is ready" link does the same.
(function () {
  var progress = document.querySelector('[data-module="app-report-progress"]');
  if (!progress || !window.fetch) return;
  var url = progress.getAttribute('data-report-url');
  var status = progress.querySelector('[data-report-status]');
  var check = progress.querySelector('[data-report-check]');
  var attempts = 0;

  function ready() {
    status.textContent = 'Your report is ready.';
    check.innerHTML = '';
    var link = document.createElement('a');
    link.className = 'govuk-button';
    link.setAttribute('data-module', 'govuk-button');
    link.href = url;
    link.textContent = 'Download the report (PDF)';
    check.appendChild(link);
  }

  function failed() {
    status.textContent = 'Your report could not be prepared. Your answers and results are not affected.';
    check.innerHTML = '';
    var link = document.createElement('a');
    link.className = 'govuk-link';
    link.href = progress.getAttribute('data-retry-url');
    link.textContent = 'Try again';
    check.appendChild(link);
  }

  // After about five minutes it stops asking and says so; the "Check" link (left in place) asks once more.
  function slow() {
    status.textContent = 'This is taking longer than usual. Check again in a few minutes, or come back later.';
  }

  function askAgainAfter(delay) {
    if (attempts < 150) window.setTimeout(ask, delay);
    else slow();
  }

  function ask() {
    attempts += 1;
    fetch(url, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (response.status === 200) return ready();
        if (response.status === 503) return failed();
        askAgainAfter(2000);
      })
      .catch(function () {
        askAgainAfter(4000);
      });
  }

  window.setTimeout(ask, 1500);
})();
