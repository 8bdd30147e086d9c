// Warns before an idle session ends, and offers to keep it (GOV.UK timeout warning pattern).
//
// The server ends a session SESSION_IDLE_MINUTES after the last request. The page counts down from the
// last request any tab of this service made (shared through localStorage, so working in one tab keeps the
// others from warning), shows a modal dialog two minutes before the end, and when time is up goes to the
// sign-in page, which brings the officer back here afterwards. Just before that it tells the page
// (`app:session-ending`), so the answers autosave has not sent yet are sent while the session still works.
(function () {
  'use strict';

  var dialog = document.getElementById('timeout-warning');
  if (!dialog || typeof dialog.showModal !== 'function' || !window.fetch) { return; }

  var IDLE_MS = Number(dialog.getAttribute('data-idle-seconds')) * 1000;
  var WARNING_MS = Number(dialog.getAttribute('data-warning-seconds')) * 1000;
  var FLUSH_MS = 5000; // how long before the end unsent answers are sent
  var keepAliveUrl = dialog.getAttribute('data-keep-alive-url');
  var signedOutUrl = dialog.getAttribute('data-signed-out-url');
  var csrfToken = dialog.querySelector('input[name="csrfmiddlewaretoken"]').value;
  var countdown = dialog.querySelector('[data-countdown]');
  var spoken = dialog.querySelector('[data-countdown-spoken]');
  var STORAGE_KEY = 'app:last-server-activity';
  var localActivity = Date.now();
  var flushed = false;

  function lastActivity() {
    var shared = 0;
    try { shared = Number(window.localStorage.getItem(STORAGE_KEY)) || 0; } catch (e) { /* storage blocked */ }
    return Math.max(shared, localActivity);
  }

  function recordActivity() {
    localActivity = Date.now();
    flushed = false;
    try { window.localStorage.setItem(STORAGE_KEY, String(localActivity)); } catch (e) { /* storage blocked */ }
  }

  function describe(seconds) {
    if (seconds > 60) { return Math.ceil(seconds / 60) + ' minutes'; }
    if (seconds === 60) { return '1 minute'; }
    return seconds + (seconds === 1 ? ' second' : ' seconds');
  }

  // The visible countdown changes every second. What a screen reader hears changes only with the minutes,
  // then every 15 seconds, so it is told a few times rather than interrupted every second.
  function showCountdown(ms, opening) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var text = describe(seconds);
    countdown.textContent = text;
    if (opening || seconds > 60 || seconds % 15 === 0) {
      if (spoken.textContent !== text) { spoken.textContent = text; }
    }
  }

  function signOut() {
    window.location.assign(signedOutUrl);
  }

  function tick() {
    var remaining = lastActivity() + IDLE_MS - Date.now();
    if (remaining <= 0) { signOut(); return; }
    if (remaining <= FLUSH_MS && !flushed) {
      flushed = true;
      document.dispatchEvent(new CustomEvent('app:session-ending'));
    }
    if (remaining <= WARNING_MS) {
      showCountdown(remaining, !dialog.open);
      if (!dialog.open) { dialog.showModal(); }
    } else if (dialog.open) {
      dialog.close(); // another tab kept the session alive
    }
  }

  function staySignedIn() {
    fetch(keepAliveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': csrfToken, 'Accept': 'application/json' }
    }).then(function (response) {
      // A session that has already ended answers with the sign-in page instead.
      if (response.redirected || !response.ok) { signOut(); return; }
      recordActivity();
      if (dialog.open) { dialog.close(); }
    }).catch(function () {
      // Offline: leave the dialog up, so the officer can try again.
    });
  }

  dialog.querySelector('[data-stay-signed-in]').addEventListener('click', staySignedIn);
  // Escape closes a modal dialog; here it means "stay signed in", as in the GOV.UK pattern.
  dialog.addEventListener('cancel', function (event) {
    event.preventDefault();
    staySignedIn();
  });

  document.addEventListener('app:server-activity', recordActivity);
  recordActivity(); // loading this page was a request
  window.setInterval(tick, 1000);
})();
