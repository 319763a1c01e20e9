// Helm Warden's one page script: a file of our own (the CSP admits no inline script and no eval).
// It keeps live pages from fighting the reader: times in the person's own zone, open sections that stay open
// across refreshes, a pause switch, "updated ... ago", and a bar while any htmx request is on its way.
(function () {
  'use strict';

  var localFormat = new Intl.DateTimeFormat(undefined, {year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit',
      minute: '2-digit', timeZoneName: 'short'});
  var relative = new Intl.RelativeTimeFormat(undefined, {numeric: 'auto'});

  function ago(seconds) {
    var steps = [[60, 'second', 1], [3600, 'minute', 60], [86400, 'hour', 3600], [604800, 'day', 86400]];
    for (var i = 0; i < steps.length; i++) {
      if (Math.abs(seconds) < steps[i][0]) {
        return relative.format(-Math.round(seconds / steps[i][2]), steps[i][1]);
      }
    }
    return null;
  }

  /** <time data-local datetime="..."> shows the local time, and how long ago for the last week; UTC on hover. */
  function localiseTimes(root) {
    root.querySelectorAll('time[data-local]').forEach(function (element) {
      var date = new Date(element.getAttribute('datetime'));
      if (isNaN(date.getTime())) {
        return;
      }
      if (!element.dataset.utc) {
        element.dataset.utc = element.textContent;
        element.title = element.textContent;
      }
      var since = ago((Date.now() - date.getTime()) / 1000);
      element.textContent = localFormat.format(date) + (since ? ' (' + since + ')' : '');
    });
  }

  var openSections = new Set();
  var updatedAt = {};

  document.addEventListener('htmx:beforeRequest', function (event) {
    var target = event.detail.elt;
    var status = target && target.id ? document.querySelector('[data-live-for="' + target.id + '"]') : null;
    // A live region issues only its polling requests: paused, they are cancelled.
    if (status && status.dataset.paused === 'true') {
      event.preventDefault();
      return;
    }
    document.body.classList.add('htmx-busy');
  });
  document.addEventListener('htmx:afterRequest', function () {
    document.body.classList.remove('htmx-busy');
  });
  document.addEventListener('htmx:beforeSwap', function () {
    openSections = new Set(Array.from(document.querySelectorAll('details[data-key][open]'))
        .map(function (details) { return details.dataset.key; }));
  });
  document.addEventListener('htmx:afterSettle', function (event) {
    document.querySelectorAll('details[data-key]').forEach(function (details) {
      if (openSections.has(details.dataset.key)) {
        details.open = true;
      }
    });
    localiseTimes(document);
    if (event.target && event.target.id) {
      updatedAt[event.target.id] = Date.now();
      var status = document.querySelector('[data-live-for="' + event.target.id + '"]');
      if (status) {
        status.dataset.refreshes = String(Number(status.dataset.refreshes || 0) + 1);
      }
    }
  });

  function showUpdated() {
    document.querySelectorAll('[data-live-for]').forEach(function (status) {
      var label = status.querySelector('[data-updated]');
      var at = updatedAt[status.dataset.liveFor];
      if (label && status.dataset.paused !== 'true') {
        label.textContent = at ? 'Live, updated ' + (ago((Date.now() - at) / 1000) || 'a while ago') : label.textContent;
      }
    });
  }

  // Copy buttons: [data-copy=<id>] copies that element's text, and says so.
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy]');
    var source = button ? document.getElementById(button.dataset.copy) : null;
    if (!source || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var label = button.textContent;
      button.textContent = 'Copied';
      window.setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-pause]');
    if (!button) {
      return;
    }
    var status = button.closest('[data-live-for]');
    var paused = status.dataset.paused !== 'true';
    status.dataset.paused = String(paused);
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = paused ? 'Resume live updates' : 'Pause live updates';
    var label = status.querySelector('[data-updated]');
    if (label) {
      label.textContent = paused ? 'Paused: this page no longer follows the cluster' : 'Live';
    }
  });

  document.addEventListener('DOMContentLoaded', function () {
    var bar = document.createElement('div');
    bar.className = 'busy-bar';
    bar.setAttribute('aria-hidden', 'true');
    document.body.appendChild(bar);
    localiseTimes(document);
    window.setInterval(showUpdated, 5000);
  });
}());
