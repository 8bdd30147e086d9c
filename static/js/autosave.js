// Saves each answer on the theme page as the officer goes.
//
// Without JavaScript the page still works: the buttons post the whole form. With it, a level is saved as
// soon as it is chosen and evidence shortly after typing stops. A failed save is shown and retried with
// a growing delay; nothing typed is thrown away. A save that collides with a colleague's (HTTP 409)
// shows both answers and lets the officer choose.
//
// Until an answer is saved, a copy is kept in this tab's sessionStorage. If the session has ended, the
// officer signs in again, comes back to this page, and the copy is put back and saved (or, when a colleague
// changed the answer meanwhile, shown side by side with theirs).
(function () {
  'use strict';

  var form = document.querySelector('form[data-autosave-url]');
  if (!form || !window.fetch || !window.FormData) { return; }

  var url = form.getAttribute('data-autosave-url');
  var csrfToken = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
  var statusLine = document.getElementById('autosave-status');
  var TYPING_PAUSE_MS = 1200;
  var MAX_RETRY_MS = 30000;
  var states = {};
  var DRAFT_PREFIX = 'autosave:' + url + ':';

  function draftKey(state) { return DRAFT_PREFIX + state.id; }

  function keepDraft(state) {
    var f = fields(state);
    var draft = { level: f.level, evidence: f.evidence.value, version: f.version.value };
    try { window.sessionStorage.setItem(draftKey(state), JSON.stringify(draft)); } catch (e) { /* storage full or blocked */ }
  }

  function dropDraft(state) {
    try { window.sessionStorage.removeItem(draftKey(state)); } catch (e) { /* storage blocked */ }
  }

  function serverActivity() {
    document.dispatchEvent(new CustomEvent('app:server-activity'));
  }

  function question(block) {
    var id = block.getAttribute('data-question');
    if (!states[id]) {
      states[id] = { block: block, id: id, timer: null, inflight: false, dirty: false, retryMs: 2000, stopped: false };
    }
    return states[id];
  }

  function fields(state) {
    var prefix = 'q' + state.id + '-';
    var checked = state.block.querySelector('input[name="' + prefix + 'level"]:checked');
    return {
      level: checked ? checked.value : '',
      evidence: state.block.querySelector('textarea[name="' + prefix + 'evidence"]'),
      version: state.block.querySelector('input[name="' + prefix + 'version"]')
    };
  }

  function busy() {
    return Object.keys(states).some(function (id) {
      var s = states[id];
      return s.inflight || s.dirty || s.timer;
    });
  }

  function setStatus(text) {
    statusLine.textContent = text;
  }

  function setQuestionStatus(state, text, isError) {
    var el = state.block.querySelector('[data-question-status]');
    el.textContent = text;
    el.classList.toggle('app-question-status--error', !!isError);
  }

  function schedule(state, delay) {
    if (state.stopped) { return; }
    clearTimeout(state.timer);
    state.dirty = true;
    keepDraft(state);
    state.timer = setTimeout(function () { state.timer = null; save(state); }, delay);
  }

  // One save at a time for the whole page: saves reach the server in the order they were made, and a fast
  // run of clicks never turns into a burst of simultaneous requests.
  var waiting = [];

  function anyInflight() {
    return Object.keys(states).some(function (id) { return states[id].inflight; });
  }

  function next() {
    while (waiting.length && !anyInflight()) {
      var queued = waiting.shift();
      if (queued.dirty) { save(queued); }
    }
  }

  function save(state) {
    if (state.inflight || anyInflight()) {
      // Picked up when the save in flight finishes.
      state.dirty = true;
      if (waiting.indexOf(state) === -1) { waiting.push(state); }
      return;
    }
    state.dirty = false;
    state.inflight = true;
    var f = fields(state);
    var body = new FormData();
    body.append('question', state.id);
    body.append('level', f.level);
    body.append('evidence', f.evidence.value);
    body.append('version', f.version.value);
    setStatus('Saving…');
    fetch(url, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': csrfToken, 'Accept': 'application/json' }
    }).then(function (response) {
      // An ended session answers with the sign-in page (a redirect followed to HTML), not with JSON.
      var json = (response.headers.get('Content-Type') || '').indexOf('application/json') === 0;
      if (response.redirected || !json) { return { status: 'signed-out', data: {} }; }
      serverActivity();
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (result) {
      state.inflight = false;
      if (result.status === 'signed-out') {
        state.stopped = true;
        state.dirty = true;
        setStatus('You have been signed out, so your latest changes are not saved yet. They are kept in this browser tab: sign in again and come back to this page to save them.');
        return;
      }
      if (result.status === 200) {
        f.version.value = result.data.version;
        state.retryMs = 2000;
        setQuestionStatus(state, '', false);
        if (state.dirty) { save(state); return; }
        dropDraft(state);
        // "Saved" only when nothing else is waiting: a pending evidence note is not saved yet.
        setStatus(busy() ? 'Saving…' : 'All changes saved. ' + result.data.saved + '.');
      } else if (result.status === 409 && result.data.current) {
        showConflict(state, result.data.current);
      } else if (result.status === 409 || result.status === 403) {
        state.stopped = true;
        setStatus((result.data.errors || ['This assessment can no longer be changed.']).join(' '));
      } else if (result.status === 400) {
        setQuestionStatus(state, 'Not saved: ' + (result.data.errors || []).join(' '), true);
        setStatus('One answer could not be saved. Check the message under it.');
      } else {
        retry(state);
      }
      next();
    }).catch(function () {
      state.inflight = false;
      retry(state);
      next();
    });
  }

  function retry(state) {
    var seconds = Math.round(state.retryMs / 1000);
    setStatus('Your latest changes have not been saved yet. Trying again in ' + seconds + ' seconds. You can keep working: nothing you type is lost.');
    schedule(state, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, MAX_RETRY_MS);
  }

  function showConflict(state, current) {
    state.stopped = true;
    var box = document.createElement('div');
    box.className = 'govuk-inset-text app-conflict';
    var heading = document.createElement('p');
    heading.className = 'govuk-body govuk-!-font-weight-bold';
    heading.textContent = (current.answered_by || 'A colleague') + ' changed this answer while you were working on it. ' + current.saved + ': ' + current.described + '.';
    box.appendChild(heading);
    if (current.evidence) {
      var evidence = document.createElement('p');
      evidence.className = 'govuk-body app-evidence';
      evidence.textContent = 'Their evidence: ' + current.evidence;
      box.appendChild(evidence);
    }
    var keep = document.createElement('button');
    keep.type = 'button';
    keep.className = 'govuk-button';
    keep.textContent = 'Keep my answer';
    var theirs = document.createElement('button');
    theirs.type = 'button';
    theirs.className = 'govuk-button govuk-button--secondary';
    theirs.textContent = 'Use their answer';
    box.appendChild(keep);
    box.appendChild(theirs);
    state.block.querySelector('[data-question-status]').before(box);
    setStatus('One answer was changed by a colleague. Choose which answer to keep.');
    keep.focus();

    var f = fields(state);
    keep.addEventListener('click', function () {
      f.version.value = current.version;
      keepDraft(state);
      box.remove();
      state.stopped = false;
      save(state);
    });
    theirs.addEventListener('click', function () {
      f.version.value = current.version;
      f.evidence.value = current.evidence;
      f.evidence.dispatchEvent(new Event('keyup')); // refresh the character count
      state.block.querySelectorAll('input[type="radio"]').forEach(function (radio) {
        radio.checked = radio.value === current.level;
      });
      box.remove();
      state.stopped = false;
      dropDraft(state);
      setStatus('Their answer is shown.');
    });
  }

  // A level saves at once; an evidence note saves after a pause in typing, or as soon as the box loses focus.
  form.addEventListener('change', function (event) {
    var block = event.target.closest('[data-question]');
    if (block && (event.target.type === 'radio' || event.target.tagName === 'TEXTAREA')) {
      schedule(question(block), 0);
    }
  });
  form.addEventListener('input', function (event) {
    var block = event.target.closest('[data-question]');
    if (block && event.target.tagName === 'TEXTAREA') { schedule(question(block), TYPING_PAUSE_MS); }
  });

  function flush() {
    Object.keys(states).forEach(function (id) {
      var s = states[id];
      if (s.timer) { clearTimeout(s.timer); s.timer = null; save(s); }
    });
  }

  // The session is about to end (see timeout-warning.js): send what is waiting while it still works.
  document.addEventListener('app:session-ending', flush);

  // True when the officer changed this answer before this script ran (on a slow connection the page can be
  // used while its scripts are still arriving): no change event will come for it. (The form has
  // autocomplete="off", so a browser does not put back an earlier visit's values, and their old versions.)
  function changedBeforeScriptRan(block) {
    var prefix = 'q' + block.getAttribute('data-question') + '-';
    var levelChanged = Array.prototype.some.call(
      block.querySelectorAll('input[name="' + prefix + 'level"]'),
      function (radio) { return radio.checked !== radio.defaultChecked; }
    );
    var evidence = block.querySelector('textarea[name="' + prefix + 'evidence"]');
    return levelChanged || evidence.value !== evidence.defaultValue;
  }

  // Put back answers that were not saved before the session ended, and save them now. Their saved version
  // goes with them, so a colleague's change made meanwhile is shown rather than overwritten. Save, too, any
  // answer changed before this script ran.
  form.querySelectorAll('[data-question]').forEach(function (block) {
    var stored = null;
    try { stored = JSON.parse(window.sessionStorage.getItem(DRAFT_PREFIX + block.getAttribute('data-question'))); } catch (e) { stored = null; }
    if (!stored) {
      if (changedBeforeScriptRan(block)) { schedule(question(block), 0); }
      return;
    }
    var state = question(block);
    var f = fields(state);
    if (stored.level === f.level && stored.evidence === f.evidence.value) { dropDraft(state); return; }
    block.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      radio.checked = radio.value === stored.level;
    });
    f.evidence.value = stored.evidence;
    f.version.value = stored.version;
    setQuestionStatus(state, 'Your unsaved change to this answer has been put back.', false);
    schedule(state, 0);
  });

  // A button press while a save is still on its way waits for it, so the two cannot collide.
  form.addEventListener('submit', function (event) {
    if (!busy()) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    flush();
    var waited = 0;
    var wait = setInterval(function () {
      waited += 100;
      if (!busy() || waited > 10000) {
        clearInterval(wait);
        form.requestSubmit(submitter);
      }
    }, 100);
  });

  // Leaving the page (a link, the back button, closing the tab) sends anything not yet saved. A beacon
  // survives the page going away, where an ordinary request would be cancelled.
  window.addEventListener('pagehide', function () {
    if (!navigator.sendBeacon) { return; }
    Object.keys(states).forEach(function (id) {
      var s = states[id];
      if (!(s.timer || s.dirty) || s.stopped) { return; }
      clearTimeout(s.timer);
      s.timer = null;
      var f = fields(s);
      var body = new FormData();
      body.append('csrfmiddlewaretoken', csrfToken);
      body.append('question', s.id);
      body.append('level', f.level);
      body.append('evidence', f.evidence.value);
      body.append('version', f.version.value);
      if (navigator.sendBeacon(url, body)) { s.dirty = false; }
    });
  });

  // Only warn before leaving while saves are failing (the connection is down), since a beacon cannot
  // be relied on then either.
  window.addEventListener('beforeunload', function (event) {
    var failing = Object.keys(states).some(function (id) { return states[id].retryMs > 2000; });
    if (failing) { event.preventDefault(); event.returnValue = ''; }
  });
})();
